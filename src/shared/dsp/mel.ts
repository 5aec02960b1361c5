/**
 * Log-mel spectrogram: the front end of the `fast` audio↔EEG preset, computed the same way in
 * training and in `entrain embed`. Hann-windowed frames without padding, power spectrum, triangular
 * filters equally spaced on the HTK mel scale (2595·log10(1 + f/700)), each filter's peak 1, then
 * the natural log of (energy + floor).
 */
import { RealFft } from './fft'

export interface LogMelSpec {
  /** Samples per frame (a power of two). */
  frameSize: number
  hop: number
  mels: number
  minHz: number
  /** Upper edge of the top filter; at most half the rate. */
  maxHz: number
  /** Added before the log, so that silence stays finite. */
  floor: number
}

export const defaultLogMel: LogMelSpec = { frameSize: 1024, hop: 512, mels: 64, minHz: 0, maxHz: 11_025, floor: 1e-6 }

export const hzToMel = (hz: number) => 2595 * Math.log10(1 + hz / 700)
export const melToHz = (mel: number) => 700 * (10 ** (mel / 2595) - 1)

/** Frames a signal of `samples` gives (0 when it is shorter than one frame). */
export function logMelFrames(samples: number, spec: LogMelSpec): number {
  return samples < spec.frameSize ? 0 : Math.floor((samples - spec.frameSize) / spec.hop) + 1
}

/** Why `spec` cannot run at `rate`, or null. */
export function logMelProblem(spec: LogMelSpec, rate: number): string | null {
  if (!(Number.isInteger(Math.log2(spec.frameSize)) && spec.frameSize >= 16)) return `the frame must be a power of two ≥ 16 samples, not ${spec.frameSize}`
  if (!(Number.isInteger(spec.hop) && spec.hop >= 1)) return `the hop must be a whole number of samples ≥ 1, not ${spec.hop}`
  if (!(Number.isInteger(spec.mels) && spec.mels >= 1)) return `the number of mel bands must be a whole number ≥ 1, not ${spec.mels}`
  if (!(spec.minHz >= 0 && spec.maxHz > spec.minHz && spec.maxHz <= rate / 2)) return `the mel bands must lie within 0–${rate / 2} Hz at ${rate} Hz, low edge below high (${spec.minHz}–${spec.maxHz} Hz)`
  if (!(spec.floor > 0)) return `the log floor must be positive, not ${spec.floor}`
  return null
}

/** The filters as (first bin, weights) per band, for FFT bins 0…frameSize/2 at `rate`. */
export function melFilters(spec: LogMelSpec, rate: number): { first: number; weights: Float64Array }[] {
  const bins = spec.frameSize / 2 + 1
  const binHz = rate / spec.frameSize
  const low = hzToMel(spec.minHz)
  const high = hzToMel(spec.maxHz)
  const edges = Array.from({ length: spec.mels + 2 }, (_, index) => melToHz(low + ((high - low) * index) / (spec.mels + 1)))
  return Array.from({ length: spec.mels }, (_, band) => {
    const [left, centre, right] = [edges[band]!, edges[band + 1]!, edges[band + 2]!]
    const first = Math.max(0, Math.ceil(left / binHz))
    const last = Math.min(bins - 1, Math.floor(right / binHz))
    const weights = new Float64Array(Math.max(0, last - first + 1))
    for (let bin = first; bin <= last; bin++) {
      const hz = bin * binHz
      weights[bin - first] = Math.max(0, hz <= centre ? (hz - left) / (centre - left) : (right - hz) / (right - centre))
    }
    return { first, weights }
  })
}

/** frames × mels, frame-major (one row of mel energies per frame), as float32. */
export function logMelSpectrogram(signal: Float32Array, rate: number, spec: LogMelSpec): Float32Array {
  const problem = logMelProblem(spec, rate)
  if (problem) throw new RangeError(problem)
  const frames = logMelFrames(signal.length, spec)
  const filters = melFilters(spec, rate)
  const fft = new RealFft(spec.frameSize)
  const window = Float64Array.from({ length: spec.frameSize }, (_, index) => 0.5 - 0.5 * Math.cos((2 * Math.PI * index) / spec.frameSize))
  const frame = new Float64Array(spec.frameSize)
  const re = new Float64Array(fft.binCount)
  const im = new Float64Array(fft.binCount)
  const power = new Float64Array(fft.binCount)
  const out = new Float32Array(frames * spec.mels)
  for (let index = 0; index < frames; index++) {
    const start = index * spec.hop
    for (let sample = 0; sample < spec.frameSize; sample++) frame[sample] = signal[start + sample]! * window[sample]!
    fft.transform(frame, re, im)
    for (let bin = 0; bin < power.length; bin++) power[bin] = re[bin]! * re[bin]! + im[bin]! * im[bin]!
    filters.forEach(({ first, weights }, band) => {
      let energy = 0
      for (let offset = 0; offset < weights.length; offset++) energy += weights[offset]! * power[first + offset]!
      out[index * spec.mels + band] = Math.log(energy + spec.floor)
    })
  }
  return out
}
