import { describe, expect, it } from 'vitest'
import { createResampler, resample } from '../../../../src/shared/dsp/resample'
import { decibels, rms, sine, toneAmplitude } from '../../../support/tones'

/** Output samples near either end feel the silence beyond the input; measurements skip them. */
const edge = 400

const conversions = [
  { from: 44_100, to: 48_000, tones: [100, 1000, 5000, 15_000, 19_000] },
  { from: 48_000, to: 22_050, tones: [100, 1000, 5000, 9000] },
  { from: 22_050, to: 48_000, tones: [100, 1000, 5000, 9000] },
  // No integer ratio with few phases: the interpolated table.
  { from: 44_100, to: 48_000.37, tones: [100, 1000, 15_000, 19_000] },
]

describe('resample', () => {
  describe.each(conversions)('$from Hz → $to Hz', ({ from, to, tones }) => {
    it.each(tones)('keeps a %d Hz sine at its frequency and amplitude (within 0.01 dB)', (frequency) => {
      const input = sine(frequency, from, Math.round(0.5 * from), 0.5)
      const output = resample(input, from, to)
      const amplitude = toneAmplitude(output, to, frequency, edge, output.length - edge)
      expect(Math.abs(decibels(amplitude / 0.5))).toBeLessThan(0.01)
      // What is not the tone (a wrong frequency, aliases, ripple) is tiny.
      const expected = sine(frequency, to, output.length, amplitude)
      const phaseAligned = output.map((value, i) => value - expected[i]!)
      expect(decibels(rms(phaseAligned, edge, output.length - edge) / 0.5)).toBeLessThan(-80)
    })

    it('gives round(n·to/from) samples', () => {
      for (const n of [0, 1, 7, 1000, 44_101]) expect(resample(new Float32Array(n), from, to).length).toBe(Math.round((n * to) / from))
    })

    it('passes DC at unit gain', () => {
      const output = resample(new Float32Array(Math.round(0.2 * from)).fill(0.25), from, to)
      for (let i = edge; i < output.length - edge; i++) expect(Math.abs(output[i]! - 0.25)).toBeLessThan(1e-5)
    })

    it('puts a click at the same time in the output, within one sample', () => {
      const clicks = [1000, 12_345, 20_001]
      const input = new Float32Array(from)
      for (const at of clicks) input[at] = 1
      const output = resample(input, from, to)
      for (const at of clicks) {
        const expected = (at * to) / from
        const window = output.subarray(Math.floor(expected) - 50, Math.floor(expected) + 50)
        const found = Math.floor(expected) - 50 + window.indexOf(Math.max(...window))
        expect(Math.abs(found - expected)).toBeLessThanOrEqual(1)
      }
    })
  })

  it.each([
    { from: 48_000, to: 22_050, frequencies: [11_500, 13_000, 20_000] },
    { from: 44_100, to: 22_050, frequencies: [11_100, 16_000, 21_000] },
    { from: 48_000, to: 44_100.5, frequencies: [22_200, 23_000] },
  ])('attenuates tones above the target Nyquist frequency by at least 80 dB ($from Hz → $to Hz)', ({ from, to, frequencies }) => {
    for (const frequency of frequencies) {
      const output = resample(sine(frequency, from, from / 2), from, to)
      expect(decibels(rms(output, edge, output.length - edge) / Math.SQRT1_2)).toBeLessThan(-80)
    }
  })

  it('returns a copy when the rates are equal', () => {
    const input = sine(440, 48_000, 100)
    const output = resample(input, 48_000, 48_000)
    expect(output).toEqual(input)
    expect(output).not.toBe(input)
  })

  it('lets one converter serve many signals', () => {
    const convert = createResampler(44_100, 48_000)
    const a = sine(440, 44_100, 4410)
    expect(convert(a)).toEqual(resample(a, 44_100, 48_000))
    expect(convert(new Float32Array(10)).length).toBe(11)
  })

  it('rejects rates and options it cannot honour', () => {
    expect(() => resample(new Float32Array(4), 0, 48_000)).toThrow(/source sample rate/)
    expect(() => resample(new Float32Array(4), 44_100, Number.NaN)).toThrow(/target sample rate/)
    expect(() => resample(new Float32Array(4), 44_100, 48_000, { halfLength: 2 })).toThrow(/half-length/)
    expect(() => resample(new Float32Array(4), 44_100, 48_000, { stopbandDb: 20 })).toThrow(/stop-band/)
  })
})
