/**
 * Two-view Deep CCA training (Andrew et al. 2013): one network per view, trained with the DCCA
 * loss on minibatches, then a regularised linear CCA fitted on the training outputs as the final
 * projection. Reports progress through a callback and stops between steps when its signal is
 * aborted, so that a host (the CLI, the trainer process) can show it and cancel it.
 *
 * One loop (`trainDcca`) serves every model: the networks come from builders, the optimiser is
 * named, and samples come from row sources (in memory, or a dataset's shards read from disk a
 * batch at a time). `trainDccaOnViews` is the generic two-matrix case with MLP encoders.
 */
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { componentCorrelations, fitCca, project, type CcaModel } from '../shared/cca'
import { checkPairedViews, type DccaProgress, type DccaTrainingConfig, type ViewData } from '../shared/dcca-training'
import { EntrainError } from '../shared/errors'
import { matrix, type Matrix } from '../shared/linalg'
import { Random } from '../shared/sim/random'
import { dccaLoss } from './dcca-loss'
import { createOptimizer, type Optimizer, type OptimizerState } from './optimizers'

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
  /** Whether it stopped before its last epoch, `patience` epochs after its best. */
  stoppedEarly: boolean
  seconds: number
}

/** Where a run stands after an epoch: enough to take it up again from there. */
export interface DccaCheckpoint {
  /** Epochs finished. */
  epoch: number
  history: EpochRecord[]
  /** Each encoder's weights, in the order of getWeights(). */
  weights: Float32Array[][]
  optimizer: OptimizerState
  /** The best epoch so far by validation correlation, with its weights. */
  best: { epoch: number; correlation: number; weights: Float32Array[][] } | null
}

export interface TrainingHooks {
  onProgress?: (progress: DccaProgress) => void
  /** After every epoch, before the next begins (to save a checkpoint). */
  onEpoch?: (checkpoint: DccaCheckpoint) => Promise<void>
  signal?: AbortSignal
}

/** Makes one view's network; `seed` fixes its initial weights. Its output is the view's DCCA output. */
export type EncoderBuilder = (seed: number) => tfl.LayersModel

/** One view's samples by row number: held in memory, or read from a dataset's shards on disk. */
export interface RowSource {
  /** For messages (a file name, a view). */
  readonly name: string
  readonly rows: number
  /** The samples of `rows` as one tensor [rows.length, ...sample shape], which the caller disposes. */
  read(rows: Int32Array): Promise<tf.Tensor>
}

/** Everything one training run needs. */
export interface DccaRun extends Pick<DccaTrainingConfig, 'dims' | 'epochs' | 'batchSize' | 'learningRate' | 'optimizer' | 'objective' | 'topK' | 'ridge' | 'seed'> {
  views: [RowSource, RowSource]
  encoders: [EncoderBuilder, EncoderBuilder]
  /** Rows the networks and the final CCA are fitted on. */
  trainingRows: Int32Array
  /** Held-out rows that choose the kept epoch and are scored at the end; may be empty. */
  validationRows: Int32Array
  /** Stop after this many epochs without a better validation correlation (0 or absent: never). */
  patience?: number
  /** Go on from this checkpoint (of a run with the same settings) rather than from the start. */
  resume?: DccaCheckpoint
}

