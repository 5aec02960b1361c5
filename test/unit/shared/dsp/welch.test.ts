import { describe, expect, it } from 'vitest'
import { welchPsd, type PowerSpectrum } from '../../../../src/shared/dsp/welch'
import { Random } from '../../../../src/shared/sim/random'

function sine(frequency: number, sampleRate: number, seconds: number, amplitude = 1): Float64Array {
  return Float64Array.from({ length: Math.round(seconds * sampleRate) }, (_, i) => amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate))
}

function integral({ frequencies, power }: PowerSpectrum): number {
  const binWidth = frequencies[1]! - frequencies[0]!
  return power.reduce((sum, p) => sum + p * binWidth, 0)
}

function peakFrequency({ frequencies, power }: PowerSpectrum): number {
  let best = 0
  for (let k = 1; k < power.length; k++) if (power[k]! > power[best]!) best = k
  return frequencies[best]!
}

function mean(values: ArrayLike<number>, from = 0, to = values.length): number {
  let sum = 0
  for (let i = from; i < to; i++) sum += values[i]!
  return sum / (to - from)
}

describe('welchPsd', () => {
  it('puts a unit sine at its frequency, with the variance (0.5) as its integral', () => {
    const psd = welchPsd(sine(10, 250, 20), 250)
    // Default segments: 256 samples at 250 Hz, so bins are 0.977 Hz wide.
    expect(psd.frequencies.length).toBe(129)
    expect(psd.frequencies[128]).toBe(125)
    expect(Math.abs(peakFrequency(psd) - 10)).toBeLessThan(0.5)
    expect(integral(psd)).toBeCloseTo(0.5, 2)
  })

  it('keeps the variance of an off-bin sine with a DC offset, whatever the segment length', () => {
    const signal = sine(37.3, 500, 10, 2).map((x) => x + 5)
    for (const segmentLength of [128, 500, 1024]) {
      const psd = welchPsd(signal, 500, { segmentLength, overlap: 0.25 })
      expect(Math.abs(integral(psd) / 2 - 1)).toBeLessThan(0.03)
      expect(Math.abs(peakFrequency(psd) - 37.3)).toBeLessThan(500 / segmentLength)
    }
  })

  it('gives white noise a flat density of variance / (fs/2)', () => {
    const random = new Random(42)
    const sampleRate = 250
    const noise = Float64Array.from({ length: 60 * sampleRate }, () => 3 * random.normal())
    const { power } = welchPsd(noise, sampleRate)
    const expected = 9 / (sampleRate / 2)
    const half = power.length >> 1
    expect(Math.abs(mean(power, 1, power.length - 1) / expected - 1)).toBeLessThan(0.05)
    expect(Math.abs(mean(power, 1, half) / expected - 1)).toBeLessThan(0.1)
    expect(Math.abs(mean(power, half, power.length - 1) / expected - 1)).toBeLessThan(0.1)
  })

  it('uses the whole signal when it is shorter than a segment', () => {
    const psd = welchPsd(sine(50, 1000, 0.3), 1000)
    expect(psd.frequencies[1]).toBeCloseTo(1000 / 256, 9)
    expect(Math.abs(peakFrequency(psd) - 50)).toBeLessThan(4)
  })

  it('refuses impossible parameters', () => {
    expect(() => welchPsd([1], 100)).toThrow(/at least 2 samples/)
    expect(() => welchPsd([1, 2, 3], 0)).toThrow(/sample rate/)
    expect(() => welchPsd([1, 2, 3], 100, { overlap: 1 })).toThrow(/overlap/)
    expect(() => welchPsd([1, 2, 3], 100, { segmentLength: 1 })).toThrow(/segment length/)
  })
})
