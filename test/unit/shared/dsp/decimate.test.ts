import { describe, expect, it } from 'vitest'
import { ColumnEnvelope, minMaxEnvelope, resampleEnvelope, RingBuffer } from '../../../../src/shared/dsp/decimate'

/** Two channels: channel 0 counts up from 0, channel 1 is −10 × the sample index. */
function twoChannels(frames: number, start = 0): Float32Array {
  const samples = new Float32Array(frames * 2)
  for (let i = 0; i < frames; i++) {
    samples[2 * i] = start + i
    samples[2 * i + 1] = -10 * (start + i)
  }
  return samples
}

describe('minMaxEnvelope', () => {
  it('gives min and max per bucket of one channel', () => {
    const samples = twoChannels(10)
    expect(minMaxEnvelope(samples, 2, 0, 0, 10, 5)).toEqual({ min: Float32Array.of(0, 2, 4, 6, 8), max: Float32Array.of(1, 3, 5, 7, 9) })
    expect(minMaxEnvelope(samples, 2, 1, 2, 6, 2)).toEqual({ min: Float32Array.of(-40, -70), max: Float32Array.of(-20, -50) })
  })

  it('splits uneven ranges as evenly as integers allow, catching every peak', () => {
    const samples = Float32Array.of(0, 0, 0, 9, 0, 0, 0, -9, 0, 0)
    expect(minMaxEnvelope(samples, 1, 0, 0, 10, 3)).toEqual({ min: Float32Array.of(0, 0, -9), max: Float32Array.of(0, 9, 0) })
  })

  it('gives one sample per bucket or NaN when there are more buckets than samples', () => {
    const { min, max } = minMaxEnvelope(twoChannels(3), 2, 0, 0, 3, 6)
    expect(Array.from(min)).toEqual([NaN, 0, NaN, 1, NaN, 2])
    expect(Array.from(max)).toEqual([NaN, 0, NaN, 1, NaN, 2])
  })

  it('reuses the output arrays it is given', () => {
    const out = { min: new Float32Array(4), max: new Float32Array(4) }
    expect(minMaxEnvelope(twoChannels(8), 2, 0, 0, 8, 4, out)).toBe(out)
    expect(Array.from(out.max)).toEqual([1, 3, 5, 7])
  })

  it('refuses ranges beyond the buffer and unknown channels', () => {
    expect(() => minMaxEnvelope(twoChannels(10), 2, 0, 5, 6, 3)).toThrow(/beyond/)
    expect(() => minMaxEnvelope(twoChannels(10), 2, 2, 0, 5, 3)).toThrow(/channel 2/)
  })
})

describe('RingBuffer', () => {
  it('keeps the latest samples across the wrap-around', () => {
    const ring = new RingBuffer(10, 2)
    ring.push(twoChannels(4, 0))
    expect([ring.sampleCount, ring.totalPushed]).toEqual([4, 4])
    expect(Array.from(ring.readLatest(0, 4))).toEqual([0, 1, 2, 3])
    ring.push(twoChannels(9, 4))
    expect([ring.sampleCount, ring.totalPushed]).toEqual([10, 13])
    expect(Array.from(ring.readLatest(0, 10))).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    expect(Array.from(ring.readLatest(1, 3))).toEqual([-100, -110, -120])
  })

  it('reads the latest samples of all channels, sample-major', () => {
    const ring = new RingBuffer(5, 2)
    ring.push(twoChannels(3, 0))
    expect(ring.readLatestInterleaved(2)).toEqual(twoChannels(2, 1))
    ring.push(twoChannels(4, 3))
    expect(ring.readLatestInterleaved(5)).toEqual(twoChannels(5, 2))
    expect(ring.readLatestInterleaved(0)).toEqual(new Float32Array(0))
  })

  it('keeps only the end of a chunk longer than its capacity', () => {
    const ring = new RingBuffer(5, 2)
    ring.push(twoChannels(2, 0))
    ring.push(twoChannels(12, 2))
    expect(Array.from(ring.readLatest(0, 5))).toEqual([9, 10, 11, 12, 13])
    expect(ring.totalPushed).toBe(14)
  })

  it('gives the same envelope in place as minMaxEnvelope over a copy, whatever the wrap position', () => {
    for (let offset = 0; offset < 17; offset++) {
      const ring = new RingBuffer(17, 2)
      ring.push(twoChannels(offset, 100))
      const data = Float32Array.from({ length: 17 * 2 }, (_, i) => Math.sin(i * 1.7) * 50)
      ring.push(data)
      for (const [count, buckets] of [[17, 5], [12, 12], [5, 9], [0, 3]] as const) {
        const copy = ring.readLatest(1, count)
        expect(ring.latestEnvelope(1, count, buckets)).toEqual(minMaxEnvelope(copy, 1, 0, 0, count, buckets))
      }
    }
  })

  it('refuses reads beyond what it holds, and starts over after clear', () => {
    const ring = new RingBuffer(10, 2)
    ring.push(twoChannels(3))
    expect(() => ring.readLatest(0, 4)).toThrow(/holds 3/)
    expect(() => ring.push(new Float32Array(3))).toThrow(/whole number/)
    ring.clear()
    expect([ring.sampleCount, ring.totalPushed]).toEqual([0, 0])
  })
})

describe('ColumnEnvelope', () => {
  it('takes min and max per column of every channel from pieces, in any order', () => {
    const envelope = new ColumnEnvelope(2, 2, 4)
    envelope.add(2, Float32Array.of(5, -5, 6, -6, 99, 99)) // samples 2, 3 (and one past the end, ignored)
    envelope.add(-1, Float32Array.of(99, 99, 1, -1, 2, -2)) // one before the start (ignored), samples 0, 1
    const { min, max } = envelope.finish()
    expect([...min]).toEqual([1, 5, -2, -6])
    expect([...max]).toEqual([2, 6, -1, -5])
  })

  it('leaves columns without samples NaN', () => {
    const envelope = new ColumnEnvelope(1, 4, 2)
    envelope.add(0, Float32Array.of(1, 2))
    const { min } = envelope.finish()
    expect(min.filter(Number.isNaN)).toHaveLength(2)
  })
})

describe('resampleEnvelope', () => {
  it('merges columns (min of mins, max of maxes) or repeats them when widening', () => {
    const source = { min: Float32Array.of(0, -3, 1, NaN), max: Float32Array.of(1, 2, 5, NaN) }
    const narrow = resampleEnvelope(source, 2)
    expect([...narrow.min]).toEqual([-3, 1])
    expect([...narrow.max]).toEqual([2, 5])
    const wide = resampleEnvelope({ min: Float32Array.of(1, 2), max: Float32Array.of(3, 4) }, 4)
    expect([...wide.min]).toEqual([1, 1, 2, 2])
    expect([...wide.max]).toEqual([3, 3, 4, 4])
  })
})
