import { describe, expect, it } from 'vitest'
import { invalidAnswer, scaleSpec } from '../../../../src/shared/study/scales'

describe('rating scales', () => {
  it('use the ranges of DEAP for SAM, liking and familiarity', () => {
    expect(scaleSpec({ kind: 'sam-valence' })).toMatchObject({ id: 'valence', min: 1, max: 9, discrete: true })
    expect(scaleSpec({ kind: 'sam-arousal' })).toMatchObject({ id: 'arousal', min: 1, max: 9 })
    expect(scaleSpec({ kind: 'liking' })).toMatchObject({ id: 'liking', min: 1, max: 9 })
    expect(scaleSpec({ kind: 'familiarity' })).toMatchObject({ id: 'familiarity', min: 1, max: 5 })
  })

  it('take custom scales’ ids, points, labels and ranges', () => {
    const likert = scaleSpec({ kind: 'likert', id: 'groove', prompt: 'Groove?', points: 3, labels: ['no', 'some', 'lots'] })
    expect(likert).toMatchObject({ id: 'groove', prompt: 'Groove?', min: 1, max: 3, minLabel: 'no', maxLabel: 'lots', pointLabels: ['no', 'some', 'lots'] })
    const slider = scaleSpec({ kind: 'slider', id: 'tension', prompt: 'Tension', min: -50, max: 50 })
    expect(slider).toMatchObject({ id: 'tension', min: -50, max: 50, discrete: false })
  })

  it('accept only answers in range, and whole numbers where the scale has points', () => {
    const valence = scaleSpec({ kind: 'sam-valence' })
    expect(invalidAnswer(valence, 1)).toBeNull()
    expect(invalidAnswer(valence, 9)).toBeNull()
    expect(invalidAnswer(valence, 10)).toMatch(/between 1 and 9/)
    expect(invalidAnswer(valence, 4.5)).toMatch(/whole number/)
    expect(invalidAnswer(valence, Number.NaN)).toMatch(/number/)
    const slider = scaleSpec({ kind: 'slider', id: 'tension', prompt: 'Tension', min: 0, max: 1 })
    expect(invalidAnswer(slider, 0.37)).toBeNull()
  })
})
