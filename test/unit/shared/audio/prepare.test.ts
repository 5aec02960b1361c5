import { describe, expect, it } from 'vitest'
import { integratedLoudness, peak } from '../../../../src/shared/audio/loudness'
import { prepareStimulus, type PrepareOptions } from '../../../../src/shared/audio/prepare'
import type { PcmAudio } from '../../../../src/shared/audio/types'
import { EntrainError } from '../../../../src/shared/errors'
import { decibels, sine, toneAmplitude } from '../../../support/tones'

const rate = 44_100

/** Sample i holds i/n: every sample says where it came from. */
function ramp(frames: number): Float32Array {
  return Float32Array.from({ length: frames }, (_, i) => i / frames)
}

function mono(samples: Float32Array, sampleRate = rate): PcmAudio {
  return { sampleRate, channels: [samples] }
}

function stereoTone(dbfs: number, seconds: number, sampleRate = rate): PcmAudio {
  const samples = sine(997, sampleRate, Math.round(seconds * sampleRate), 10 ** (dbfs / 20))
  return { sampleRate, channels: [samples, samples.slice()] }
}

const same: Pick<PrepareOptions, 'targetRate' | 'targetChannels'> = { targetRate: rate, targetChannels: 1 }

function rejection(run: () => unknown): EntrainError {
  try {
    run()
  } catch (error) {
    if (error instanceof EntrainError) return error
    throw error
  }
  throw new Error('expected an EntrainError')
}

