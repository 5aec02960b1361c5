/**
 * Cross-modal retrieval metrics (arXiv 1712.05197's transfer evaluation): every query of one view
 * ranks all candidates of the other view by cosine similarity; row i of each view is a pair.
 *
 *   instance rank   the rank of the query's own partner (1 = first)
 *   class rank      the rank of the first candidate of the query's class (its partner counts)
 *   MRR             the mean of 1/rank over the queries
 *   R@k             the fraction of queries whose partner is among the first k
 *
 * Ties count half: a candidate exactly as similar as the partner adds ½ to its rank, the expected
 * rank when ties are broken at random. Without that, a featuriser that returns the same vector for
 * everything would score a perfect MRR.
 */
import { matrix, multiplyTransposed, type Matrix } from '../linalg'

/** Cosine similarity of every row of `queries` with every row of `candidates` (queries × candidates). */
export function cosineSimilarities(queries: Matrix, candidates: Matrix): Matrix {
  if (queries.cols !== candidates.cols) throw new RangeError(`queries have ${queries.cols} dimensions and candidates ${candidates.cols}; they must live in one space`)
  const unit = (m: Matrix) => {
    const result = matrix(m.rows, m.cols)
    for (let i = 0; i < m.rows; i++) {
      let norm = 0
      for (let j = 0; j < m.cols; j++) norm += m.data[i * m.cols + j]! ** 2
      norm = Math.sqrt(norm)
      // A zero vector is equally (un)like everything: similarity 0 to all, which ranks by ties.
      for (let j = 0; j < m.cols; j++) result.data[i * m.cols + j] = norm > 0 ? m.data[i * m.cols + j]! / norm : 0
    }
    return result
  }
  return multiplyTransposed(unit(queries), unit(candidates))
}

/** The rank (from 1, ties counting half) of each query's partner: candidate i for query i. */
export function instanceRanks(similarity: Matrix): Float64Array {
  if (similarity.rows !== similarity.cols) throw new RangeError(`${similarity.rows} queries and ${similarity.cols} candidates do not pair up`)
  const n = similarity.rows
  return Float64Array.from({ length: n }, (_, i) => {
    const row = similarity.data.subarray(i * n, (i + 1) * n)
    const target = row[i]!
    let above = 0
    let tied = 0
    for (let j = 0; j < n; j++) {
      if (j === i) continue
      if (row[j]! > target) above++
      else if (row[j] === target) tied++
    }
    return 1 + above + tied / 2
  })
}

/**
 * The rank of the first candidate of each query's class (its partner is one of them): with c of n
 * candidates in the class, the first of them. Ties count half as for instance ranks, among the
 * best same-class candidate and the others that tie with it.
 */
export function classRanks(similarity: Matrix, labels: ArrayLike<number>): Float64Array {
  const n = similarity.rows
  if (similarity.cols !== n || labels.length !== n) throw new RangeError(`${n} queries, ${similarity.cols} candidates and ${labels.length} labels do not pair up`)
  return Float64Array.from({ length: n }, (_, i) => {
    const row = similarity.data.subarray(i * n, (i + 1) * n)
    let best = -Infinity
    for (let j = 0; j < n; j++) if (labels[j] === labels[i] && row[j]! > best) best = row[j]!
    let above = 0
    let tiedOthers = 0
    let tiedSame = 0
    for (let j = 0; j < n; j++) {
      if (row[j]! > best) above++
      else if (row[j] === best) {
        if (labels[j] === labels[i]) tiedSame++
        else tiedOthers++
      }
    }
    // The first same-class item among (tiedSame + tiedOthers) tied in random order comes, on
    // average, after tiedOthers / (tiedSame + 1) of the others.
    return 1 + above + tiedOthers / (tiedSame + 1)
  })
}

export function meanReciprocalRank(ranks: ArrayLike<number>): number {
  if (ranks.length === 0) throw new RangeError('no ranks to average')
  let sum = 0
  for (let index = 0; index < ranks.length; index++) sum += 1 / ranks[index]!
  return sum / ranks.length
}

/** The fraction of ranks ≤ k. */
export function recallAt(ranks: ArrayLike<number>, k: number): number {
  if (ranks.length === 0) throw new RangeError('no ranks to count')
  let hits = 0
  for (let index = 0; index < ranks.length; index++) if (ranks[index]! <= k) hits++
  return hits / ranks.length
}

export function median(values: ArrayLike<number>): number {
  if (values.length === 0) throw new RangeError('the median of nothing')
  const sorted = Float64Array.from(values).sort()
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** Instance MRR of a random ranking of n candidates: H_n / n. */
export function chanceInstanceMrr(n: number): number {
  let harmonic = 0
  for (let r = 1; r <= n; r++) harmonic += 1 / r
  return harmonic / n
}

/**
 * Expected 1/rank of the first of c same-class items among n in random order:
 * Σ_r (1/r) · P(first at r), with P(first at r) = C(n−r, c−1) / C(n, c).
 */
export function chanceClassReciprocalRank(n: number, c: number): number {
  if (!(Number.isInteger(n) && Number.isInteger(c) && c >= 1 && c <= n)) throw new RangeError(`a class of ${c} among ${n} candidates is impossible`)
  let expected = 0
  // P(first at 1) = c/n; P(first at r+1) = P(first at r) · (n−r−c+1)/(n−r).
  let probability = c / n
  for (let r = 1; r <= n - c + 1; r++) {
    expected += probability / r
    probability *= (n - r - c + 1) / (n - r)
  }
  return expected
}

/** Class MRR of a random ranking: the mean over queries of chanceClassReciprocalRank for their class size. */
export function chanceClassMrr(labels: ArrayLike<number>): number {
  const counts = new Map<number, number>()
  for (let index = 0; index < labels.length; index++) counts.set(labels[index]!, (counts.get(labels[index]!) ?? 0) + 1)
  let sum = 0
  for (const count of counts.values()) sum += count * chanceClassReciprocalRank(labels.length, count)
  return sum / labels.length
}

export interface DirectionMetrics {
  /** Instance MRR. */
  iMRR: number
  /** Class MRR; null without labels. */
  cMRR: number | null
  R1: number
  R5: number
  R10: number
  medianRank: number
}

export const metricNames = ['iMRR', 'cMRR', 'R1', 'R5', 'R10', 'medianRank'] as const satisfies readonly (keyof DirectionMetrics)[]

export type MetricName = (typeof metricNames)[number]

/** Every metric of one retrieval direction, from its similarity matrix (queries × candidates, paired by index). */
export function directionMetrics(similarity: Matrix, labels?: ArrayLike<number>): DirectionMetrics & { ranks: Float64Array } {
  const ranks = instanceRanks(similarity)
  return {
    iMRR: meanReciprocalRank(ranks),
    cMRR: labels ? meanReciprocalRank(classRanks(similarity, labels)) : null,
    R1: recallAt(ranks, 1),
    R5: recallAt(ranks, 5),
    R10: recallAt(ranks, 10),
    medianRank: median(ranks),
    ranks,
  }
}
