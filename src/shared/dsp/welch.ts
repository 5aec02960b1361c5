import { largestPowerOfTwoAtMost, nextPowerOfTwo, RealFft } from './fft'

export interface WelchOptions {
  /**
   * Samples per segment. Default: the largest power of two ≤ min(signal length, 2·sampleRate),
   * i.e. 1–2 s segments and a resolution of 0.5–1 Hz. Longer than the signal means the whole
   * signal. Any length ≥ 2 works; segments that are not a power of two are zero-padded to the next
   * one, which only makes the frequency grid finer.
   */
  segmentLength?: number
  /** Overlap of consecutive segments as a fraction of the segment length, in [0, 1). Default 0.5. */
  overlap?: number
}

export interface PowerSpectrum {
  /** Bin frequencies in Hz, 0 … sampleRate/2. */
  frequencies: Float64Array
  /** One-sided power spectral density in units²/Hz. */
  power: Float64Array
}

/**
 * Welch's averaged periodogram with a periodic Hann window, constant detrending per segment and
 * density scaling, as scipy.signal.welch with its defaults: the sum of power × bin width equals
 * the signal's variance.
 */
export function welchPsd(signal: ArrayLike<number>, sampleRate: number, options: WelchOptions = {}): PowerSpectrum {
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) throw new RangeError(`sample rate must be a positive number, got ${sampleRate}`)
  if (signal.length < 2) throw new RangeError(`Welch PSD needs at least 2 samples, got ${signal.length}`)
  const segmentLength = resolveSegmentLength(signal.length, sampleRate, options.segmentLength)
  const step = Math.max(1, segmentLength - Math.round(resolveOverlap(options.overlap) * segmentLength))
  const transform = new RealFft(nextPowerOfTwo(segmentLength))
  const window = periodicHann(segmentLength)
  const power = new Float64Array(transform.binCount)
  let segments = 0
  const segment = new Float64Array(transform.size)
  const re = new Float64Array(transform.binCount)
  const im = new Float64Array(transform.binCount)
  for (let start = 0; start + segmentLength <= signal.length; start += step) {
    windowSegment(signal, start, window, segment)
    transform.transform(segment, re, im)
    for (let k = 0; k < power.length; k++) power[k] = power[k]! + re[k]! * re[k]! + im[k]! * im[k]!
    segments++
  }
  scaleToOneSidedDensity(power, sampleRate * sumOfSquares(window) * segments)
  const frequencies = new Float64Array(power.length)
  for (let k = 0; k < frequencies.length; k++) frequencies[k] = (k * sampleRate) / transform.size
  return { frequencies, power }
}

function resolveSegmentLength(signalLength: number, sampleRate: number, requested: number | undefined): number {
  if (requested === undefined) return largestPowerOfTwoAtMost(Math.max(2, Math.min(signalLength, 2 * sampleRate)))
  if (!Number.isInteger(requested) || requested < 2) throw new RangeError(`segment length must be an integer ≥ 2, got ${requested}`)
  return Math.min(requested, signalLength)
}

function resolveOverlap(overlap: number | undefined): number {
  if (overlap === undefined) return 0.5
  if (!(overlap >= 0 && overlap < 1)) throw new RangeError(`overlap must be a fraction in [0, 1), got ${overlap}`)
  return overlap
}

/** Periodic (not symmetric) Hann, as scipy's get_window('hann', n) that welch uses. */
function periodicHann(length: number): Float64Array {
  const window = new Float64Array(length)
  for (let i = 0; i < length; i++) window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / length)
  return window
}

function sumOfSquares(values: Float64Array): number {
  let sum = 0
  for (let i = 0; i < values.length; i++) sum += values[i]! * values[i]!
  return sum
}

/** Writes the mean-removed, windowed segment into the start of `out`; the rest of `out` stays zero padding. */
function windowSegment(signal: ArrayLike<number>, start: number, window: Float64Array, out: Float64Array): void {
  let mean = 0
  for (let i = 0; i < window.length; i++) mean += signal[start + i]!
  mean /= window.length
  for (let i = 0; i < window.length; i++) out[i] = (signal[start + i]! - mean) * window[i]!
}

/** Folds the negative frequencies onto the positive ones: every bin but DC and Nyquist counts twice. */
function scaleToOneSidedDensity(power: Float64Array, normaliser: number): void {
  const nyquist = power.length - 1
  for (let k = 0; k < power.length; k++) power[k] = (power[k]! * (k === 0 || k === nyquist ? 1 : 2)) / normaliser
}
