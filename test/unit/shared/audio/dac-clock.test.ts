import { describe, expect, it } from 'vitest'
import { DacClock } from '../../../../src/shared/audio/dac-clock'
import { Random } from '../../../../src/shared/sim/random'

/** Status estimates every 10 ms from a device whose clock runs `ppm` off, with jittered timestamps. */
function feed(clock: DacClock, options: { from: number; seconds: number; ppm: number; jitter: number; seed?: number; startFrame?: number }) {
  const random = new Random(options.seed ?? 1)
  const rate = clock.nominalRate * (1 + options.ppm * 1e-6)
  for (let step = 0; step * 0.01 < options.seconds; step++) {
    const frame = (options.startFrame ?? 0) + step * 480
    clock.add(options.from + frame / rate + random.normal() * options.jitter, frame)
  }
  return rate
}

describe('DacClock', () => {
  it('gives the DAC time of any frame from jittered estimates, following the device clock', () => {
    const clock = new DacClock(48_000)
    const rate = feed(clock, { from: 100, seconds: 3, ppm: 200, jitter: 70e-6 })
    expect(clock.ready).toBe(true)
    const frame = 140_000
    expect(Math.abs(clock.timeOf(frame) - (100 + frame / rate))).toBeLessThan(20e-6)
    expect(clock.frameAt(100 + frame / rate)).toBeCloseTo(frame, -0.5)
    expect(clock.spread()).toBeGreaterThan(40e-6)
    expect(clock.spread()).toBeLessThan(100e-6)
  })

  it('is not ready during warm-up and uses the nominal rate over short spans', () => {
    const clock = new DacClock(48_000)
    feed(clock, { from: 0, seconds: 0.1, ppm: 1000, jitter: 0 })
    expect(clock.ready).toBe(false)
    expect(clock.fit().secondsPerFrame).toBe(1 / 48_000)
  })

  it('starts again when the position stalls or jumps (device start-up, underrun)', () => {
    const clock = new DacClock(48_000)
    feed(clock, { from: 0, seconds: 1, ppm: 0, jitter: 0 })
    clock.add(5, 48_000) // the frame did not advance
    expect(clock.estimates).toBe(1)
    feed(clock, { from: 5, seconds: 1, ppm: 0, jitter: 0, startFrame: 48_480 - 480 })
    const before = clock.estimates
    clock.add(clock.latestTime + 0.05, 48_000 + 100 * 480) // 40 ms late for its frame
    expect(clock.estimates).toBe(1)
    expect(before).toBeGreaterThan(50)
  })

  it('measures the long-run device rate over every estimate since the last restart', () => {
    const clock = new DacClock(48_000)
    const rate = feed(clock, { from: 10, seconds: 20, ppm: -35, jitter: 70e-6 })
    expect(Math.abs(clock.longRunRate()! - rate)).toBeLessThan(0.02)
    clock.reset()
    expect(clock.longRunRate()).toBeNull()
  })

  it('keeps only the last second of estimates', () => {
    const clock = new DacClock(48_000)
    feed(clock, { from: 0, seconds: 5, ppm: 0, jitter: 0 })
    expect(clock.estimates).toBeLessThanOrEqual(101)
  })
})
