import { describe, expect, it } from 'vitest'
import { kFolds } from '../../../../src/shared/retrieval/folds'

describe('kFolds', () => {
  it('tests every row exactly once and trains on the rest', () => {
    const folds = kFolds(23, 5, 3)
    const tested = folds.flatMap((fold) => Array.from(fold.test)).sort((a, b) => a - b)
    expect(tested).toEqual(Array.from({ length: 23 }, (_, index) => index))
    for (const fold of folds) {
      expect(fold.train.length + fold.test.length).toBe(23)
      expect(Array.from(fold.train).some((row) => fold.test.includes(row))).toBe(false)
      expect(fold.test.length === 4 || fold.test.length === 5).toBe(true)
    }
  })

  it('is the same for a seed and different for another', () => {
    expect(kFolds(30, 3, 7).map((fold) => Array.from(fold.test))).toEqual(kFolds(30, 3, 7).map((fold) => Array.from(fold.test)))
    expect(kFolds(30, 3, 7).map((fold) => Array.from(fold.test))).not.toEqual(kFolds(30, 3, 8).map((fold) => Array.from(fold.test)))
  })

  it('stratifies by class: each test fold holds each class in its share', () => {
    const labels = Array.from({ length: 100 }, (_, index) => (index < 60 ? 0 : index < 90 ? 1 : 2))
    for (const fold of kFolds(100, 5, 1, labels)) {
      const counts = [0, 1, 2].map((label) => Array.from(fold.test).filter((row) => labels[row] === label).length)
      expect(counts[0]).toBe(12)
      expect(counts[1]).toBe(6)
      expect(counts[2]).toBe(2)
    }
  })

  it('refuses what cannot be split sensibly, saying why', () => {
    expect(() => kFolds(9, 5, 1)).toThrow(/9 pairs cannot make 5 folds/)
    expect(() => kFolds(10, 1, 1)).toThrow(/folds must be a whole number ≥ 2/)
    expect(() => kFolds(10, 2, 1, [0, 1])).toThrow(/2 labels for 10 rows/)
    // Two classes, one of them a single row: the other folds see one class only.
    const skewed = Array.from({ length: 40 }, (_, index) => (index === 0 ? 1 : 0))
    expect(() => kFolds(40, 4, 1, skewed)).toThrow(/test fold \d holds a single class \(0\)/)
  })
})
