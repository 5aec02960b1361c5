import { describe, expect, it } from 'vitest'
import { assignFolds, paperWindows, windowOffsets, windowProblem } from '../../../../src/shared/dataset/windows'

describe('dataset windows', () => {
  it('cuts the paper’s non-overlapping 1.5 s windows from the onset, whole windows only', () => {
    expect(windowOffsets(8, 100, paperWindows)).toEqual([0, 1.5, 3, 4.5, 6])
    expect(windowOffsets(1.4, 100, paperWindows)).toEqual([])
  })

  it('keeps only windows whose lagged EEG was recorded', () => {
    const spec = { windowSeconds: 1, hopSeconds: 0.5, lagSeconds: 0.2 }
    expect(windowOffsets(3, 100, spec)).toEqual([0, 0.5, 1, 1.5, 2])
    // EEG ends 2.7 s after the onset: the window at 1.5 s needs EEG up to 2.7 s, the next to 3.2 s.
    expect(windowOffsets(3, 2.7, spec)).toEqual([0, 0.5, 1, 1.5])
    // A negative lag needs EEG before the onset.
    expect(windowOffsets(3, 100, { ...spec, lagSeconds: -0.3 }, 0.1)).toEqual([0.5, 1, 1.5, 2])
  })

  it('refuses windows that make no sense', () => {
    expect(windowProblem(paperWindows)).toBeNull()
    expect(windowProblem({ ...paperWindows, windowSeconds: 0 })).toMatch(/window must last/)
    expect(windowProblem({ ...paperWindows, hopSeconds: -1 })).toMatch(/hop/)
    expect(windowProblem({ ...paperWindows, lagSeconds: 9 })).toMatch(/lag/)
  })

  it('deals participants or songs into balanced folds, the same way for the same seed', () => {
    const keys = Array.from({ length: 11 }, (_, index) => `s${index}`)
    const folds = assignFolds([...keys, ...keys], 5, 3)
    expect(Object.keys(folds).sort()).toEqual([...keys].sort())
    const sizes = [0, 1, 2, 3, 4].map((fold) => Object.values(folds).filter((value) => value === fold).length)
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
    expect(assignFolds([...keys].reverse(), 5, 3)).toEqual(folds)
    expect(assignFolds(keys, 5, 4)).not.toEqual(folds)
    expect(() => assignFolds(keys, 1, 3)).toThrow(/folds/)
  })
})
