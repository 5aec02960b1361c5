/**
 * Turns decoded audio into a stimulus ready for the output device: excerpt, channel mapping,
 * resampling to the device rate, loudness normalisation, gain and fades, in that order.
 */
import { EntrainError } from '../errors'
import { createResampler } from '../dsp/resample'
import { integratedLoudness } from './loudness'
import { frameCount, type PcmAudio } from './types'

export interface PrepareOptions {
  targetRate: number
  targetChannels: 1 | 2
  /** Gain in dB applied after loudness normalisation. Default 0. */
  gainDb?: number
  /** Integrated loudness (LUFS) to normalise the excerpt to; null or absent leaves the level alone. */
  normalizeLufs?: number | null
  /** Seconds of the source; `end` defaults to the end of the source. */
  excerpt?: { start: number; end?: number }
  /** Raised-cosine fade lengths in seconds. Default 0. */
  fadeIn?: number
  fadeOut?: number
}

export interface PreparedStimulus {
  audio: PcmAudio
  /** Normalisation gain plus gainDb. */
  appliedGainDb: number
  /**
   * Integrated loudness of the excerpt as mapped and resampled, before any gain; null when it has
   * none (silence, or shorter than one 400 ms gating block). The output's loudness is this plus
   * appliedGainDb, less whatever the fades take away.
   */
  loudnessLufs: number | null
  /** Whether any output sample exceeds full scale. Such samples are left as they are, not clipped. */
  clipped: boolean
}

function invalid(message: string): EntrainError {
  return new EntrainError('INVALID_INPUT', message)
}

function assertNonNegative(value: number, what: string): void {
  if (!(value >= 0) || !Number.isFinite(value)) throw invalid(`${what} must be a number of seconds ≥ 0, got ${value}`)
}

function validate(audio: PcmAudio, options: PrepareOptions): void {
  if (audio.channels.length === 0) throw invalid('the audio has no channels')
  if (!(options.targetRate > 0) || !Number.isFinite(options.targetRate)) throw invalid(`target rate must be a positive number, got ${options.targetRate}`)
  if (options.targetChannels !== 1 && options.targetChannels !== 2) throw invalid(`target channels must be 1 or 2, got ${String(options.targetChannels)}`)
  if (options.gainDb !== undefined && !Number.isFinite(options.gainDb)) throw invalid(`gain must be a finite number of dB, got ${options.gainDb}`)
  const target = options.normalizeLufs
  if (target !== undefined && target !== null && !Number.isFinite(target)) throw invalid(`loudness target must be a finite number of LUFS, got ${target}`)
  assertNonNegative(options.fadeIn ?? 0, 'fade-in')
  assertNonNegative(options.fadeOut ?? 0, 'fade-out')
}

function cutExcerpt(audio: PcmAudio, excerpt: PrepareOptions['excerpt']): PcmAudio {
  if (excerpt === undefined) return audio
  const { start, end } = excerpt
  const total = frameCount(audio)
  const duration = total / audio.sampleRate
  assertNonNegative(start, 'excerpt start')
  if (end !== undefined && !(end > start && Number.isFinite(end))) throw invalid(`excerpt end must come after its start (${start} s), got ${end}`)
  const first = Math.round(start * audio.sampleRate)
  const last = end === undefined ? total : Math.round(end * audio.sampleRate)
  if (first >= total) throw invalid(`excerpt start ${start} s lies beyond the end of the audio (${duration.toFixed(3)} s)`)
  if (last > total) throw invalid(`excerpt end ${end} s lies beyond the end of the audio (${duration.toFixed(3)} s)`)
  return { sampleRate: audio.sampleRate, channels: audio.channels.map((samples) => samples.slice(first, last)) }
}

function average(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((value, i) => (value + b[i]!) / 2)
}

/**
 * Mono is duplicated to stereo. From two or more channels, the first two (left and right) are
 * kept, or averaged for mono: further channels (centre, LFE, surrounds) are not mixed in.
 */
function mapChannels(channels: Float32Array[], target: 1 | 2): Float32Array[] {
  const [left, right] = channels as [Float32Array, Float32Array | undefined]
  if (right === undefined) return target === 1 ? [left] : [left, left]
  return target === 1 ? [average(left, right)] : [left, right]
}

/** Resamples each distinct channel once: a mono source mapped to stereo is converted once and copied. */
function resampleChannels(channels: Float32Array[], fromRate: number, toRate: number): Float32Array[] {
  const resampler = createResampler(fromRate, toRate)
  const converted = new Map<Float32Array, Float32Array>()
  return channels.map((samples) => {
    const done = converted.get(samples)
    if (done !== undefined) return done.slice()
    const output = resampler(samples)
    converted.set(samples, output)
    return output
  })
}

function decibelsToGain(db: number): number {
  return 10 ** (db / 20)
}

/**
 * Multiplies the first `frames` samples by a raised-cosine ramp rising from exactly 0, or the last
 * `frames` samples by the mirrored ramp that ends at exactly 0.
 */
function applyFade(samples: Float32Array, frames: number, at: 'start' | 'end'): void {
  for (let i = 0; i < frames; i++) {
    const gain = 0.5 - 0.5 * Math.cos((Math.PI * i) / frames)
    const index = at === 'start' ? i : samples.length - 1 - i
    samples[index] = samples[index]! * gain
  }
}

function fadeFrames(seconds: number, rate: number, total: number, what: string): number {
  const frames = Math.round(seconds * rate)
  if (frames > total) throw invalid(`${what} of ${seconds} s is longer than the excerpt (${(total / rate).toFixed(3)} s)`)
  return frames
}

function exceedsFullScale(channels: Float32Array[]): boolean {
  return channels.some((samples) => samples.some((value) => Math.abs(value) > 1))
}

export function prepareStimulus(audio: PcmAudio, options: PrepareOptions): PreparedStimulus {
  validate(audio, options)
  const excerpt = cutExcerpt(audio, options.excerpt)
  // The resampler always returns new arrays (a copy at equal rates), so the steps below never
  // write into the caller's audio.
  const channels = resampleChannels(mapChannels(excerpt.channels, options.targetChannels), excerpt.sampleRate, options.targetRate)
  const prepared: PcmAudio = { sampleRate: options.targetRate, channels }

  const measured = integratedLoudness(prepared)
  const loudnessLufs = Number.isFinite(measured) ? measured : null
  const target = options.normalizeLufs ?? null
  if (target !== null && loudnessLufs === null) {
    throw invalid('cannot normalise the loudness of audio that is silent or shorter than 0.4 s')
  }
  const appliedGainDb = (target === null || loudnessLufs === null ? 0 : target - loudnessLufs) + (options.gainDb ?? 0)
  const gain = decibelsToGain(appliedGainDb)
  const total = frameCount(prepared)
  const fadeIn = fadeFrames(options.fadeIn ?? 0, options.targetRate, total, 'fade-in')
  const fadeOut = fadeFrames(options.fadeOut ?? 0, options.targetRate, total, 'fade-out')
  for (const samples of prepared.channels) {
    for (let i = 0; i < samples.length; i++) samples[i] = samples[i]! * gain
    applyFade(samples, fadeIn, 'start')
    applyFade(samples, fadeOut, 'end')
  }
  return { audio: prepared, appliedGainDb, loudnessLufs, clipped: exceedsFullScale(prepared.channels) }
}
