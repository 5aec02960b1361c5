/**
 * Runs a training job of any kind in the trainer process: the job's own function does the work;
 * this turns its summary into the TrainingResult every host shows, and names the fits its progress
 * belongs to. A new kind of job is one case here.
 */
import { EntrainError } from '../shared/errors'
import type { TrainingJob, TrainingProgress, TrainingResult } from '../shared/training'
import type { BackendChoice } from './backend'
import { TrainingCancelled } from './dcca'
import { fitDccaFolder } from './dcca-jobs'

export interface JobHooks {
  onBackend(choice: BackendChoice): void
  onProgress(progress: TrainingProgress): void
  signal: AbortSignal
}

export async function runTrainingJob(job: TrainingJob, hooks: JobHooks): Promise<TrainingResult> {
  try {
    switch (job.kind) {
      case 'dcca-fit': {
        const fit = 'validation split'
        const summary = await fitDccaFolder({ ...job, onBackend: hooks.onBackend, onProgress: (progress) => hooks.onProgress({ ...progress, fit }), signal: hooks.signal })
        const score = summary.validation ?? summary.training
        return {
          kind: job.kind,
          model: summary.model,
          backend: summary.backend,
          seconds: summary.seconds,
          fits: [
            {
              fit,
              epochs: summary.epochs,
              bestEpoch: summary.bestEpoch,
              seconds: summary.seconds,
              trainingCorrelation: summary.training.totalCorrelation,
              validationCorrelation: summary.validation?.totalCorrelation ?? null,
              history: summary.history.map(({ epoch, loss, validationCorrelation }) => ({ epoch, loss, validationCorrelation })),
            },
          ],
          correlations: score.correlations,
          correlationsOn: summary.validation ? 'validation' : 'training',
        }
      }
    }
  } catch (error) {
    if (error instanceof TrainingCancelled) throw new EntrainError('CANCELLED', `${error.message}; nothing was written`)
    throw error
  }
}
