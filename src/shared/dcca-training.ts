/**
 * What a two-view DCCA training run is asked to do and what it reports: the configuration (checked
 * once, with a message per field, wherever it comes from: the CLI, the app, a saved model), the
 * checks on the paired views that must pass before any training starts, and the progress events.
 */
import { z } from 'zod'
import { dccaObjectives } from './dcca'

/** The optimisers training can use (src/trainer/optimizers.ts): Adam for DCCA, RMSprop for the paper's retrieval model. */
export const optimizerNames = ['adam', 'rmsprop'] as const
export type OptimizerName = (typeof optimizerNames)[number]

export const dccaTrainingSchema = z
  .object({
    /** Output size of each network, and number of canonical components kept. */
    dims: z.number().int().min(1).max(4096),
    /** Hidden layer widths (ReLU), the same for both views. */
    layers: z.array(z.number().int().min(1).max(65_536)).max(16),
    epochs: z.number().int().min(1).max(100_000),
    batchSize: z.number().int().min(2).max(1_000_000),
    learningRate: z.number().positive().max(10),
    /** Absent in models saved before RMSprop existed: those used Adam. */
    optimizer: z.enum(optimizerNames).default('adam'),
    objective: z.enum(dccaObjectives),
    /** How many correlations `topk` sums (default: dims). */
    topK: z.number().int().min(1).optional(),
    /** Ridge r1 = r2 added to each view's covariance, in training and in the final linear CCA. */
    ridge: z.number().min(0).max(1e3),
    /** Fraction of the rows held out for validation (0: none). */
    validationSplit: z.number().min(0).max(0.9),
    seed: z.number().int().min(0).max(2 ** 32 - 1),
  })
  .strict()
  .superRefine((config, context) => {
    if (config.topK !== undefined && config.objective !== 'topk') context.addIssue({ code: 'custom', path: ['topK'], message: 'applies to the topk objective only' })
    if (config.topK !== undefined && config.topK > config.dims) context.addIssue({ code: 'custom', path: ['topK'], message: `cannot exceed dims (${config.dims})` })
  })

export type DccaTrainingConfig = z.infer<typeof dccaTrainingSchema>

/** Andrew et al.'s split-MNIST set-up, scaled by the options given. */
export const dccaTrainingDefaults: DccaTrainingConfig = {
  dims: 50,
  layers: [1024, 1024],
  epochs: 20,
  batchSize: 800,
  learningRate: 1e-3,
  optimizer: 'adam',
  objective: 'trace',
  ridge: 1e-4,
  validationSplit: 0.2,
  seed: 1,
}

/** The configuration with defaults for what `input` leaves out, or an error naming every bad field. */
export function parseDccaTraining(input: Partial<DccaTrainingConfig>): DccaTrainingConfig {
  const given = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined))
  const result = dccaTrainingSchema.safeParse({ ...dccaTrainingDefaults, ...given })
  if (result.success) return result.data
  throw new RangeError(result.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`).join('; '))
}

/** One view: rows are samples, in row-major order. */
export interface ViewData {
  /** Where it came from, for messages (a file name). */
  name: string
  rows: number
  cols: number
  data: Float32Array | Float64Array
}

/** A matrix as a named view. */
export const namedView = (name: string, m: { rows: number; cols: number; data: Float32Array | Float64Array }): ViewData => ({ name, rows: m.rows, cols: m.cols, data: m.data })

/** Unpaired rows, empty views, non-finite values (the first one's position). */
export function pairedViewProblems(view1: ViewData, view2: ViewData): string[] {
  const problems: string[] = []
  if (view1.rows !== view2.rows) problems.push(`${view1.name} has ${view1.rows} rows and ${view2.name} ${view2.rows}; rows must be paired samples`)
  for (const view of [view1, view2]) {
    if (view.cols < 1) problems.push(`${view.name} has no features`)
    const bad = view.data.findIndex((value) => !Number.isFinite(value))
    if (bad >= 0) problems.push(`${view.name} holds ${view.data[bad]} at row ${Math.floor(bad / view.cols)}, column ${bad % view.cols} (the first non-finite value)`)
  }
  return problems
}

/** Problems that would make training meaningless or fail half-way, found before it starts. */
export function checkPairedViews(view1: ViewData, view2: ViewData, config: DccaTrainingConfig): string[] {
  const problems = pairedViewProblems(view1, view2)
  const trainingRows = view1.rows - Math.round(view1.rows * config.validationSplit)
  if (trainingRows < config.batchSize) {
    problems.push(`${trainingRows} training rows (after holding out ${Math.round(config.validationSplit * 100)} % for validation) are fewer than one batch of ${config.batchSize}; lower --batch or --val-split`)
  }
  if (config.batchSize <= config.dims) problems.push(`a batch of ${config.batchSize} cannot estimate the covariance of ${config.dims} outputs; make --batch larger than --dims`)
  if (config.validationSplit > 0 && Math.round(view1.rows * config.validationSplit) <= config.dims) {
    problems.push(`${Math.round(view1.rows * config.validationSplit)} validation rows are too few to measure ${config.dims} correlations; raise --val-split or use 0`)
  }
  return problems
}

/**
 * A progress event of a training run (the app shows it, the CLI draws a bar); plain JSON, so the
 * trainer process can send it as it is. A job of several runs (folds × runs) says which one.
 */
export const dccaProgressSchema = z.object({
  epoch: z.number().int(),
  epochs: z.number().int(),
  /** Batches done in this epoch. */
  batch: z.number().int(),
  batches: z.number().int(),
  /** Loss (−objective) of the last batch. */
  loss: z.number(),
  /** Total canonical correlation on the validation rows after the last finished epoch. */
  validationCorrelation: z.number().nullable(),
  elapsedSeconds: z.number(),
  /** Seconds left, from the mean step time so far (of the whole job, in a job of several runs). */
  etaSeconds: z.number(),
  /** In a job of several runs: which fold (0-based, of `folds`) and run (0-based, of `runs`), and the share of the job done (0…1). */
  job: z.object({ fold: z.number().int(), folds: z.number().int(), run: z.number().int(), runs: z.number().int(), done: z.number() }).optional(),
})

export type DccaProgress = z.infer<typeof dccaProgressSchema>
