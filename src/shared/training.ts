/**
 * Training jobs as the app, the CLI and the trainer process see them: what a job asks (one zod
 * schema per kind, in one union, checked in main before any job starts), what it reports while it
 * runs, what it leaves, and the status the Training view shows. A new kind of job is one member of
 * `trainingJobSchema` and one runner in src/trainer/jobs.ts.
 */
import { z } from 'zod'
import { audioEegRequestSchema } from './audio-eeg'
import { dccaTrainingDefaults, dccaTrainingSchema, type DccaProgress, type DccaTrainingConfig } from './dcca-training'

const filePath = z.string().min(1, 'a path is required').max(4096, 'the path is too long')

export const backendRequestSchema = z
  .object({
    backend: z.enum(['tensorflow', 'wasm', 'cpu', 'auto']).optional(),
    threads: z.number().int().min(1).max(64).optional(),
  })
  .strict()

/** Generic Deep CCA on two paired .npy views, saved as a model folder at `out` (never replaced). */
export const dccaFitJobSchema = z
  .object({
    kind: z.literal('dcca-fit'),
    x1: filePath,
    x2: filePath,
    out: filePath,
    config: dccaTrainingSchema,
    backend: backendRequestSchema.default({}),
  })
  .strict()

/**
 * The audio↔EEG model on a dataset folder (folds × runs, checkpoints, resume, early stopping).
 * With `sessions`, the trainer first builds the dataset from those sessions into `dataset` (a new
 * or empty folder), with the paper's preprocessing.
 */
export const audioEegJobSchema = audioEegRequestSchema.extend({
  kind: z.literal('audio-eeg'),
  sessions: z.array(filePath).min(1, 'choose at least one session').max(10_000).optional(),
})

export const trainingJobSchema = z.discriminatedUnion('kind', [dccaFitJobSchema, audioEegJobSchema])

export type TrainingJob = z.infer<typeof trainingJobSchema>
export type TrainingJobInput = z.input<typeof trainingJobSchema>
export type TrainingJobKind = TrainingJob['kind']

/** Named starting points for a job's configuration; the view fills its fields from one. */
export const dccaPresets: { name: string; description: string; config: DccaTrainingConfig }[] = [
  { name: 'andrew', description: "Andrew et al.'s split-MNIST set-up: 2 × [1024, 1024], 50 outputs, batch 800, 20 epochs", config: dccaTrainingDefaults },
  { name: 'fast', description: 'a quick look: 2 × [256], 10 outputs, batch 200, 10 epochs', config: { ...dccaTrainingDefaults, dims: 10, layers: [256], batchSize: 200, epochs: 10 } },
]

/** The loss and validation correlation of one finished epoch. */
export interface EpochPoint {
  epoch: number
  /** Mean batch loss (−objective) over the epoch. */
  loss: number
  validationCorrelation: number | null
}

/** One fit of a job (the one fit of `dcca-fit`; a fold × run of a k-fold job). */
export interface FitResult {
  /** Which fit, for people: "validation split", "fold 2, run 1". */
  fit: string
  epochs: number
  bestEpoch: number
  /** Stopped before its last epoch: no better validation correlation for `patience` epochs. */
  stoppedEarly: boolean
  seconds: number
  trainingCorrelation: number
  validationCorrelation: number | null
  history: EpochPoint[]
}

/** What a finished job leaves. */
export interface TrainingResult {
  kind: TrainingJobKind
  model: string
  backend: string
  seconds: number
  fits: FitResult[]
  /** The saved model's canonical correlations, strongest first: on the validation rows when there are any, else on the training rows. */
  correlations: number[]
  correlationsOn: 'validation' | 'training'
  /** The fit whose networks the model holds. */
  exported: string
  /** Validation total correlation over the fits (with several). */
  validation: { mean: number; sd: number; min: number; max: number } | null
}

/** A fold × run of a k-fold job, for people (folds and runs from 1). */
export const foldRunName = (fold: number, run: number) => `fold ${fold + 1}, run ${run + 1}`

