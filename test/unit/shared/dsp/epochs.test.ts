import { describe, expect, it } from 'vitest'
import { EpochAverage } from '../../../../src/shared/dsp/epochs'

describe('EpochAverage', () => {
  it('removes each epoch’s own baseline and averages, channel-major', () => {
    const average = new EpochAverage(2, 4, 2)
    // channel 0: baseline 10, response +1 +2; channel 1: baseline -1, response 0 then +4
    average.add(Float32Array.of(10, -1, 10, -1, 11, -1, 12, 3))
    average.add(Float32Array.of(20, 1, 20, 1, 21, 1, 22, 5))
    expect(average.count).toBe(2)
    expect([...average.mean()]).toEqual([0, 0, 1, 2, 0, 0, 0, 4])
  })

  it('rejects a short epoch and is NaN before any', () => {
    const average = new EpochAverage(1, 3, 1)
    expect(() => average.add([1, 2])).toThrow(RangeError)
    expect(average.mean().every(Number.isNaN)).toBe(true)
  })
})
