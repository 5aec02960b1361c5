/**
 * The retrieval evaluation's deep variant: per fold, the paper's two-branch network trained with the
 * CCA loss through the one DCCA training loop (src/trainer/dcca.ts), then the linear CCA that loop
 * fits on the training outputs, of which the leading components are the shared space. And the
 * cross-validation of paired feature matrices with either model, which `entrain retrieval` runs on
 * its matrices and the folder evaluation (./retrieval-jobs.ts) on each feature set.
 */
import * as tfl from '@tensorflow/tfjs-layers'
import { project } from '../shared/cca'
import { namedView } from '../shared/dcca-training'
import { EntrainError } from '../shared/errors'
import { leadingColumns } from '../shared/linalg'
import {
  crossValidateRetrieval,
  linearProjector,
  sharedDimensions,
  standardiser,
  type DeepRetrievalSettings,
  type FoldProjector,
  type RetrievalOptions,
  type RetrievalResult,
  type RetrievalRun,
} from '../shared/retrieval/protocol'
import { encode, trainDcca, TrainingCancelled, viewRows, type EncoderBuilder, type TrainingHooks } from './dcca'

/** BatchNorm on the input, then per hidden width: dense, tanh, BatchNorm; a linear layer of `outputs` last. */
export function retrievalEncoder(inputSize: number, hidden: number[], outputs: number): EncoderBuilder {
  return (seed) => {
    const model = tfl.sequential()
    model.add(tfl.layers.batchNormalization({ inputShape: [inputSize] }))
    hidden.forEach((units, index) => {
      model.add(tfl.layers.dense({ units, activation: 'tanh', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed * 101 + index }) }))
      model.add(tfl.layers.batchNormalization())
    })
    model.add(tfl.layers.dense({ units: outputs, activation: 'linear', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed * 101 + hidden.length }) }))
    return model
  }
}


/**
 * The deep projector. Inputs are standardised with the training pairs' statistics (the input
 * BatchNorm does the same in effect; this keeps the first steps sane). A batch larger than the
 * fold's training pairs becomes the whole fold.
 */
export function deepProjector(options: RetrievalOptions, settings: DeepRetrievalSettings, hooks: { onEpoch?: (fold: number, epoch: number, epochs: number) => void; signal?: AbortSignal } = {}): FoldProjector {
  return async (train, test, fold) => {
    const rows = train.audio.rows
    if (rows <= settings.outputs) {
      throw new EntrainError('INVALID_INPUT', `fold ${fold + 1} has ${rows} training pairs, too few to estimate the correlations of ${settings.outputs} network outputs; use fewer outputs (--outputs) or more pairs`)
    }
    const scaleAudio = standardiser(train.audio)
    const scaleText = standardiser(train.text)
    const views = [namedView('audio', scaleAudio(train.audio)), namedView('text', scaleText(train.text))] as const
    const trainingHooks: TrainingHooks = {
      signal: hooks.signal,
      onProgress: (progress) => {
        if (progress.batch === progress.batches) hooks.onEpoch?.(fold, progress.epoch, progress.epochs)
      },
    }
    const trained = await trainDcca(
      {
        dims: settings.outputs,
        epochs: settings.epochs,
        batchSize: Math.min(settings.batchSize, rows),
        learningRate: settings.learningRate,
        optimizer: settings.optimizer,
        objective: settings.objective,
        ridge: settings.ridge,
        seed: options.seed + 1000 * fold,
        views: [viewRows(views[0]), viewRows(views[1])],
        encoders: [retrievalEncoder(views[0].cols, settings.hidden, settings.outputs), retrievalEncoder(views[1].cols, settings.hidden, settings.outputs)],
        trainingRows: Int32Array.from({ length: rows }, (_, index) => index),
        validationRows: new Int32Array(0),
      },
      trainingHooks,
    ).catch((error: unknown) => {
      if (error instanceof TrainingCancelled) throw new EntrainError('CANCELLED', `retrieval evaluation cancelled in fold ${fold + 1} of ${options.folds}, after ${error.epochsDone} of its network's ${settings.epochs} epochs`)
      throw error
    })
    try {
      const [audioOut, textOut] = await Promise.all([
        encode(trained.encoders[0], viewRows(namedView('audio', scaleAudio(test.audio)))),
        encode(trained.encoders[1], viewRows(namedView('text', scaleText(test.text)))),
      ])
      // The training loop's final CCA holds every component; its leading ones are the linear CCA to `dims`.
      const dims = Math.min(sharedDimensions(options.dims, train), trained.projection.weights1.cols)
      const { projection } = trained
      return { audio: project(audioOut, projection.mean1, leadingColumns(projection.weights1, dims)), text: project(textOut, projection.mean2, leadingColumns(projection.weights2, dims)) }
    } finally {
      trained.encoders.forEach((encoder) => encoder.dispose())
    }
  }
}

/** A cross-validation run whose projector is named by its model. */
export interface RetrievalRequest extends Omit<RetrievalRun, 'projector' | 'onFold'> {
  /** Fraction of the whole evaluation done, with a word on where it is. */
  onProgress?: (fraction: number, detail: string) => void
}

/** Cross-validated retrieval with the linear or the deep model. */
export async function runRetrieval(request: RetrievalRequest): Promise<RetrievalResult> {
  const { options } = request
  if (request.model === 'deep' && !request.deep) throw new EntrainError('INVALID_INPUT', 'the deep model needs its network settings')
  const projector =
    request.model === 'linear'
      ? linearProjector(options)
      : deepProjector(options, request.deep!, {
          signal: request.signal,
          onEpoch: (fold, epoch, epochs) => request.onProgress?.((fold + epoch / epochs) / options.folds, `fold ${fold + 1}/${options.folds}, epoch ${epoch}/${epochs}`),
        })
  return crossValidateRetrieval({
    ...request,
    deep: request.model === 'deep' ? request.deep : undefined,
    projector,
    onFold: (done, folds) => request.onProgress?.(done / folds, `fold ${done}/${folds} done`),
  })
}
