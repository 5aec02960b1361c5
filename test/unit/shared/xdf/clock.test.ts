import { describe, expect, it } from 'vitest'
import { applyClockFit, dejitter, findSegments, fitClockOffsets, spanSrate } from '../../../../src/shared/xdf/clock'
import { seededRandom } from './helpers'

describe('fitClockOffsets', () => {
  it('returns zero without measurements and a constant for a single one', () => {
    expect(fitClockOffsets([], [])).toEqual({ intercept: 0, slope: 0 })
    expect(fitClockOffsets([6.1], [-0.1])).toEqual({ intercept: -0.1, slope: 0 })
  })

  it('gives a robust constant when all measurements share one time', () => {
    const fit = fitClockOffsets([5, 5, 5, 5, 5], [0.001, 0.001, 0.00101, 0.00099, 0.5])
    expect(fit.slope).toBe(0)
    expect(fit.intercept).toBeCloseTo(0.001, 4)
  })

  it('recovers an exact line', () => {
    const times = [100, 105, 110, 115]
    const fit = fitClockOffsets(
      times,
      times.map((t) => 0.25 + 1e-5 * t),
    )
    expect(fit.slope).toBeCloseTo(1e-5, 12)
    expect(fit.intercept).toBeCloseTo(0.25, 10)
  })

  // A clock drifting 3 ppm against the recorder, measured every 5 s for 10 minutes at LSL-like clock
  // values (~50 000 s since boot), with ±20 µs measurement noise and one in six measurements delayed
  // by a network spike of 2–10 ms (spikes only ever make the round trip longer, so they are one-sided).
  function driftingOffsets(): { times: number[]; values: number[]; truth: (t: number) => number } {
    const random = seededRandom(7)
    const truth = (t: number): number => -0.0123 + 3e-6 * (t - 50_000)
    const times: number[] = []
    const values: number[] = []
    for (let k = 0; k < 120; k++) {
      const t = 50_000 + 5 * k + random() * 0.01
      const noise = (random() - 0.5) * 40e-6
      const spike = k % 6 === 3 ? 0.002 + random() * 0.008 : 0
      times.push(t)
      values.push(truth(t) + noise + spike)
    }
    return { times, values, truth }
  }

  it('ignores outliers that pull a plain least-squares line off', () => {
    const { times, values, truth } = driftingOffsets()
    const robust = fitClockOffsets(times, values)
    // An infinite Huber threshold makes every residual quadratic: ordinary least squares.
    const plain = fitClockOffsets(times, values, { huberThreshold: Infinity })
    const worstError = (fit: { intercept: number; slope: number }): number =>
      Math.max(...times.map((t) => Math.abs(fit.intercept + fit.slope * t - truth(t))))
    expect(worstError(robust)).toBeLessThan(50e-6)
    expect(worstError(plain)).toBeGreaterThan(500e-6)
    expect(robust.slope).toBeCloseTo(3e-6, 7)
  })

  it('is applied as t + intercept + slope * t', () => {
    const stamps = Float64Array.of(0, 10, 100)
    applyClockFit(stamps, { intercept: -0.5, slope: 0.01 })
    expect([...stamps]).toEqual([-0.5, 10 - 0.5 + 0.1, 100 - 0.5 + 1])
  })
})

describe('dejitter', () => {
  it('turns jittered regular timestamps into a line at the true rate', () => {
    const random = seededRandom(3)
    const rate = 250.01
    const jittered = Float64Array.from({ length: 2000 }, (_, k) => 12_345 + k / rate + (random() - 0.5) * 0.004)
    const truth = (k: number): number => 12_345 + k / rate
    const worstBefore = Math.max(...jittered.map((t, k) => Math.abs(t - truth(k))))
    expect(worstBefore).toBeGreaterThan(0.0015)

    const result = dejitter(jittered, 250)
    expect(result.segments).toEqual([{ first: 0, last: 1999 }])
    expect(result.effectiveSrate).toBeCloseTo(rate, 1)
    const worstAfter = Math.max(...result.timestamps.map((t, k) => Math.abs(t - truth(k))))
    expect(worstAfter).toBeLessThan(0.0002)
    const steps = result.timestamps.subarray(1).map((t, k) => t - (result.timestamps[k] ?? 0))
    expect(Math.max(...steps) - Math.min(...steps)).toBeLessThan(1e-9)
    // The input is left alone.
    expect(jittered[0]).not.toBe(result.timestamps[0])
  })

  it('fits the two sides of a pause separately', () => {
    const before = Array.from({ length: 600 }, (_, k) => 100 + k / 100 + (k % 2 === 0 ? 0.001 : -0.001))
    const after = Array.from({ length: 400 }, (_, k) => 200 + k / 100 + (k % 2 === 0 ? 0.001 : -0.001))
    const result = dejitter([...before, ...after], 100, 1, 500)
    expect(result.segments).toEqual([
      { first: 0, last: 599 },
      { first: 600, last: 999 },
    ])
    expect(result.timestamps[0]).toBeCloseTo(100, 4)
    expect(result.timestamps[599]).toBeCloseTo(105.99, 4)
    expect(result.timestamps[600]).toBeCloseTo(200, 4)
    expect(result.timestamps[999]).toBeCloseTo(203.99, 4)
    expect(result.effectiveSrate).toBeCloseTo(100, 3)
  })

  it('splits only at gaps longer than both thresholds', () => {
    // 250 Hz: 500 samples are 2 s, so a 1.5 s gap is not a break although it exceeds 1 s.
    const stamps = [0, 0.004, 0.008, 1.508, 1.512]
    expect(findSegments(stamps, 250, 1, 500)).toHaveLength(1)
    expect(findSegments(stamps, 250, 1, 100)).toHaveLength(2)
    expect(findSegments([], 250, 1, 500)).toEqual([])
  })

  it('leaves irregular streams alone', () => {
    const stamps = [1, 1.3, 7, 7.01]
    const result = dejitter(stamps, 0)
    expect([...result.timestamps]).toEqual(stamps)
    expect(result.effectiveSrate).toBeCloseTo(3 / 6.01, 12)
  })

  it('keeps a single-sample segment as it is', () => {
    const result = dejitter([5, 100, 100.01, 100.02], 100, 1, 10)
    expect(result.timestamps[0]).toBe(5)
    expect(result.effectiveSrate).toBeCloseTo(100, 6)
  })
})

describe('spanSrate', () => {
  it('is (n - 1) / span, and 0 when it cannot be told', () => {
    expect(spanSrate([1, 1.5, 2])).toBe(2)
    expect(spanSrate([1])).toBe(0)
    expect(spanSrate([3, 3])).toBe(0)
  })
})
