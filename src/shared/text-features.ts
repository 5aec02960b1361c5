/**
 * Lyrics as vectors, for the retrieval evaluation when no precomputed text features are given:
 * tokens → TF-IDF (sublinear term frequency, smoothed IDF, unit-length rows, as scikit-learn's
 * TfidfVectorizer with sublinear_tf) → truncated SVD (latent semantic analysis) to a few dozen
 * dimensions. Unsupervised: it sees the documents only, never the audio or the labels.
 */
import { matrix, truncatedSvd, type LinearOperator, type Matrix } from './linalg'
import { Random } from './sim/random'

/** Lower-case words of letters and digits; apostrophes inside words vanish ("don't" → "dont"). */
export function tokenise(text: string): string[] {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .replace(/(\p{L})['’](\p{L})/gu, '$1$2')
      .match(/[\p{L}\p{N}]+/gu)
      ?.filter((token) => token.length >= 2) ?? []
  )
}

export interface TextFeatureOptions {
  /** Dimensions kept by the SVD (fewer when the documents or the vocabulary are fewer). */
  dims: number
  /** A term must occur in at least this many documents (a word of one song cannot generalise). */
  minDocuments: number
  /** …and in at most this fraction of them (words in nearly every song say nothing). */
  maxDocumentFraction: number
  seed: number
}

export const textFeatureDefaults: TextFeatureOptions = { dims: 64, minDocuments: 2, maxDocumentFraction: 0.9, seed: 1 }

/** A documents × terms matrix in compressed sparse rows. */
export interface SparseRows {
  rows: number
  cols: number
  /** Row i's entries are at offsets[i] … offsets[i+1]. */
  offsets: Int32Array
  columns: Int32Array
  values: Float64Array
}

export interface Tfidf {
  vocabulary: string[]
  idf: Float64Array
  matrix: SparseRows
}

/** TF-IDF of tokenised documents; rows of documents without any kept term stay zero. */
export function tfidf(documents: string[][], options: Pick<TextFeatureOptions, 'minDocuments' | 'maxDocumentFraction'>): Tfidf {
  const n = documents.length
  const documentFrequency = new Map<string, number>()
  for (const tokens of documents) for (const term of new Set(tokens)) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1)
  const vocabulary = [...documentFrequency.entries()]
    .filter(([, count]) => count >= options.minDocuments && count <= options.maxDocumentFraction * n)
    .map(([term]) => term)
    .sort()
  const index = new Map(vocabulary.map((term, position) => [term, position]))
  const idf = Float64Array.from(vocabulary, (term) => Math.log((1 + n) / (1 + documentFrequency.get(term)!)) + 1)
  const offsets = new Int32Array(n + 1)
  const columns: number[] = []
  const values: number[] = []
  documents.forEach((tokens, row) => {
    const counts = new Map<number, number>()
    for (const token of tokens) {
      const column = index.get(token)
      if (column !== undefined) counts.set(column, (counts.get(column) ?? 0) + 1)
    }
    const entries = [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([column, count]) => [column, (1 + Math.log(count)) * idf[column]!] as const)
    const norm = Math.sqrt(entries.reduce((sum, [, value]) => sum + value * value, 0))
    for (const [column, value] of entries) {
      columns.push(column)
      values.push(value / norm)
    }
    offsets[row + 1] = columns.length
  })
  return { vocabulary, idf, matrix: { rows: n, cols: vocabulary.length, offsets, columns: Int32Array.from(columns), values: Float64Array.from(values) } }
}

export function sparseOperator(a: SparseRows): LinearOperator {
  return {
    rows: a.rows,
    cols: a.cols,
    times(m: Matrix) {
      const result = matrix(a.rows, m.cols)
      for (let i = 0; i < a.rows; i++) {
        for (let entry = a.offsets[i]!; entry < a.offsets[i + 1]!; entry++) {
          const value = a.values[entry]!
          const from = a.columns[entry]! * m.cols
          for (let k = 0; k < m.cols; k++) result.data[i * m.cols + k]! += value * m.data[from + k]!
        }
      }
      return result
    },
    transposeTimes(m: Matrix) {
      const result = matrix(a.cols, m.cols)
      for (let i = 0; i < a.rows; i++) {
        for (let entry = a.offsets[i]!; entry < a.offsets[i + 1]!; entry++) {
          const value = a.values[entry]!
          const to = a.columns[entry]! * m.cols
          for (let k = 0; k < m.cols; k++) result.data[to + k]! += value * m.data[i * m.cols + k]!
        }
      }
      return result
    },
  }
}

export interface TextFeatures {
  /** documents × dims: U·Σ of the truncated SVD (each document's coordinates in the latent space). */
  features: Matrix
  vocabularySize: number
  /** Documents that kept no term (their row is zero); names them in messages. */
  emptyDocuments: number[]
}

/** TF-IDF + truncated SVD of raw texts. Fails, saying why, when the texts share too few words. */
export function textFeatures(texts: string[], options: Partial<TextFeatureOptions> = {}): TextFeatures {
  const settings = { ...textFeatureDefaults, ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) }
  if (texts.length < 2) throw new RangeError(`text features need at least two documents, got ${texts.length}`)
  const weighted = tfidf(texts.map(tokenise), settings)
  if (weighted.vocabulary.length < 2) {
    throw new RangeError(`only ${weighted.vocabulary.length} word(s) occur in at least ${settings.minDocuments} of the ${texts.length} documents and in at most ${Math.round(settings.maxDocumentFraction * 100)} % of them; the texts share too few words for features`)
  }
  const dims = Math.min(settings.dims, texts.length - 1, weighted.vocabulary.length)
  const random = new Random(settings.seed)
  const { u, values } = truncatedSvd(sparseOperator(weighted.matrix), dims, () => random.normal())
  const features = matrix(u.rows, dims)
  for (let i = 0; i < u.rows; i++) for (let k = 0; k < dims; k++) features.data[i * dims + k] = u.data[i * dims + k]! * values[k]!
  const emptyDocuments: number[] = []
  for (let row = 0; row < weighted.matrix.rows; row++) if (weighted.matrix.offsets[row] === weighted.matrix.offsets[row + 1]) emptyDocuments.push(row)
  return { features, vocabularySize: weighted.vocabulary.length, emptyDocuments }
}
