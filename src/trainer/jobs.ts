/**
 * Runs a job of any kind in the trainer process: the job's own function does the work; for a
 * training job this turns its summary into the TrainingResult every host shows and names the fits
 * its progress belongs to; a retrieval evaluation reports as stages and yields its comparison.
 * A new kind of job is one case here.
 *
 * Building a dataset from sessions happens here too, before training, rather than in main: it
 * reads whole recording parts, filters hours of EEG and resamples every song, seconds to minutes of
 * CPU that would stall main's event loop (acquisition, recording, the UI's requests).
 */
import path from 'node:path'
import { buildDataset, datasetDefaults } from '../main/dataset/build'
import { paperChain } from '../shared/dataset/eeg-chain'
import { paperWindows } from '../shared/dataset/windows'
import { EntrainError } from '../shared/errors'
import { fitName, foldRunName, type FitResult, type TrainingProgress, type TrainingStage } from '../shared/training'
import { trainAudioEegFolder } from './audio-eeg-jobs'
import type { BackendChoice } from './backend'
import { TrainingCancelled, type EpochRecord } from './dcca'
import { fitDccaFolder } from './dcca-jobs'
import type { TrainerJob, TrainerResult } from './protocol'
import { evaluateRetrieval } from './retrieval-jobs'

export interface JobHooks {
  onBackend(choice: BackendChoice): void
  onStage(stage: TrainingStage): void
  onProgress(progress: TrainingProgress): void
  signal: AbortSignal
}

const points = (history: EpochRecord[]) => history.map(({ epoch, loss, validationCorrelation }) => ({ epoch, loss, validationCorrelation }))

export async function runJob(job: TrainerJob, hooks: JobHooks): Promise<TrainerResult> {
  const onProgress = (progress: Omit<TrainingProgress, 'fit'>) => hooks.onProgress({ ...progress, fit: fitName(progress) })
  try {
    switch (job.kind) {
      case 'dcca-fit': {
        const summary = await fitDccaFolder({ ...job, onBackend: hooks.onBackend, onProgress, signal: hooks.signal })
        const score = summary.validation ?? summary.training
        const fit: FitResult = {
          fit: 'validation split',
          epochs: summary.epochs,
          bestEpoch: summary.bestEpoch,
          stoppedEarly: false,
          seconds: summary.seconds,
          trainingCorrelation: summary.training.totalCorrelation,
          validationCorrelation: summary.validation?.totalCorrelation ?? null,
          history: points(summary.history),
        }
        return { kind: job.kind, model: summary.model, backend: summary.backend, seconds: summary.seconds, fits: [fit], correlations: score.correlations, correlationsOn: summary.validation ? 'validation' : 'training', exported: fit.fit, validation: null }
      }
      case 'audio-eeg': {
        const { kind, sessions, ...request } = job
        if (sessions) await datasetFromSessions(sessions, request.dataset, hooks)
        const summary = await trainAudioEegFolder({ ...request, onBackend: hooks.onBackend, onProgress, signal: hooks.signal })
        const exported = summary.runs.find((run) => run.fold === summary.exported.fold && run.run === summary.exported.run)!
        return {
          kind,
          model: summary.model,
          backend: summary.backend,
          seconds: summary.seconds,
          fits: summary.runs.map((run) => ({
            fit: foldRunName(run.fold, run.run),
            epochs: run.epochs,
            bestEpoch: run.bestEpoch,
            stoppedEarly: run.stoppedEarly,
            seconds: run.seconds,
            trainingCorrelation: run.training.totalCorrelation,
            validationCorrelation: run.validation.totalCorrelation,
            history: points(run.history),
          })),
          correlations: exported.validation.correlations,
          correlationsOn: 'validation',
          exported: foldRunName(exported.fold, exported.run),
          validation: summary.validation,
        }
      }
      case 'retrieval': {
        const { kind: _kind, folder, ...evaluation } = job
        return await evaluateRetrieval(folder, { ...evaluation, signal: hooks.signal, onProgress: (fraction, detail) => hooks.onStage({ name: 'retrieval evaluation', fraction, detail }) })
      }
    }
  } catch (error) {
    if (error instanceof TrainingCancelled) {
      const after = job.kind === 'audio-eeg' ? `; its checkpoints stay in ${path.resolve(job.out)}.training, and the same job again with Resume (--resume in the CLI) continues from them` : '; nothing was written'
      throw new EntrainError('CANCELLED', `${error.message}${after}`)
    }
    throw error
  }
}

/** The dataset of paired windows from recorded sessions, with the paper's preprocessing (as `entrain dataset build` by default). */
async function datasetFromSessions(sessions: string[], out: string, hooks: JobHooks): Promise<void> {
  const name = 'building the dataset'
  hooks.onStage({ name, fraction: 0, detail: `${sessions.length} session${sessions.length === 1 ? '' : 's'}` })
  await buildDataset({
    sessions,
    out,
    chain: paperChain,
    windows: paperWindows,
    audioRate: datasetDefaults.audioRate,
    audioScaling: datasetDefaults.audioScaling,
    folds: datasetDefaults.folds,
    seed: datasetDefaults.seed,
    shardWindows: datasetDefaults.shardWindows,
    onProgress: (done, total, detail) => {
      // The builder has no cancel of its own: stopping it between trials is what cancel means here.
      if (hooks.signal.aborted) throw new EntrainError('CANCELLED', `building the dataset was cancelled; ${out} is unfinished (it has no manifest.json) — delete it`)
      hooks.onStage({ name, fraction: done / total, detail })
    },
  })
}