/** A view's network of today's generic model: ReLU hidden layers, then a linear layer of `dims` outputs. */
export function mlpEncoder(inputSize: number, layers: number[], dims: number): EncoderBuilder {
  return (seed) => {
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
}

/** Rows of an in-memory matrix. */
export function viewRows(view: ViewData): RowSource {
  return {
    name: view.name,
    rows: view.rows,
    read: async (rows) => {
      const values = new Float32Array(rows.length * view.cols)
      rows.forEach((row, index) => values.set(view.data.subarray(row * view.cols, (row + 1) * view.cols), index * view.cols))
      return tf.tensor2d(values, [rows.length, view.cols])
    },
  }
}

/** A network's outputs for `rows` of a source (default: all), computed a chunk at a time so that large inputs (audio) stay within memory. */
export async function encode(encoder: tfl.LayersModel, source: RowSource, rows?: Int32Array): Promise<Matrix> {
  const indices = rows ?? Int32Array.from({ length: source.rows }, (_, index) => index)
  const dims = (encoder.outputs[0]!.shape as number[]).at(-1)!
  const sampleSize = (encoder.inputs[0]!.shape as (number | null)[]).slice(1).reduce<number>((product, size) => product * (size ?? 1), 1)
  const chunk = Math.max(1, Math.min(2048, Math.floor(2 ** 20 / sampleSize)))
  const result = matrix(indices.length, dims)
  for (let start = 0; start < indices.length; start += chunk) {
    const input = await source.read(indices.subarray(start, start + chunk))
    const output = tf.tidy(() => encoder.predict(input) as tf.Tensor)
    input.dispose()
    result.data.set(output.dataSync(), start * dims)
    output.dispose()
  }
  return result
}

const sum = (values: Iterable<number>) => {
  let total = 0
  for (const value of values) total += value
  return total
}

/** Training rows the per-epoch projection is fitted on: enough for a stable CCA of any output size here, few enough to cost little beside an epoch. */
const epochProjectionRows = 2000

/**
 * The epoch's validation correlation is the figure the run ends with, held-out rows through a CCA
 * fitted on training outputs, here on a fixed sample of them to bound its cost. A CCA fitted on the
 * held-out outputs themselves would flatter a small validation set, and choose epochs by it.
 */
function trainingSample(trainingRows: Int32Array, seed: number): Int32Array {
  if (trainingRows.length <= epochProjectionRows) return trainingRows
  const shuffled = Int32Array.from(trainingRows)
  new Random(seed * 7919).shuffle(shuffled)
  // In row order, so that a dataset on disk is read front to back.
  return shuffled.subarray(0, epochProjectionRows).sort()
}

/** Correlations of the projected outputs of paired rows. */
export function scoreProjection(outputs1: Matrix, outputs2: Matrix, projection: CcaModel): CorrelationScore {
  const correlations = Array.from(componentCorrelations(project(outputs1, projection.mean1, projection.weights1), project(outputs2, projection.mean2, projection.weights2)))
  return { totalCorrelation: sum(correlations), correlations }
}

export interface DccaStep {
  /** One optimiser step on a batch of paired rows (it takes the two tensors over); resolves to the batch loss. */
  run(x1: tf.Tensor, x2: tf.Tensor): Promise<number>
  optimizer: Optimizer
  /** The trainable variables of both encoders, in the optimiser's order. */
  variables: tf.Variable[]
}

/** The training step of both encoders under the DCCA loss (the benchmarks time this same step). */
export function dccaStep(encoders: [tfl.LayersModel, tfl.LayersModel], config: Pick<DccaRun, 'dims' | 'learningRate' | 'optimizer' | 'objective' | 'topK' | 'ridge'>): DccaStep {
  const variables = encoders.flatMap((encoder) => encoder.trainableWeights.map((weight) => weight.read() as tf.Variable))
  const optimizer = createOptimizer(config.optimizer, config.learningRate)
  const loss = dccaLoss({ objective: config.objective, ridge1: config.ridge, ridge2: config.ridge, topK: config.topK ?? config.dims })
  return {
    optimizer,
    variables,
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

/** Row numbers 0…rows−1 split at random into training and validation (`fraction` of them). */
export function splitRows(rows: number, fraction: number, seed: number): { trainingRows: Int32Array; validationRows: Int32Array } {
  const order = Int32Array.from({ length: rows }, (_, index) => index)
  new Random(seed).shuffle(order)
  const validation = Math.round(rows * fraction)
  return { trainingRows: order.subarray(0, rows - validation), validationRows: order.subarray(rows - validation) }
}

/** The training loop: minibatches of shuffled training rows, validation after every epoch, the best epoch's weights kept, then the final linear CCA. */
export async function trainDcca(run: DccaRun, hooks: TrainingHooks = {}): Promise<TrainedDcca> {
  const { trainingRows, validationRows, views } = run
  const started = performance.now()
  const encoders: [tfl.LayersModel, tfl.LayersModel] = [run.encoders[0](run.seed), run.encoders[1](run.seed + 1)]
  const step = dccaStep(encoders, run)
  const batches = Math.floor(trainingRows.length / run.batchSize)
  const history: EpochRecord[] = [...(run.resume?.history ?? [])]
  const toTensors = (weights: Float32Array[][]) => encoders.map((encoder, index) => encoder.getWeights().map((tensor, at) => tf.tensor(weights[index]![at]!, tensor.shape)))
  const toArrays = (weights: tf.Tensor[][]) => weights.map((tensors) => tensors.map((tensor) => Float32Array.from(tensor.dataSync() as Float32Array)))
  let best: { epoch: number; correlation: number; weights: tf.Tensor[][] } | null = null
  let stepSeconds = 0
  let steps = 0
  let validationCorrelation: number | null = history.at(-1)?.validationCorrelation ?? null
  const outputsOf = (rows: Int32Array) => Promise.all(encoders.map((encoder, index) => encode(encoder, views[index]!, rows)))
  const sampleOfTraining = trainingSample(trainingRows, run.seed)
  const patienceLeft = () => !run.patience || best === null || history.length - best.epoch < run.patience
  const remainingSteps = () => (run.epochs - history.length) * batches

  try {
    if (run.resume) {
      const saved = toTensors(run.resume.weights)
      encoders.forEach((encoder, index) => encoder.setWeights(saved[index]!))
      tf.dispose(saved.flat())
      step.optimizer.setState(run.resume.optimizer, step.variables)
      if (run.resume.best) best = { epoch: run.resume.best.epoch, correlation: run.resume.best.correlation, weights: toTensors(run.resume.best.weights) }
    }
    for (let epoch = history.length + 1; epoch <= run.epochs && patienceLeft(); epoch++) {
      const epochStarted = performance.now()
      const shuffled = Int32Array.from(trainingRows)
      // Seeded by the epoch, so that a run taken up again at any epoch sees the same batches.
      new Random(run.seed * 7919 + epoch).shuffle(shuffled)
      let lossSum = 0
      for (let batch = 0; batch < batches; batch++) {
        if (hooks.signal?.aborted) throw new TrainingCancelled(epoch - 1)
        const stepStarted = performance.now()
        const rows = shuffled.subarray(batch * run.batchSize, (batch + 1) * run.batchSize)
        const [x1, x2] = await Promise.all(views.map((view) => view.read(rows)))
        const batchLoss = await step.run(x1!, x2!)
        if (!Number.isFinite(batchLoss)) throw new EntrainError('INTERNAL', `the loss became ${batchLoss} in epoch ${epoch}, batch ${batch + 1}; lower --lr or raise --reg`)
        lossSum += batchLoss
        stepSeconds += (performance.now() - stepStarted) / 1000
        steps++
        hooks.onProgress?.({
          epoch,
          epochs: run.epochs,
          batch: batch + 1,
          batches,
          loss: batchLoss,
          validationCorrelation,
          elapsedSeconds: (performance.now() - started) / 1000,
          etaSeconds: (stepSeconds / steps) * (remainingSteps() - batch - 1),
        })
        // Lets the host's messages (a cancel) in between steps.
        await new Promise((resolve) => setImmediate(resolve))
      }
      if (validationRows.length) {
        const [fitted1, fitted2] = await outputsOf(sampleOfTraining)
        const projection = fitCca(fitted1!, fitted2!, { ridge1: run.ridge, ridge2: run.ridge, components: run.dims })
        const [held1, held2] = await outputsOf(validationRows)
        validationCorrelation = scoreProjection(held1!, held2!, projection).totalCorrelation
      }
      history.push({ epoch, loss: lossSum / batches, validationCorrelation, seconds: (performance.now() - epochStarted) / 1000 })
      if (validationCorrelation !== null && (best === null || validationCorrelation > best.correlation)) {
        best?.weights.flat().forEach((tensor) => tensor.dispose())
        best = { epoch, correlation: validationCorrelation, weights: encoders.map((encoder) => encoder.getWeights().map((tensor) => tensor.clone())) }
      }
      await hooks.onEpoch?.({
        epoch,
        history: [...history],
        weights: toArrays(encoders.map((encoder) => encoder.getWeights())),
        optimizer: step.optimizer.getState(step.variables),
        best: best && { epoch: best.epoch, correlation: best.correlation, weights: toArrays(best.weights) },
      })
    }
    if (best) encoders.forEach((encoder, index) => encoder.setWeights(best!.weights[index]!))

    const [outputs1, outputs2] = await outputsOf(trainingRows)
    const projection = fitCca(outputs1!, outputs2!, { ridge1: run.ridge, ridge2: run.ridge, components: run.dims })
    const correlations = Array.from(projection.correlations)
    const validation = validationRows.length ? await outputsOf(validationRows).then(([held1, held2]) => scoreProjection(held1!, held2!, projection)) : null
    return {
      encoders,
      projection,
      history,
      bestEpoch: best?.epoch ?? history.length,
      stoppedEarly: history.length < run.epochs,
      training: { totalCorrelation: sum(correlations), correlations },
      validation,
      seconds: (performance.now() - started) / 1000,
    }
  } catch (error) {
    encoders.forEach((encoder) => encoder.dispose())
    throw error
  } finally {
    best?.weights.flat().forEach((tensor) => tensor.dispose())
    step.optimizer.dispose()
  }
}

/** Generic DCCA on two in-memory views: checked first, split at random, MLP encoders as `config.layers` says. */
export async function trainDccaOnViews(view1: ViewData, view2: ViewData, config: DccaTrainingConfig, hooks: TrainingHooks = {}): Promise<TrainedDcca> {
  const problems = checkPairedViews(view1, view2, config)
  if (problems.length) throw new EntrainError('INVALID_INPUT', problems.join('; '))
  return trainDcca(
    {
      ...config,
      views: [viewRows(view1), viewRows(view2)],
      encoders: [mlpEncoder(view1.cols, config.layers, config.dims), mlpEncoder(view2.cols, config.layers, config.dims)],
      ...splitRows(view1.rows, config.validationSplit, config.seed),
    },
    hooks,
  )
}
