import { describe, expect, it } from 'vitest'
import { crossValidateRetrieval, linearProjector, rankHistogram, retrievalDefaults, type RetrievalOptions } from '../../../../src/shared/retrieval/protocol'
import type { ViewData } from '../../../../src/shared/dcca-training'
import { sharedLatentPairs, shuffledRows } from '../../../support/retrieval'

const options: RetrievalOptions = { ...retrievalDefaults, folds: 5, dims: 8, ridge: 0.01 }
const linear = (audio: ViewData, text: ViewData, labels?: ArrayLike<number>, extra: Partial<RetrievalOptions> = {}) =>
  crossValidateRetrieval({ audio, text, labels: labels && { name: 'labels.npy', values: labels }, model: 'linear', options: { ...options, ...extra }, projector: linearProjector({ ...options, ...extra }) })

describe('linear retrieval protocol', () => {
  it('finds the partner of nearly every pair that shares a latent, in both directions', async () => {
    const { audio, text, labels } = sharedLatentPairs({ pairs: 400, seed: 2 })
    const result = await linear(audio, text, labels)
    for (const direction of [result.audioToText, result.textToAudio]) {
      expect(direction.iMRR.mean).toBeGreaterThan(0.9)
      expect(direction.R10.mean).toBeGreaterThan(0.98)
      expect(direction.cMRR!.mean).toBeGreaterThanOrEqual(direction.iMRR.mean)
      expect(direction.medianRank.mean).toBeLessThan(1.5)
    }
    expect(result.folds).toHaveLength(5)
    expect(result.folds.reduce((sum, fold) => sum + fold.testPairs, 0)).toBe(400)
    expect(result.ranks.audioToText).toHaveLength(400)
    expect(result.options.seed).toBe(options.seed)
  })

  it('scores chance when the pairs are shuffled', async () => {
    // Classes as tags that neither view reflects: were the audio clustered by class, a text query
    // would meet whole clusters of one class at a time, which is not the random ranking chance assumes.
    const { audio, text, labels } = sharedLatentPairs({ pairs: 400, classSpread: 0, seed: 3 })
    const result = await linear(audio, shuffledRows(text, 9), labels)
    // 80 candidates per fold: H_80 / 80 ≈ 0.062; class MRR chance with 4 classes of 20 ≈ 0.47 (sd of a fold's mean ≈ 0.03).
    expect(result.chance.iMRR).toBeCloseTo(0.062, 3)
    for (const direction of [result.audioToText, result.textToAudio]) {
      expect(Math.abs(direction.iMRR.mean - result.chance.iMRR)).toBeLessThan(0.03)
      expect(Math.abs(direction.cMRR!.mean - result.chance.cMRR!)).toBeLessThan(0.05)
      expect(direction.medianRank.mean).toBeGreaterThan(25)
    }
  })

  it('says clearly what is wrong with its inputs', async () => {
    const { audio, text, labels } = sharedLatentPairs({ pairs: 40, seed: 4 })
    await expect(linear(audio, { ...text, rows: 39, data: text.data.subarray(0, 39 * text.cols) })).rejects.toThrow(/audio.npy has 40 rows and text.npy 39/)
    const holed = Float64Array.from(text.data)
    holed[17 * text.cols + 2] = NaN
    await expect(linear(audio, { ...text, data: holed })).rejects.toThrow(/text.npy holds NaN at row 17, column 2/)
    await expect(linear(audio, text, labels.subarray(0, 30))).rejects.toThrow(/labels.npy has 30 labels for 40 pairs/)
    await expect(linear(audio, text, Array.from(labels, (label) => label + 0.5))).rejects.toThrow(/labels must be whole numbers/)
    const oneClassMostly = Array.from({ length: 40 }, (_, index) => (index < 2 ? 1 : 0))
    await expect(linear(audio, text, oneClassMostly, { folds: 4 })).rejects.toThrow(/holds a single class/)
  })

  it('bins ranks for the histogram', () => {
    expect(rankHistogram([1, 1, 2, 10, 5], 10, 5)).toEqual([3, 0, 1, 0, 1])
  })
})