/** Which fit of a job a progress event belongs to. */
export function fitName(progress: DccaProgress): string {
  return progress.job ? foldRunName(progress.job.fold, progress.job.run) : 'validation split'
}

/** A progress event of a job, with the fit it belongs to. */
export interface TrainingProgress extends DccaProgress {
  fit: string
}

/** Work of a job that is not a training step (building a dataset before training, a retrieval evaluation), with how far it got. */
export interface TrainingStage {
  name: string
  fraction: number
  detail: string
}

export type TrainingState = 'idle' | 'running' | 'cancelling' | 'completed' | 'cancelled' | 'failed'

/** The training job of the app (one at a time), as the Training view shows it. */
export interface TrainingStatus {
  state: TrainingState
  job: TrainingJob | null
  startedAt: string | null
  /** The backend the trainer chose, as described to people. */
  backend: string | null
  /** The trainer process's id while it runs (it is a separate process, so training never stalls main). */
  trainerPid: number | null
  progress: TrainingProgress | null
  /** Work before training (building the dataset from sessions), while it runs. */
  stage: TrainingStage | null
  /** Finished epochs of every fit so far, in order. */
  curves: { fit: string; points: EpochPoint[] }[]
  result: TrainingResult | null
  problem: string | null
}

export const idleTrainingStatus: TrainingStatus = { state: 'idle', job: null, startedAt: null, backend: null, trainerPid: null, progress: null, stage: null, curves: [], result: null, problem: null }

/**
 * Follows a job's progress events into per-epoch curves: an epoch's loss is the mean of its batch
 * losses (as the trainer computes it), and its validation correlation arrives with the first event
 * of the next epoch; a fit's last epoch is completed from its result.
 */
export class EpochCurves {
  readonly curves: { fit: string; points: EpochPoint[] }[] = []
  private open: { fit: string; epoch: number; losses: number; batches: number } | null = null

  add(progress: TrainingProgress): void {
    const open = this.open
    if (open && (open.fit !== progress.fit || open.epoch !== progress.epoch)) {
      // The epoch before this event has finished; its validation comes with the next one of the same fit.
      this.close(open, open.fit === progress.fit ? progress.validationCorrelation : null)
    }
    if (!this.open || this.open.fit !== progress.fit || this.open.epoch !== progress.epoch) this.open = { fit: progress.fit, epoch: progress.epoch, losses: 0, batches: 0 }
    this.open.losses += progress.loss
    this.open.batches++
  }

  /** Replaces what was followed with the fits' own histories (exact, and with their last epochs). */
  finish(fits: FitResult[]): void {
    this.open = null
    this.curves.splice(0, this.curves.length, ...fits.map((fit) => ({ fit: fit.fit, points: fit.history })))
  }

  private close(open: { fit: string; epoch: number; losses: number; batches: number }, validationCorrelation: number | null): void {
    let curve = this.curves.find((candidate) => candidate.fit === open.fit)
    if (!curve) {
      curve = { fit: open.fit, points: [] }
      this.curves.push(curve)
    }
    curve.points.push({ epoch: open.epoch, loss: open.losses / open.batches, validationCorrelation })
    this.open = null
  }
}

/** The folder a model of this name goes to, inside a models folder (a name, not a path). */
export const modelNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must be 1–100 letters, digits, dots, dashes or underscores, starting with a letter or digit')

/** A model folder as the Models view lists it. */
export interface ModelSummary {
  path: string
  name: string
  kind: string
  createdAt: string
  backend: string
  objective: string
  dims: number
  epochs: number | null
  bestEpoch: number | null
  trainingCorrelation: number | null
  validationCorrelation: number | null
  /** Why the folder could not be read as a model (then the other fields are what could be). */
  problem: string | null
}

/** One model in full: its config.json and metrics.json as written, and the card made from them. */
export interface ModelDetail {
  summary: ModelSummary
  config: unknown
  metrics: unknown
  card: string
}
