/**
 * The messages between a host (main, the CLI) and the trainer process. One job at a time; every
 * message about a job carries its id, so a late message of a cancelled job cannot be taken for the
 * next one's. A job is a training job (src/shared/training.ts) or a retrieval evaluation of a folder
 * (./retrieval-jobs.ts); work that is not a training step reports as `stage` messages.
 */
import type { ErrorInfo } from '../shared/errors'
import type { RetrievalComparison } from '../shared/retrieval/report'
import type { TrainingJob, TrainingJobKind, TrainingProgress, TrainingResult, TrainingStage } from '../shared/training'
import type { RetrievalEvaluation } from './retrieval-jobs'

/** The retrieval evaluation of a folder, as `evaluateRetrieval(folder, evaluation)` runs it. */
export interface RetrievalJob extends RetrievalEvaluation {
  kind: 'retrieval'
  folder: string
}

export type TrainerJob = TrainingJob | RetrievalJob

/** What each kind of job yields. */
type ResultOfKind = Record<TrainingJobKind, TrainingResult> & { retrieval: RetrievalComparison }

/** The result of a job of kind J['kind']: a TrainingResult for training jobs, a RetrievalComparison for a retrieval job. */
export type TrainerResult<J extends TrainerJob = TrainerJob> = ResultOfKind[J['kind']]

export type TrainerRequest =
  | { type: 'hello' }
  | { type: 'start'; id: string; job: TrainerJob }
  /** Stops the job between two steps; the process stays and takes the next job. */
  | { type: 'cancel'; id: string }
  | { type: 'shutdown' }

export type TrainerReply =
  | { type: 'ready'; pid: number; node: string; electron: string | null }
  | { type: 'backend'; id: string; description: string; skipped: string[] }
  | { type: 'stage'; id: string; stage: TrainingStage }
  | { type: 'progress'; id: string; progress: TrainingProgress }
  | { type: 'done'; id: string; result: TrainerResult }
  | { type: 'failed'; id: string; error: ErrorInfo }
