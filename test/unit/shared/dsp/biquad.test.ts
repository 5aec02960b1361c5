import { describe, expect, it } from 'vitest'
import {
  bandpassSections,
  butterworthHighpassSections,
  butterworthLowpassSections,
  FilterChain,
  filtfilt,
  magnitudeResponse,
  notchSections,
  type BiquadSection,
} from '../../../../src/shared/dsp/biquad'
import { Random } from '../../../../src/shared/sim/random'

function sine(frequency: number, sampleRate: number, seconds: number, phase = 0): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * sampleRate) }, (_, i) => Math.sin((2 * Math.PI * frequency * i) / sampleRate + phase))
}

function rms(values: ArrayLike<number>, from = 0, to = values.length): number {
  let sum = 0
  for (let i = from; i < to; i++) sum += values[i]! ** 2
  return Math.sqrt(sum / (to - from))
}

const decibels = (ratio: number): number => 20 * Math.log10(ratio)

/** Gain in dB of a sine after the filter has settled, measured over the last `lastSeconds`. */
function steadyStateGain(sections: BiquadSection[], frequency: number, sampleRate: number, seconds: number, lastSeconds: number): number {
  const input = sine(frequency, sampleRate, seconds)
  const output = new FilterChain(sections, 1).process(input)
  const from = input.length - Math.round(lastSeconds * sampleRate)
  return decibels(rms(output, from) / rms(input, from))
}

describe('filter design', () => {
  it('notches 50 Hz by more than 30 dB and lets 10 Hz through', () => {
    for (const sampleRate of [250, 500]) {
      const notch = notchSections(50, sampleRate)
      expect(steadyStateGain(notch, 50, sampleRate, 10, 2)).toBeLessThan(-30)
      expect(Math.abs(steadyStateGain(notch, 10, sampleRate, 10, 2))).toBeLessThan(0.5)
      expect(decibels(magnitudeResponse(notch, 50, sampleRate))).toBeLessThan(-100)
    }
  })

  it('band-passes 1–40 Hz: 0 dB at 10 Hz, strong attenuation at 0.1 Hz and 100 Hz', () => {
    const sampleRate = 250
    const bandpass = bandpassSections(1, 40, sampleRate)
    expect(bandpass).toHaveLength(4)
    expect(Math.abs(steadyStateGain(bandpass, 10, sampleRate, 10, 4))).toBeLessThan(0.2)
    expect(steadyStateGain(bandpass, 0.1, sampleRate, 120, 60)).toBeLessThan(-60)
    expect(steadyStateGain(bandpass, 100, sampleRate, 10, 4)).toBeLessThan(-50)
  })

  it.each([1, 2, 3, 4, 5, 8])('gives Butterworth order %i its −3 dB edge and maximally flat response', (order) => {
    const sampleRate = 1000
    const lowpass = butterworthLowpassSections(40, sampleRate, order)
    const highpass = butterworthHighpassSections(40, sampleRate, order)
    expect(lowpass).toHaveLength(Math.ceil(order / 2))
    expect(magnitudeResponse(lowpass, 40, sampleRate)).toBeCloseTo(Math.SQRT1_2, 9)
    expect(magnitudeResponse(highpass, 40, sampleRate)).toBeCloseTo(Math.SQRT1_2, 9)
    // The bilinear transform of |H|² = 1 / (1 + (ω/ωc)^2n), with frequencies pre-warped by tan(πf/fs).
    const warped = (f: number): number => Math.tan((Math.PI * f) / sampleRate) / Math.tan((Math.PI * 40) / sampleRate)
    for (const f of [0, 5, 20, 60, 160, 400]) {
      const ratio = warped(f) ** (2 * order)
      expect(magnitudeResponse(lowpass, f, sampleRate)).toBeCloseTo(1 / Math.sqrt(1 + ratio), 9)
      if (f > 0) expect(magnitudeResponse(highpass, f, sampleRate)).toBeCloseTo(1 / Math.sqrt(1 + 1 / ratio), 9)
    }
  })

  it('refuses edges outside (0, Nyquist) and bad orders', () => {
    expect(() => notchSections(125, 250)).toThrow(/Nyquist/)
    expect(() => butterworthLowpassSections(0, 250, 2)).toThrow(/Nyquist/)
    expect(() => butterworthHighpassSections(1, 250, 0)).toThrow(/order/)
    expect(() => butterworthHighpassSections(1, 250, 2.5)).toThrow(/order/)
    expect(() => bandpassSections(40, 1, 250)).toThrow(/low < high/)
  })
})

