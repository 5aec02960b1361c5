/**
 * Two-view Deep CCA training (Andrew et al. 2013): one network per view, trained with the DCCA
 * loss on minibatches, then a regularised linear CCA fitted on the training outputs as the final
 * projection. Reports progress through a callback and stops between steps when its signal is
 * aborted, so that a host (the CLI, the trainer process) can show it and cancel it.
 */
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { componentCorrelations, fitCca, project, type CcaModel } from '../shared/cca'
import { checkPairedViews, type DccaProgress, type DccaTrainingConfig, type ViewData } from '../shared/dcca-training'
import { EntrainError } from '../shared/errors'
import { matrix, type Matrix } from '../shared/linalg'
import { Random } from '../shared/sim/random'
import { FusedAdam } from './adam'
import { dccaLoss } from './dcca-loss'

export class TrainingCancelled extends Error {
  constructor(readonly epochsDone: number) {
    super(`training cancelled after ${epochsDone} complete epoch${epochsDone === 1 ? '' : 's'}`)
    this.name = 'TrainingCancelled'
  }
}

export interface EpochRecord {
  epoch: number
  /** Mean batch loss (−objective). */
  loss: number
  validationCorrelation: number | null
  seconds: number
}

export interface CorrelationScore {
  /** Sum of the per-component correlations. */
  totalCorrelation: number
  /** Correlation of each projected component pair, strongest first (as fitted). */
  correlations: number[]
}

export interface TrainedDcca {
  encoders: [tfl.LayersModel, tfl.LayersModel]
  projection: CcaModel
  history: EpochRecord[]
  /** The epoch whose weights were kept: the best validation correlation, else the last. */
  bestEpoch: number
  /** Canonical correlations of the training outputs (those of the projection's fit). */
  training: CorrelationScore
  /** The held-out rows through encoders and projection; null without a validation split. */
  validation: CorrelationScore | null
  seconds: number
}

export interface TrainingHooks {
  onProgress?: (progress: DccaProgress) => void
  signal?: AbortSignal
}

/** A view's network: ReLU hidden layers, then a linear layer of `dims` outputs. */
export function buildEncoder(inputSize: number, layers: number[], dims: number, seed: number): tfl.LayersModel {
  const model = tfl.sequential()
  ;[...layers, dims].forEach((units, index) => {
    model.add(
      tfl.layers.dense({
        units,
        activation: index < layers.length ? 'relu' : 'linear',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: seed * 101 + index }),
        ...(index === 0 ? { inputShape: [inputSize] } : {}),
      }),
    )
  })
  return model
}

/** A view's network outputs for all its rows, computed in chunks. */
export function encode(encoder: tfl.LayersModel, view: ViewData, rows?: Int32Array): Matrix {
  const indices = rows ?? Int32Array.from({ length: view.rows }, (_, index) => index)
  const dims = (encoder.outputs[0]!.shape as number[]).at(-1)!
  const result = matrix(indices.length, dims)
  const chunk = 2048
  for (let start = 0; start < indices.length; start += chunk) {
    const part = indices.subarray(start, start + chunk)
    const output = tf.tidy(() => encoder.predict(gatherRows(view, part)) as tf.Tensor)
    result.data.set(output.dataSync(), start * dims)
    output.dispose()
  }
  return result
}

function gatherRows(view: ViewData, rows: Int32Array): tf.Tensor2D {
  const values = new Float32Array(rows.length * view.cols)
  rows.forEach((row, index) => values.set(view.data.subarray(row * view.cols, (row + 1) * view.cols), index * view.cols))
  return tf.tensor2d(values, [rows.length, view.cols])
}

const sum = (values: Iterable<number>) => {
  let total = 0
  for (const value of values) total += value
  return total
}

/** Correlations of the projected outputs of paired rows. */
export function scoreProjection(outputs1: Matrix, outputs2: Matrix, projection: CcaModel): CorrelationScore {
  const correlations = Array.from(componentCorrelations(project(outputs1, projection.mean1, projection.weights1), project(outputs2, projection.mean2, projection.weights2)))
  return { totalCorrelation: sum(correlations), correlations }
}

export interface DccaStep {
  /** One Adam step on a batch of paired rows (it takes the two tensors over); resolves to the batch loss. */
  run(x1: tf.Tensor2D, x2: tf.Tensor2D): Promise<number>
}

/** The training step of both encoders under the DCCA loss (the benchmark times this same step). */
export function dccaStep(encoders: [tfl.LayersModel, tfl.LayersModel], config: DccaTrainingConfig): DccaStep {
  const variables = encoders.flatMap((encoder) => encoder.trainableWeights.map((weight) => weight.read() as tf.Variable))
  const optimizer = new FusedAdam(config.learningRate)
  const loss = dccaLoss({ objective: config.objective, ridge1: config.ridge, ridge2: config.ridge, topK: config.topK ?? config.dims })
  return {
    async run(x1, x2) {
      const cost = tf.tidy(() => optimizer.minimize(() => loss(encoders[0].apply(x1, { training: true }) as tf.Tensor2D, encoders[1].apply(x2, { training: true }) as tf.Tensor2D), variables))
      x1.dispose()
      x2.dispose()
      const value = (await cost.data())[0]!
      cost.dispose()
      return value
    },
  }
}