describe('prepareStimulus', () => {
  describe('excerpt', () => {
    it('cuts [start, end) in seconds of the source', () => {
      const source = ramp(rate)
      const { audio } = prepareStimulus(mono(source), { ...same, excerpt: { start: 0.25, end: 0.5 } })
      expect(audio.channels[0]).toEqual(source.slice(11_025, 22_050))
    })

    it('runs to the end of the source when no end is given', () => {
      const source = ramp(rate)
      const { audio } = prepareStimulus(mono(source), { ...same, excerpt: { start: 0.75 } })
      expect(audio.channels[0]).toEqual(source.slice(33_075))
    })

    it.each([
      [{ start: 1.5 }, /excerpt start 1.5 s lies beyond the end of the audio \(1\.000 s\)/],
      [{ start: 0.5, end: 1.2 }, /excerpt end 1.2 s lies beyond the end/],
      [{ start: 0.5, end: 0.5 }, /excerpt end must come after its start/],
      [{ start: -1 }, /excerpt start must be a number of seconds ≥ 0/],
    ])('rejects an excerpt outside the audio: %o', (excerpt, message) => {
      const error = rejection(() => prepareStimulus(mono(ramp(rate)), { ...same, excerpt }))
      expect(error.code).toBe('INVALID_INPUT')
      expect(error.message).toMatch(message)
    })
  })

  describe('channels', () => {
    const left = ramp(100)
    const right = Float32Array.from({ length: 100 }, (_, i) => -i / 50)
    const surround = new Float32Array(100).fill(0.5)

    it('duplicates mono to stereo', () => {
      const { audio } = prepareStimulus(mono(left), { targetRate: rate, targetChannels: 2 })
      expect(audio.channels).toEqual([left, left])
      expect(audio.channels[0]).not.toBe(audio.channels[1])
    })

    it('averages stereo to mono', () => {
      const { audio } = prepareStimulus({ sampleRate: rate, channels: [left, right] }, same)
      expect(audio.channels).toEqual([left.map((value, i) => (value + right[i]!) / 2)])
    })

    it('keeps the first two of more channels, or averages those two for mono', () => {
      const sixChannels = { sampleRate: rate, channels: [left, right, surround, surround, surround, surround] }
      expect(prepareStimulus(sixChannels, { targetRate: rate, targetChannels: 2 }).audio.channels).toEqual([left, right])
      expect(prepareStimulus(sixChannels, same).audio.channels).toEqual([left.map((value, i) => (value + right[i]!) / 2)])
    })
  })

  it('resamples to the target rate, after cutting the excerpt', () => {
    const { audio } = prepareStimulus(stereoTone(-6, 1), { targetRate: 48_000, targetChannels: 2, excerpt: { start: 0.2, end: 0.7 } })
    expect(audio.sampleRate).toBe(48_000)
    expect(audio.channels[0]!.length).toBe(24_000)
    expect(decibels(toneAmplitude(audio.channels[1]!, 48_000, 997, 1000, 23_000))).toBeCloseTo(-6, 2)
  })

  describe('loudness and gain', () => {
    it('normalises to the target loudness and reports what it measured and applied', () => {
      const result = prepareStimulus(stereoTone(-20, 3), { targetRate: 48_000, targetChannels: 2, normalizeLufs: -23 })
      expect(result.loudnessLufs).toBeCloseTo(-20, 1)
      expect(result.appliedGainDb).toBeCloseTo(-3, 1)
      expect(integratedLoudness(result.audio)).toBeCloseTo(-23, 2)
      expect(result.clipped).toBe(false)
    })

    it('measures the excerpt, not the whole source', () => {
      const loud = stereoTone(-10, 2)
      const quiet = stereoTone(-30, 2)
      const source = { sampleRate: rate, channels: loud.channels.map((channel, c) => Float32Array.from([...channel, ...quiet.channels[c]!])) }
      const result = prepareStimulus(source, { targetRate: rate, targetChannels: 2, normalizeLufs: -20, excerpt: { start: 2 } })
      expect(result.loudnessLufs).toBeCloseTo(-30, 1)
      expect(result.appliedGainDb).toBeCloseTo(10, 1)
    })

    it('adds the gain after normalisation', () => {
      const result = prepareStimulus(stereoTone(-20, 3), { targetRate: rate, targetChannels: 2, normalizeLufs: -23, gainDb: 6 })
      expect(result.appliedGainDb).toBeCloseTo(3, 1)
      expect(integratedLoudness(result.audio)).toBeCloseTo(-17, 2)
    })

    it('applies the gain alone when there is no loudness target, and still reports the loudness', () => {
      const result = prepareStimulus(stereoTone(-20, 1), { targetRate: rate, targetChannels: 2, gainDb: -6, normalizeLufs: null })
      expect(result.appliedGainDb).toBe(-6)
      expect(result.loudnessLufs).toBeCloseTo(-20, 1)
      expect(decibels(peak(result.audio))).toBeCloseTo(-26, 2)
    })

    it('reports clipping without clipping', () => {
      const result = prepareStimulus(stereoTone(-1, 1), { targetRate: rate, targetChannels: 2, gainDb: 3 })
      expect(result.clipped).toBe(true)
      expect(decibels(peak(result.audio))).toBeCloseTo(2, 2)
      expect(prepareStimulus(stereoTone(-1, 1), { targetRate: rate, targetChannels: 2 }).clipped).toBe(false)
    })

    it('reports no loudness for silence, and refuses to normalise it', () => {
      const silence = mono(new Float32Array(rate))
      expect(prepareStimulus(silence, same).loudnessLufs).toBeNull()
      expect(rejection(() => prepareStimulus(silence, { ...same, normalizeLufs: -23 })).message).toMatch(/cannot normalise the loudness of audio that is silent or shorter than 0.4 s/)
    })
  })

  describe('fades', () => {
    const ones = (): PcmAudio => mono(new Float32Array(rate).fill(1))

    it('ramps in and out on a raised cosine from and to exactly zero', () => {
      const [samples] = prepareStimulus(ones(), { ...same, fadeIn: 0.1, fadeOut: 0.2 }).audio.channels as [Float32Array]
      const fadeIn = 4410
      const fadeOut = 8820
      expect(samples[0]).toBe(0)
      expect(samples[fadeIn / 2]).toBeCloseTo(0.5, 6)
      expect(samples[1000]).toBeCloseTo(0.5 - 0.5 * Math.cos((Math.PI * 1000) / fadeIn), 6)
      expect(samples[rate - 1 - 1000]).toBeCloseTo(0.5 - 0.5 * Math.cos((Math.PI * 1000) / fadeOut), 6)
      expect(samples[fadeIn]).toBe(1)
      expect(samples[rate - fadeOut - 1]).toBe(1)
      expect(samples[rate - 1 - fadeOut / 2]).toBeCloseTo(0.5, 6)
      expect(samples[rate - 1]).toBe(0)
    })

    it('comes after the gain, and is not counted in the loudness', () => {
      const result = prepareStimulus(stereoTone(-20, 2), { targetRate: rate, targetChannels: 2, normalizeLufs: -23, fadeIn: 0.5 })
      expect(result.appliedGainDb).toBeCloseTo(-3, 1)
      expect(result.audio.channels[0]![0]).toBe(0)
    })

    it('rejects fades longer than the excerpt or below zero', () => {
      expect(rejection(() => prepareStimulus(ones(), { ...same, fadeOut: 1.5 })).message).toMatch(/fade-out of 1.5 s is longer than the excerpt \(1\.000 s\)/)
      expect(rejection(() => prepareStimulus(ones(), { ...same, fadeIn: -0.1 })).message).toMatch(/fade-in must be a number of seconds ≥ 0/)
    })
  })

  it('leaves the caller’s audio untouched', () => {
    const source = stereoTone(-6, 1)
    const copy = source.channels.map((channel) => channel.slice())
    prepareStimulus(source, { targetRate: rate, targetChannels: 2, gainDb: 6, fadeIn: 0.1, fadeOut: 0.1 })
    prepareStimulus(mono(source.channels[0]!), { targetRate: rate, targetChannels: 2, gainDb: 6, fadeIn: 0.1 })
    expect(source.channels).toEqual(copy)
  })

  it.each<[string, PrepareOptions, RegExp]>([
    ['a zero target rate', { targetRate: 0, targetChannels: 2 }, /target rate must be a positive number/],
    ['three target channels', { targetRate: rate, targetChannels: 3 as 2 }, /target channels must be 1 or 2, got 3/],
    ['an infinite gain', { targetRate: rate, targetChannels: 2, gainDb: Infinity }, /gain must be a finite number of dB/],
    ['a loudness target of NaN', { targetRate: rate, targetChannels: 2, normalizeLufs: Number.NaN }, /loudness target must be a finite number/],
  ])('rejects %s', (_, options, message) => {
    const error = rejection(() => prepareStimulus(stereoTone(-6, 0.5), options))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toMatch(message)
  })
})