describe('FilterChain', () => {
  const channelCount = 3
  const sections = [...bandpassSections(1, 40, 250), ...notchSections(50, 250)]

  function interleavedNoise(frames: number): Float32Array {
    const random = new Random(7)
    return Float32Array.from({ length: frames * channelCount }, () => 20 * random.normal())
  }

  it('gives exactly the same output chunk by chunk as in one piece', () => {
    const input = interleavedNoise(5000)
    const whole = new FilterChain(sections, channelCount).process(input)
    const chain = new FilterChain(sections, channelCount)
    const chunked = new Float32Array(input.length)
    const random = new Random(8)
    for (let frame = 0; frame < 5000; ) {
      const frames = Math.min(5000 - frame, Math.floor(random.next() * 40))
      chunked.set(chain.process(input.subarray(frame * channelCount, (frame + frames) * channelCount)), frame * channelCount)
      frame += frames
    }
    expect(chunked).toEqual(whole)
  })

  it('filters each channel independently, and in place on request', () => {
    const input = interleavedNoise(1000)
    const copy = input.slice()
    const output = new FilterChain(sections, channelCount).process(copy, copy)
    expect(output).toBe(copy)
    const channel1 = Float32Array.from({ length: 1000 }, (_, i) => input[i * channelCount + 1]!)
    const alone = new FilterChain(sections, 1).process(channel1)
    for (let i = 0; i < 1000; i++) expect(output[i * channelCount + 1]).toBe(alone[i])
  })

  it('starts afresh after reset', () => {
    const chain = new FilterChain(sections, channelCount)
    const input = interleavedNoise(200)
    const first = chain.process(input)
    chain.process(input)
    chain.reset()
    expect(chain.process(input)).toEqual(first)
  })

  it('refuses chunks that are not whole samples', () => {
    expect(() => new FilterChain(sections, 3).process(new Float32Array(10))).toThrow(/whole number/)
    expect(() => new FilterChain(sections, 3).process(new Float32Array(9), new Float32Array(6))).toThrow(/output length/)
  })
})

describe('filtfilt', () => {
  it('has zero phase and the squared magnitude response', () => {
    const sampleRate = 250
    const lowpass = butterworthLowpassSections(20, sampleRate, 2)
    const input = sine(20, sampleRate, 8, 0.3)
    const output = filtfilt(lowpass, input)
    const gain = magnitudeResponse(lowpass, 20, sampleRate) ** 2
    expect(gain).toBeCloseTo(0.5, 9)
    // Away from the edges the output is the input scaled by |H|², sample by sample: no shift at all.
    for (let i = 250; i < input.length - 250; i++) expect(Math.abs(output[i]! - gain * input[i]!)).toBeLessThan(1e-4)
  })

  it('does not move the peak of a band-passed sine', () => {
    const sampleRate = 500
    const input = sine(10, sampleRate, 10, Math.PI / 2)
    const output = filtfilt(bandpassSections(1, 40, sampleRate), input)
    // Peaks of this 10 Hz cosine at 500 Hz fall on samples 0, 50, 100, …: search one period mid-signal,
    // where the 1 Hz high-pass has long forgotten the edges.
    const from = 2475
    const argmax = (x: ArrayLike<number>): number => {
      let best = from
      for (let i = from; i < from + 50; i++) if (x[i]! > x[best]!) best = i
      return best
    }
    expect(argmax(output)).toBe(argmax(input))
    expect(output[argmax(output)]).toBeCloseTo(magnitudeResponse(bandpassSections(1, 40, sampleRate), 10, sampleRate) ** 2, 3)
  })

  it('keeps a constant through a low-pass and removes it through a high-pass, even at the edges', () => {
    const constant = new Float64Array(100).fill(3)
    const low = filtfilt(butterworthLowpassSections(10, 250, 4), constant)
    const high = filtfilt(butterworthHighpassSections(1, 250, 3), constant)
    for (let i = 0; i < 100; i++) {
      expect(low[i]).toBeCloseTo(3, 9)
      expect(high[i]).toBeCloseTo(0, 9)
    }
  })

  it('handles signals shorter than the padding', () => {
    expect(filtfilt(notchSections(50, 250), new Float64Array(0))).toHaveLength(0)
    expect(filtfilt(butterworthLowpassSections(10, 250, 2), Float32Array.of(2))[0]).toBeCloseTo(2, 9)
    expect(filtfilt(butterworthLowpassSections(10, 250, 2), Float32Array.of(1, 2, 3))).toHaveLength(3)
  })
})
