/**
 * The transfer evaluation of arXiv 1712.05197: audio ↔ lyrics retrieval under k-fold cross-
 * validation. Per fold, a model fitted on the training pairs maps both views of the test pairs into
 * one space (a linear CCA here; a two-branch network under the CCA loss followed by a linear CCA in
 * src/trainer/retrieval.ts), where each test item ranks every test item of the other view by cosine
 * similarity. Metrics per direction and fold, then their mean and standard deviation over folds.
 */
import { z } from 'zod'
import { fitCca, project } from '../cca'
import { dccaObjectives } from '../dcca'
import { optimizerNames, pairedViewProblems, type ViewData } from '../dcca-training'
import { EntrainError } from '../errors'
import { matrix, transpose, type Matrix } from '../linalg'
import { kFolds, type Fold } from './folds'
import { chanceClassMrr, chanceInstanceMrr, cosineSimilarities, directionMetrics, metricNames, type DirectionMetrics } from './metrics'

export const retrievalModels = ['linear', 'deep'] as const
export type RetrievalModel = (typeof retrievalModels)[number]

export interface RetrievalOptions {
  folds: number
  /** Seed of the fold split (and of the deep model's initialisation and batches). */
  seed: number
  /** Dimensions of the shared space: canonical components of the final linear CCA. */
  dims: number
  /** Ridge of the linear variant's CCA, on standardised inputs (the deep variant has its own, on network outputs). */
  ridge: number
}

export const retrievalDefaults: RetrievalOptions = { folds: 5, seed: 1, dims: 32, ridge: 0.1 }

/**
 * The deep variant's two-branch network and its training, the paper's by default: BatchNorm on the
 * input, dense layers of `hidden` widths with tanh and BatchNorm, a linear layer of `outputs`,
 * trained under the CCA loss (−‖T‖_F) with RMSprop 1e-3, batches of 1000, 500 epochs. Its outputs
 * go through a linear CCA (ridge `ridge`) whose leading `dims` components are the shared space.
 */
export const deepRetrievalSchema = z
  .object({
    hidden: z.array(z.number().int().min(1).max(8192)).max(8),
    outputs: z.number().int().min(2).max(1024),
    epochs: z.number().int().min(1).max(10_000),
    batchSize: z.number().int().min(4).max(100_000),
    learningRate: z.number().positive().max(10),
    optimizer: z.enum(optimizerNames),
    objective: z.enum(dccaObjectives),
    ridge: z.number().min(0).max(1e3),
  })
  .strict()

export type DeepRetrievalSettings = z.infer<typeof deepRetrievalSchema>

export const deepRetrievalDefaults: DeepRetrievalSettings = { hidden: [512, 256, 128], outputs: 64, epochs: 500, batchSize: 1000, learningRate: 1e-3, optimizer: 'rmsprop', objective: 'frobenius', ridge: 1e-4 }

/** The settings with defaults for what `input` leaves out, or an error naming every bad field. */
export function parseDeepRetrieval(input: Partial<DeepRetrievalSettings>): DeepRetrievalSettings {
  const given = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined))
  const result = deepRetrievalSchema.safeParse({ ...deepRetrievalDefaults, ...given })
  if (result.success) return result.data
  throw new RangeError(result.error.issues.map((issue) => `${issue.path.join('.') || 'settings'}: ${issue.message}`).join('; '))
}

export interface Paired {
  audio: Matrix
  text: Matrix
}

/** Fits on one fold's training pairs and returns its test pairs in the shared space. */
export type FoldProjector = (train: Paired, test: Paired, fold: number) => Promise<Paired>

export interface MetricSummary {
  mean: number
  sd: number
}

export type DirectionSummary = { [K in keyof DirectionMetrics]: DirectionMetrics[K] extends number ? MetricSummary : MetricSummary | null }

export interface FoldResult {
  fold: number
  testPairs: number
  audioToText: DirectionMetrics
  textToAudio: DirectionMetrics
}

export interface RetrievalResult {
  model: RetrievalModel
  pairs: number
  options: RetrievalOptions
  /** The deep variant's network and training; null for the linear one. */
  deep: DeepRetrievalSettings | null
  /** Metrics of a random ranking, averaged over the test folds (what a useless model scores). */
  chance: { iMRR: number; cMRR: number | null }
  audioToText: DirectionSummary
  textToAudio: DirectionSummary
  folds: FoldResult[]
  /** Every test pair's instance rank, fold after fold (for histograms). */
  ranks: { audioToText: number[]; textToAudio: number[] }
  seconds: number
}

/** What makes the inputs unusable, each problem naming its file and row. */
export function retrievalInputProblems(audio: ViewData, text: ViewData, labels?: { name: string; values: ArrayLike<number> }): string[] {
  const problems = pairedViewProblems(audio, text)
  if (labels) {
    if (labels.values.length !== audio.rows) problems.push(`${labels.name} has ${labels.values.length} labels for ${audio.rows} pairs; every pair needs one`)
    for (let row = 0; row < labels.values.length; row++) {
      const value = labels.values[row]!
      if (!Number.isInteger(value)) {
        problems.push(`${labels.name} holds ${value} at row ${row}; labels must be whole numbers (class indices)`)
        break
      }
    }
  }
  return problems
}

export function toMatrix(view: ViewData): Matrix {
  return matrix(view.rows, view.cols, view.data)
}

export function selectRows(m: Matrix, rows: Int32Array): Matrix {
  const result = matrix(rows.length, m.cols)
  rows.forEach((row, index) => result.data.set(m.data.subarray(row * m.cols, (row + 1) * m.cols), index * m.cols))
  return result
}

