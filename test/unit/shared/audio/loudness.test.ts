import { describe, expect, it } from 'vitest'
import { integratedLoudness, kWeightingSections, peak } from '../../../../src/shared/audio/loudness'
import type { PcmAudio } from '../../../../src/shared/audio/types'
import { magnitudeResponse, type BiquadSection } from '../../../../src/shared/dsp/biquad'
import { decibels, sine } from '../../../support/tones'

const rate = 48_000

/**
 * A "1 kHz" sine whose peak is `dbfs` below full scale (silence for null), `seconds` long. BS.1770
 * calibrates at 997 Hz; at exactly 1000 Hz K-weighting reads 0.007 dB more.
 */
function tone(dbfs: number | null, seconds: number, sampleRate = rate): Float32Array {
  const frames = Math.round(seconds * sampleRate)
  return dbfs === null ? new Float32Array(frames) : sine(997, sampleRate, frames, 10 ** (dbfs / 20))
}

/** Consecutive segments of the same signal on both channels of a stereo file. */
function stereoSequence(segments: [dbfs: number | null, seconds: number][]): PcmAudio {
  const parts = segments.map(([dbfs, seconds]) => tone(dbfs, seconds))
  const samples = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0))
  let offset = 0
  for (const part of parts) {
    samples.set(part, offset)
    offset += part.length
  }
  return { sampleRate: rate, channels: [samples, samples.slice()] }
}

describe('K-weighting', () => {
  it('reproduces the coefficients that BS.1770 tabulates for 48 kHz', () => {
    const [shelf, highPass] = kWeightingSections(48_000) as [BiquadSection, BiquadSection]
    const close = (actual: number, expected: number): void => expect(actual).toBeCloseTo(expected, 7)
    close(shelf.b0, 1.53512485958697)
    close(shelf.b1, -2.69169618940638)
    close(shelf.b2, 1.19839281085285)
    close(shelf.a1, -1.69065929318241)
    close(shelf.a2, 0.73248077421585)
    expect([highPass.b0, highPass.b1, highPass.b2]).toEqual([1, -2, 1])
    close(highPass.a1, -1.99004745483398)
    close(highPass.a2, 0.99007225036621)
  })

  it.each([22_050, 32_000, 44_100, 48_000, 96_000])('has nearly the same response at %d Hz: +0.69 dB at 1 kHz, +4 dB high, a low cut', (sampleRate) => {
    const gain = (frequency: number): number => decibels(magnitudeResponse(kWeightingSections(sampleRate), frequency, sampleRate))
    // −0.691 in the loudness formula cancels this gain at 997 Hz. The bilinear transform bends the
    // shelf a little at other rates: by 0.015 dB at 32 and 96 kHz, 0.04 dB at 22.05 kHz.
    expect(Math.abs(gain(997) - 0.691)).toBeLessThan(sampleRate < 32_000 ? 0.05 : 0.02)
    expect(gain(10_000)).toBeCloseTo(4, 0)
    expect(gain(20)).toBeLessThan(-5)
  })
})

describe('integratedLoudness', () => {
  it('reads −3.01 LUFS for a full-scale 1 kHz sine on one channel, the standard calibration', () => {
    expect(integratedLoudness({ sampleRate: rate, channels: [tone(0, 5), new Float32Array(5 * rate)] })).toBeCloseTo(-3.01, 2)
  })

  it('reads a 1 kHz sine on both stereo channels at its peak level in dBFS (EBU Tech 3341 cases 1 and 2)', () => {
    expect(integratedLoudness(stereoSequence([[-20, 5]]))).toBeCloseTo(-20, 2)
    expect(integratedLoudness(stereoSequence([[-23, 20]]))).toBeCloseTo(-23, 2)
    expect(integratedLoudness(stereoSequence([[-33, 20]]))).toBeCloseTo(-33, 2)
  })

  it('reads a mono file as one channel: 3.01 LU below the same signal on both stereo channels', () => {
    expect(integratedLoudness({ sampleRate: rate, channels: [tone(-20, 5)] })).toBeCloseTo(-23.01, 2)
    expect(integratedLoudness({ sampleRate: rate, channels: [tone(-18, 5), new Float32Array(5 * rate)] })).toBeCloseTo(-21.01, 2)
  })

  it('gives the same loudness at any sample rate, within 0.05 LU', () => {
    for (const sampleRate of [22_050, 32_000, 44_100, 96_000]) {
      expect(Math.abs(integratedLoudness({ sampleRate, channels: [tone(-20, 5, sampleRate)] }) + 23.01)).toBeLessThan(0.05)
    }
  })

  it('gates out quiet passages relative to the programme (EBU Tech 3341 cases 3, 4 and 5)', () => {
    expect(integratedLoudness(stereoSequence([[-36, 10], [-23, 60], [-36, 10]]))).toBeCloseTo(-23, 1)
    expect(integratedLoudness(stereoSequence([[-72, 10], [-36, 10], [-23, 60], [-36, 10], [-72, 10]]))).toBeCloseTo(-23, 1)
    expect(integratedLoudness(stereoSequence([[-26, 20], [-20, 20.1], [-26, 20]]))).toBeCloseTo(-23, 1)
  })

  it('ignores silence', () => {
    // Of the 53 blocks that touch the tone, 47 lie inside it and 2×3 overlap it by ¾, ½ and ¼; the
    // 20 s of silence count for nothing (without gating the result would be 7 LU lower).
    const expected = -20 + 10 * Math.log10((47 + 2 * (0.75 + 0.5 + 0.25)) / 53)
    expect(integratedLoudness(stereoSequence([[null, 10], [-20, 5], [null, 10]]))).toBeCloseTo(expected, 2)
  })

  it('is −Infinity for silence and for audio shorter than one 400 ms block', () => {
    expect(integratedLoudness(stereoSequence([[null, 5]]))).toBe(-Infinity)
    expect(integratedLoudness(stereoSequence([[-80, 5]]))).toBe(-Infinity)
    expect(integratedLoudness(stereoSequence([[-20, 0.39]]))).toBe(-Infinity)
    expect(integratedLoudness(stereoSequence([[-20, 0.4]]))).toBeCloseTo(-20, 1)
  })

  it('weighs the channels of a 5.1 file as BS.1770 does: surrounds +1.5 dB, no LFE', () => {
    const silent = new Float32Array(5 * rate)
    const only = (channel: number): PcmAudio => ({ sampleRate: rate, channels: Array.from({ length: 6 }, (_, c) => (c === channel ? tone(0, 5) : silent)) })
    expect(integratedLoudness(only(2))).toBeCloseTo(-3.01, 2)
    expect(integratedLoudness(only(4))).toBeCloseTo(-3.01 + 10 * Math.log10(1.41), 2)
    expect(integratedLoudness(only(3))).toBe(-Infinity)
  })
})

describe('peak', () => {
  it('is the largest |sample| of any channel', () => {
    expect(peak({ sampleRate: rate, channels: [Float32Array.of(0.1, -0.5), Float32Array.of(0.25, 0.4)] })).toBe(0.5)
    expect(peak({ sampleRate: rate, channels: [new Float32Array(3)] })).toBe(0)
  })
})
