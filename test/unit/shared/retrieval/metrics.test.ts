import { describe, expect, it } from 'vitest'
import { matrix } from '../../../../src/shared/linalg'
import {
  chanceClassMrr,
  chanceClassReciprocalRank,
  chanceInstanceMrr,
  classRanks,
  cosineSimilarities,
  directionMetrics,
  instanceRanks,
  meanReciprocalRank,
  median,
  recallAt,
} from '../../../../src/shared/retrieval/metrics'
import { Random } from '../../../../src/shared/sim/random'

/** Similarity rows written out by hand: query i's partner is column i. */
const similarity = matrix(4, 4, [
  // query 0: partner first
  0.9, 0.1, 0.2, 0.3,
  // query 1: two candidates above the partner → rank 3
  0.8, 0.5, 0.7, 0.1,
  // query 2: one above, one tied with the partner → rank 2.5
  0.4, 0.9, 0.4, 0.0,
  // query 3: last of four
  0.5, 0.6, 0.7, 0.2,
])

describe('retrieval metrics', () => {
  it('ranks each partner as counted by hand, ties counting half', () => {
    expect(Array.from(instanceRanks(similarity))).toEqual([1, 3, 2.5, 4])
    const metrics = directionMetrics(similarity)
    expect(metrics.iMRR).toBeCloseTo((1 + 1 / 3 + 1 / 2.5 + 1 / 4) / 4, 12)
    expect(metrics.R1).toBe(0.25)
    expect(metrics.R5).toBe(1)
    expect(metrics.medianRank).toBe(2.75)
    expect(metrics.cMRR).toBeNull()
  })

  it('class rank is the first candidate of the query’s class, its partner included', () => {
    // Classes: 0, 1, 0, 1. Query 1's best same-class candidate is column 1 (0.5) with 0 and 2 above → 3;
    // query 2 (class 0) finds columns 0 and 2 tied at 0.4 after column 1 → 2; query 3 finds column 1 after column 2 → 2.
    const ranks = classRanks(similarity, [0, 1, 0, 1])
    expect(Array.from(ranks)).toEqual([1, 3, 2, 2])
    expect(directionMetrics(similarity, [0, 1, 0, 1]).cMRR).toBeCloseTo((1 + 1 / 3 + 1 / 2 + 1 / 2) / 4, 12)
    // Query 2 in a class with column 1: the best same-class item (0.9) comes first.
    expect(classRanks(similarity, [0, 1, 1, 2])[2]).toBe(1)
  })

  it('a featuriser that says the same for everything scores chance, not a perfect MRR', () => {
    const flat = matrix(5, 5, new Array<number>(25).fill(0.3))
    expect(Array.from(instanceRanks(flat))).toEqual([3, 3, 3, 3, 3])
    // First of 2 same-class among 5 tied: 1 + 3 / 3 = 2 on average.
    expect(classRanks(flat, [0, 0, 1, 1, 1])[0]).toBe(2)
  })

  it('cosine similarity ignores length and says 0 for a zero vector', () => {
    const q = matrix(2, 2, [3, 0, 0, 0])
    const c = matrix(2, 2, [1, 1, 0, 5])
    expect(Array.from(cosineSimilarities(q, c).data).map((value) => Number(value.toFixed(12)))).toEqual([Number(Math.SQRT1_2.toFixed(12)), 0, 0, 0])
    expect(() => cosineSimilarities(q, matrix(2, 3))).toThrow(/one space/)
  })

  it('recall, median and MRR on small lists', () => {
    expect(recallAt([1, 2, 6, 11], 5)).toBe(0.5)
    expect(recallAt([1, 2, 6, 11], 10)).toBe(0.75)
    expect(median([5, 1, 3])).toBe(3)
    expect(meanReciprocalRank([1, 2, 4])).toBeCloseTo(7 / 12, 12)
    expect(() => meanReciprocalRank([])).toThrow(/no ranks/)
  })

  it('chance levels match their closed forms and random rankings', () => {
    expect(chanceInstanceMrr(4)).toBeCloseTo((1 + 1 / 2 + 1 / 3 + 1 / 4) / 4, 12)
    // c = 1 is the instance case; c = n means the first item is always of the class.
    expect(chanceClassReciprocalRank(7, 1)).toBeCloseTo(chanceInstanceMrr(7), 12)
    expect(chanceClassReciprocalRank(7, 7)).toBe(1)
    // 2 of 3: first at 1 with p 2/3, at 2 with p 1/3 → 2/3 + 1/6.
    expect(chanceClassReciprocalRank(3, 2)).toBeCloseTo(5 / 6, 12)
    // Monte Carlo: random similarities, 60 candidates in 4 classes of 15.
    const random = new Random(5)
    const labels = Array.from({ length: 60 }, (_, index) => index % 4)
    let instance = 0
    let klass = 0
    const trials = 200
    for (let trial = 0; trial < trials; trial++) {
      const scores = matrix(60, 60, Array.from({ length: 3600 }, () => random.next()))
      instance += directionMetrics(scores).iMRR / trials
      klass += directionMetrics(scores, labels).cMRR! / trials
    }
    expect(instance).toBeCloseTo(chanceInstanceMrr(60), 2)
    expect(klass).toBeCloseTo(chanceClassMrr(labels), 2)
  })
})
