/**
 * The messages between a host (main, the CLI) and the trainer process. One job at a time; every
 * message about a job carries its id, so a late message of a cancelled job cannot be taken for the
 * next one's.
 */
import type { ErrorInfo } from '../shared/errors'
import type { TrainingJob, TrainingProgress, TrainingResult, TrainingStage } from '../shared/training'

export type TrainerRequest =
  | { type: 'hello' }
  | { type: 'start'; id: string; job: TrainingJob }
  /** Stops the job between two steps; the process stays and takes the next job. */
  | { type: 'cancel'; id: string }
  | { type: 'shutdown' }

export type TrainerReply =
  | { type: 'ready'; pid: number; node: string; electron: string | null }
  | { type: 'backend'; id: string; description: string; skipped: string[] }
  | { type: 'stage'; id: string; stage: TrainingStage }
  | { type: 'progress'; id: string; progress: TrainingProgress }
  | { type: 'done'; id: string; result: TrainingResult }
  | { type: 'failed'; id: string; error: ErrorInfo }