export async function trainDcca(view1: ViewData, view2: ViewData, config: DccaTrainingConfig, hooks: TrainingHooks = {}): Promise<TrainedDcca> {
  const problems = checkPairedViews(view1, view2, config)
  if (problems.length) throw new EntrainError('INVALID_INPUT', problems.join('; '))
  const started = performance.now()
  const random = new Random(config.seed)
  const order = Int32Array.from({ length: view1.rows }, (_, index) => index)
  random.shuffle(order)
  const validationRows = order.subarray(view1.rows - Math.round(view1.rows * config.validationSplit))
  const trainingRows = order.subarray(0, view1.rows - validationRows.length)

  const encoders: [tfl.LayersModel, tfl.LayersModel] = [
    buildEncoder(view1.cols, config.layers, config.dims, config.seed),
    buildEncoder(view2.cols, config.layers, config.dims, config.seed + 1),
  ]
  const step = dccaStep(encoders, config)
  const batches = Math.floor(trainingRows.length / config.batchSize)
  const history: EpochRecord[] = []
  let best: { epoch: number; correlation: number; weights: tf.Tensor[][] } | null = null
  let stepSeconds = 0
  let steps = 0
  let validationCorrelation: number | null = null

  const validate = (): number => {
    const outputs = encoders.map((encoder, index) => encode(encoder, index === 0 ? view1 : view2, validationRows))
    return sum(fitCca(outputs[0]!, outputs[1]!, { ridge1: config.ridge, ridge2: config.ridge, components: config.dims }).correlations)
  }

  try {
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      const epochStarted = performance.now()
      const shuffled = Int32Array.from(trainingRows)
      random.shuffle(shuffled)
      let lossSum = 0
      for (let batch = 0; batch < batches; batch++) {
        if (hooks.signal?.aborted) throw new TrainingCancelled(epoch - 1)
        const stepStarted = performance.now()
        const rows = shuffled.subarray(batch * config.batchSize, (batch + 1) * config.batchSize)
        const batchLoss = await step.run(gatherRows(view1, rows), gatherRows(view2, rows))
        if (!Number.isFinite(batchLoss)) throw new EntrainError('INTERNAL', `the loss became ${batchLoss} in epoch ${epoch}, batch ${batch + 1}; lower --lr or raise --reg`)
        lossSum += batchLoss
        stepSeconds += (performance.now() - stepStarted) / 1000
        steps++
        hooks.onProgress?.({
          epoch,
          epochs: config.epochs,
          batch: batch + 1,
          batches,
          loss: batchLoss,
          validationCorrelation,
          elapsedSeconds: (performance.now() - started) / 1000,
          etaSeconds: (stepSeconds / steps) * (config.epochs * batches - steps),
        })
        // Lets the host's messages (a cancel) in between steps.
        await new Promise((resolve) => setImmediate(resolve))
      }
      validationCorrelation = validationRows.length ? validate() : null
      history.push({ epoch, loss: lossSum / batches, validationCorrelation, seconds: (performance.now() - epochStarted) / 1000 })
      if (validationCorrelation !== null && (best === null || validationCorrelation > best.correlation)) {
        best?.weights.flat().forEach((tensor) => tensor.dispose())
        best = { epoch, correlation: validationCorrelation, weights: encoders.map((encoder) => encoder.getWeights().map((tensor) => tensor.clone())) }
      }
    }
    if (best) encoders.forEach((encoder, index) => encoder.setWeights(best!.weights[index]!))

    const outputs1 = encode(encoders[0], view1, trainingRows)
    const outputs2 = encode(encoders[1], view2, trainingRows)
    const projection = fitCca(outputs1, outputs2, { ridge1: config.ridge, ridge2: config.ridge, components: config.dims })
    const correlations = Array.from(projection.correlations)
    const validation = validationRows.length ? scoreProjection(encode(encoders[0], view1, validationRows), encode(encoders[1], view2, validationRows), projection) : null
    return {
      encoders,
      projection,
      history,
      bestEpoch: best?.epoch ?? config.epochs,
      training: { totalCorrelation: sum(correlations), correlations },
      validation,
      seconds: (performance.now() - started) / 1000,
    }
  } catch (error) {
    encoders.forEach((encoder) => encoder.dispose())
    throw error
  } finally {
    best?.weights.flat().forEach((tensor) => tensor.dispose())
  }
}
