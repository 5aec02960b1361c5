/**
 * The two generic DCCA jobs, from files to files: fit a model on two paired .npy views and save
 * its folder; score a saved model on two views. The CLI runs them in-process; the trainer process
 * runs the same functions for the app, forwarding progress and cancel over its channel.
 */
import { appVersion } from '../main/app-info'
import { pairedViewProblems, type DccaProgress, type DccaTrainingConfig } from '../shared/dcca-training'
import { EntrainError } from '../shared/errors'
import { viewFiles, type ModelConfig } from '../shared/model-folder'
import { selectBackend, type BackendChoice, type BackendRequest } from './backend'
import { encode, scoreProjection, trainDccaOnViews, viewRows, type CorrelationScore, type EpochRecord } from './dcca'
import { assertNewModelFolder, loadModelFolder, readViewFile, saveModelFolder } from './files'

export interface FitRequest {
  x1: string
  x2: string
  out: string
  config: DccaTrainingConfig
  backend?: BackendRequest
  onBackend?: (choice: BackendChoice) => void
  onProgress?: (progress: DccaProgress) => void
  signal?: AbortSignal
}

export interface FitSummary {
  model: string
  backend: string
  epochs: number
  bestEpoch: number
  seconds: number
  training: CorrelationScore
  validation: CorrelationScore | null
  history: EpochRecord[]
}

export async function fitDccaFolder(request: FitRequest): Promise<FitSummary> {
  await assertNewModelFolder(request.out)
  const views = [await readViewFile(request.x1), await readViewFile(request.x2)] as const
  const backend = await selectBackend(request.backend)
  request.onBackend?.(backend)
  const trained = await trainDccaOnViews(views[0], views[1], request.config, { onProgress: request.onProgress, signal: request.signal })
  try {
    const summary = { backend: backend.description, epochs: trained.history.length, bestEpoch: trained.bestEpoch, seconds: trained.seconds, training: trained.training, validation: trained.validation, history: trained.history }
    const config: ModelConfig = {
      format: 'entrain-model',
      version: 1,
      kind: 'dcca',
      createdAt: new Date().toISOString(),
      entrainVersion: appVersion,
      backend: backend.description,
      views: views.map((view, index) => ({
        name: `view${index + 1}`,
        inputShape: [view.cols],
        ...viewFiles(`view${index + 1}`),
        data: { file: view.file, rows: view.rows, cols: view.cols, dtype: view.dtype, sha256: view.sha256 },
      })),
      training: request.config,
      projectionCorrelations: Array.from(trained.projection.correlations),
    }
    await saveModelFolder(request.out, { config, metrics: summary, encoders: trained.encoders, projection: trained.projection })
    return { model: request.out, ...summary }
  } finally {
    trained.encoders.forEach((encoder) => encoder.dispose())
  }
}

export interface ScoreRequest {
  model: string
  x1: string
  x2: string
  backend?: BackendRequest
}

export async function scoreDccaFolder(request: ScoreRequest): Promise<CorrelationScore & { rows: number }> {
  await selectBackend(request.backend)
  const model = await loadModelFolder(request.model)
  try {
    const views = [await readViewFile(request.x1), await readViewFile(request.x2)] as const
    const problems = pairedViewProblems(views[0], views[1])
    views.forEach((view, index) => {
      const expected = model.config.views[index]!.inputShape.reduce((product, size) => product * size, 1)
      if (view.cols !== expected) problems.push(`${view.name} has ${view.cols} columns; the model's ${model.config.views[index]!.name} takes ${expected}`)
    })
    if (views[0].rows < 2) problems.push('scoring needs at least two rows')
    if (problems.length) throw new EntrainError('INVALID_INPUT', problems.join('; '))
    const score = scoreProjection(await encode(model.encoders[0]!, viewRows(views[0])), await encode(model.encoders[1]!, viewRows(views[1])), model.projection)
    return { ...score, rows: views[0].rows }
  } finally {
    model.encoders.forEach((encoder) => encoder.dispose())
  }
}
