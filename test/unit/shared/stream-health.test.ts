import { describe, expect, it } from 'vitest'
import { gapThreshold, HealthTracker, healthLevel, type StreamHealth } from '../../../src/shared/stream-health'

const regular = (start: number, count: number, rate: number) => Float64Array.from({ length: count }, (_, index) => start + index / rate)

describe('HealthTracker', () => {
  it('measures the rate from timestamps over the last seconds', () => {
    const tracker = new HealthTracker(250)
    for (let chunk = 0; chunk < 50; chunk++) tracker.addChunk(regular(chunk * 0.1, 25, 250))
    const health = tracker.snapshot()
    expect(health.samplesReceived).toBe(1250)
    expect(health.measuredRate).toBeCloseTo(250, 6)
    expect(health.gaps).toBe(0)
    expect(health.lastTimestamp).toBeCloseTo(4.996, 9)
  })

  it('counts an interval longer than the threshold as one gap, also across chunk borders', () => {
    const tracker = new HealthTracker(100)
    tracker.addChunk(regular(0, 100, 100))
    tracker.addChunk(regular(3.99, 100, 100))
    const health = tracker.snapshot()
    expect(health.gaps).toBe(1)
    expect(health.gapSeconds).toBeCloseTo(3, 9)
  })

  it('never reports gaps for irregular streams (markers)', () => {
    const tracker = new HealthTracker(0)
    tracker.addChunk([1, 50, 900])
    expect(tracker.snapshot().gaps).toBe(0)
    expect(gapThreshold(0)).toBe(Number.POSITIVE_INFINITY)
  })

  it('reports the latest clock offset and the spread of recent ones', () => {
    const tracker = new HealthTracker(250)
    expect(tracker.snapshot().clockOffset).toBeNull()
    tracker.addOffset(0.001)
    expect(tracker.snapshot().clockOffsetSpread).toBeNull()
    tracker.addOffset(0.003)
    expect(tracker.snapshot()).toMatchObject({ clockOffset: 0.003 })
    expect(tracker.snapshot().clockOffsetSpread).toBeCloseTo(Math.SQRT2 * 0.001, 9)
  })
})

describe('healthLevel', () => {
  const health = (measuredRate: number | null, gaps = 0): StreamHealth => ({
    samplesReceived: 100,
    measuredRate,
    gaps,
    gapSeconds: gaps,
    lastTimestamp: 1,
    clockOffset: null,
    clockOffsetSpread: null,
  })

  it('is off for an offline stream, whatever its numbers', () => {
    expect(healthLevel(false, 250, health(250))).toBe('off')
  })

  it('warns when the measured rate is more than 5 % from the nominal rate, or samples went missing', () => {
    expect(healthLevel(true, 250, health(250))).toBe('ok')
    expect(healthLevel(true, 250, health(238))).toBe('ok')
    expect(healthLevel(true, 250, health(235))).toBe('warn')
    expect(healthLevel(true, 250, health(270))).toBe('warn')
    expect(healthLevel(true, 250, health(250, 1))).toBe('warn')
  })

  it('judges irregular streams and streams without a measured rate yet by their gaps only', () => {
    expect(healthLevel(true, 0, health(3))).toBe('ok')
    expect(healthLevel(true, 250, health(null))).toBe('ok')
  })
})