/** Each column's mean and standard deviation from `train` (constant columns keep scale 1). */
export function standardiser(train: Matrix): (m: Matrix) => Matrix {
  const { rows, cols } = train
  const mean = new Float64Array(cols)
  const scale = new Float64Array(cols)
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mean[j]! += train.data[i * cols + j]! / rows
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) scale[j]! += (train.data[i * cols + j]! - mean[j]!) ** 2
  for (let j = 0; j < cols; j++) scale[j] = rows > 1 && scale[j]! > 0 ? Math.sqrt(scale[j]! / (rows - 1)) : 1
  return (m) => {
    const result = matrix(m.rows, cols)
    for (let i = 0; i < m.rows; i++) for (let j = 0; j < cols; j++) result.data[i * cols + j] = (m.data[i * cols + j]! - mean[j]!) / scale[j]!
    return result
  }
}

/** The number of shared dimensions a fold can hold: at most the narrower view and fewer than its training pairs. */
export function sharedDimensions(requested: number, train: Paired): number {
  return Math.max(1, Math.min(requested, train.audio.cols, train.text.cols, train.audio.rows - 1))
}

/** The linear variant: standardise with the training pairs' statistics, fit a regularised CCA, project. */
export function linearProjector(options: Pick<RetrievalOptions, 'dims' | 'ridge'>): FoldProjector {
  return async (train, test) => {
    const scaleAudio = standardiser(train.audio)
    const scaleText = standardiser(train.text)
    const model = fitCca(scaleAudio(train.audio), scaleText(train.text), { ridge1: options.ridge, ridge2: options.ridge, components: sharedDimensions(options.dims, train) })
    return { audio: project(scaleAudio(test.audio), model.mean1, model.weights1), text: project(scaleText(test.text), model.mean2, model.weights2) }
  }
}

function summarise(values: number[]): MetricSummary {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length
  const sd = values.length > 1 ? Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1)) : 0
  return { mean, sd }
}

function summariseDirection(folds: DirectionMetrics[]): DirectionSummary {
  return Object.fromEntries(
    metricNames.map((name) => {
      const values = folds.map((fold) => fold[name])
      return [name, values.some((value) => value === null) ? null : summarise(values as number[])]
    }),
  ) as DirectionSummary
}

export interface RetrievalRun {
  audio: ViewData
  text: ViewData
  labels?: { name: string; values: ArrayLike<number> }
  model: RetrievalModel
  options: RetrievalOptions
  deep?: DeepRetrievalSettings
  projector: FoldProjector
  /** After each fold: how many are done. */
  onFold?: (done: number, folds: number) => void
  signal?: AbortSignal
}

export async function crossValidateRetrieval(run: RetrievalRun): Promise<RetrievalResult> {
  const started = performance.now()
  const problems = retrievalInputProblems(run.audio, run.text, run.labels)
  if (problems.length) throw new EntrainError('INVALID_INPUT', problems.join('; '))
  const labels = run.labels?.values
  let folds: Fold[]
  try {
    folds = kFolds(run.audio.rows, run.options.folds, run.options.seed, labels)
  } catch (error) {
    throw new EntrainError('INVALID_INPUT', (error as Error).message)
  }
  const audio = toMatrix(run.audio)
  const text = toMatrix(run.text)
  const results: FoldResult[] = []
  const ranks = { audioToText: [] as number[], textToAudio: [] as number[] }
  const chance = { iMRR: 0, cMRR: labels ? 0 : null } as { iMRR: number; cMRR: number | null }
  for (const [index, fold] of folds.entries()) {
    if (run.signal?.aborted) throw new EntrainError('CANCELLED', `retrieval evaluation cancelled after ${index} of ${folds.length} folds`)
    const projected = await run.projector({ audio: selectRows(audio, fold.train), text: selectRows(text, fold.train) }, { audio: selectRows(audio, fold.test), text: selectRows(text, fold.test) }, index)
    const testLabels = labels ? Array.from(fold.test, (row) => labels[row]!) : undefined
    const similarity = cosineSimilarities(projected.audio, projected.text)
    const { ranks: forward, ...audioToText } = directionMetrics(similarity, testLabels)
    // Text → audio ranks the same similarities the other way round.
    const { ranks: backward, ...textToAudio } = directionMetrics(transpose(similarity), testLabels)
    results.push({ fold: index + 1, testPairs: fold.test.length, audioToText, textToAudio })
    ranks.audioToText.push(...forward)
    ranks.textToAudio.push(...backward)
    chance.iMRR += chanceInstanceMrr(fold.test.length) / folds.length
    if (testLabels) chance.cMRR! += chanceClassMrr(testLabels) / folds.length
    run.onFold?.(index + 1, folds.length)
  }
  return {
    model: run.model,
    pairs: run.audio.rows,
    options: run.options,
    deep: run.deep ?? null,
    chance,
    audioToText: summariseDirection(results.map((fold) => fold.audioToText)),
    textToAudio: summariseDirection(results.map((fold) => fold.textToAudio)),
    folds: results,
    ranks,
    seconds: (performance.now() - started) / 1000,
  }
}

/** Counts of ranks in `bins` equal-width bins over 1…candidates (the histogram the Models view draws). */
export function rankHistogram(ranks: ArrayLike<number>, candidates: number, bins: number): number[] {
  const counts = new Array<number>(bins).fill(0)
  const width = Math.max(1, candidates) / bins
  for (let index = 0; index < ranks.length; index++) counts[Math.min(bins - 1, Math.floor((ranks[index]! - 1) / width))]!++
  return counts
}
