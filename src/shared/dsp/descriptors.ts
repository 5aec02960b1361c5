/**
 * Hand-crafted audio descriptors of a whole track, the retrieval evaluation's local baseline in the
 * spirit of Spotify's audio features (which cannot be computed for a lab's own files): timbre (MFCC
 * means and deviations), brightness (spectral centroid and roll-off), change (spectral flux),
 * harmony (chroma), tempo, loudness and dynamics. Computed on mono audio at 22 050 Hz in frames of
 * 2048 samples every 512 (93 ms, 23 ms), the usual music-information-retrieval framing.
 */
import { integratedLoudness } from '../audio/loudness'
import { RealFft } from './fft'
import { melFilters } from './mel'
import { resample } from './resample'

export const descriptorRate = 22_050
const frameSize = 2048
const hop = 512
const melBands = 40
const mfccCount = 20
/** Frames quieter than this (RMS, full scale 1) are silence and left out of the spectral statistics. */
const silence = 1e-4
const pitchClasses = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B']

export const audioDescriptorNames: readonly string[] = [
  ...Array.from({ length: mfccCount }, (_, index) => `mfcc${index + 1}_mean`),
  ...Array.from({ length: mfccCount }, (_, index) => `mfcc${index + 1}_sd`),
  'centroid_mean_hz',
  'centroid_sd_hz',
  'rolloff_mean_hz',
  'rolloff_sd_hz',
  'flux_mean',
  'flux_sd',
  ...pitchClasses.map((name) => `chroma_${name}`),
  'tempo_bpm',
  'loudness_lufs',
  'rms_mean_db',
  'rms_sd_db',
  'zero_crossing_rate',
]

/** The bins' pitch classes (C = 0), −1 outside the range where pitch is meaningful (A0 … about C8). */
function binPitchClasses(): Int8Array {
  return Int8Array.from({ length: frameSize / 2 + 1 }, (_, bin) => {
    const hertz = (bin * descriptorRate) / frameSize
    if (hertz < 27.5 || hertz > 4200) return -1
    return (((Math.round(12 * Math.log2(hertz / 440)) + 9) % 12) + 12) % 12
  })
}

class Moments {
  private count = 0
  private sum = 0
  private squares = 0
  add(value: number) {
    this.count++
    this.sum += value
    this.squares += value * value
  }
  get mean() {
    return this.sum / this.count
  }
  get sd() {
    return this.count > 1 ? Math.sqrt(Math.max(0, (this.squares - (this.sum * this.sum) / this.count) / (this.count - 1))) : 0
  }
}

/**
 * Tempo in BPM from an onset-strength envelope (frames per second `rate`): the autocorrelation's
 * strongest lag between 40 and 240 BPM, weighted by a log-normal preference centred on 120 BPM one
 * octave wide (as most tempo estimators do, so that a beat is not mistaken for half or double
 * itself), refined by a parabola through the peak and its neighbours.
 */
export function estimateTempo(envelope: Float64Array, rate: number): number {
  const mean = envelope.reduce((sum, value) => sum + value, 0) / envelope.length
  const centred = Float64Array.from(envelope, (value) => value - mean)
  const shortest = Math.floor((rate * 60) / 240)
  const longest = Math.min(centred.length - 1, Math.ceil((rate * 60) / 40))
  if (longest <= shortest + 1) return 0
  const correlation = new Float64Array(longest + 2)
  for (let lag = shortest - 1; lag <= longest + 1; lag++) {
    let sum = 0
    for (let t = lag; t < centred.length; t++) sum += centred[t]! * centred[t - lag]!
    correlation[lag] = sum
  }
  const preference = (lag: number) => Math.exp(-0.5 * Math.log2((rate * 60) / lag / 120) ** 2)
  let best = -1
  for (let lag = shortest; lag <= longest; lag++) if (best < 0 || correlation[lag]! * preference(lag) > correlation[best]! * preference(best)) best = lag
  if (correlation[best]! <= 0) return 0
  const [left, middle, right] = [correlation[best - 1]!, correlation[best]!, correlation[best + 1]!]
  const curvature = left - 2 * middle + right
  const offset = curvature < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (left - right)) / curvature)) : 0
  return (rate * 60) / (best + offset)
}

/**
 * The descriptor vector (in the order of audioDescriptorNames) of mono samples at any rate. Fails
 * on audio shorter than one frame or entirely silent: it has no timbre to describe.
 */
export function audioDescriptors(samples: Float32Array, sampleRate: number): Float64Array {
  const signal = sampleRate === descriptorRate ? samples : resample(samples, sampleRate, descriptorRate, { halfLength: 16 })
  if (signal.length < frameSize) throw new RangeError(`the audio lasts ${(samples.length / sampleRate).toFixed(3)} s; descriptors need at least ${(frameSize / descriptorRate).toFixed(3)} s`)
  const transform = new RealFft(frameSize)
  const window = Float64Array.from({ length: frameSize }, (_, index) => 0.5 - 0.5 * Math.cos((2 * Math.PI * index) / frameSize))
  const filters = melFilters({ frameSize, hop, mels: melBands, minHz: 0, maxHz: descriptorRate / 2, floor: 1e-10 }, descriptorRate)
  const pitchClass = binPitchClasses()
  const bins = transform.binCount
  const frame = new Float64Array(frameSize)
  const re = new Float64Array(bins)
  const im = new Float64Array(bins)
  const magnitude = new Float64Array(bins)
  const previousLog = new Float64Array(bins)
  const logMel = new Float64Array(melBands)
  const mfcc = Array.from({ length: mfccCount }, () => new Moments())
  const [centroid, rolloff, flux, rmsDb] = [new Moments(), new Moments(), new Moments(), new Moments()]
  const chroma = new Float64Array(12)
  const frameChroma = new Float64Array(12)
  const frames = Math.floor((signal.length - frameSize) / hop) + 1
  const envelope = new Float64Array(frames)
  let crossings = 0
  let voiced = 0
  for (let index = 1; index < signal.length; index++) if (signal[index - 1]! < 0 !== signal[index]! < 0) crossings++

  for (let f = 0; f < frames; f++) {
    const start = f * hop
    let energy = 0
    for (let i = 0; i < frameSize; i++) {
      const value = signal[start + i]!
      energy += value * value
      frame[i] = value * window[i]!
    }
    const rms = Math.sqrt(energy / frameSize)
    rmsDb.add(20 * Math.log10(Math.max(rms, silence)))
    transform.transform(frame, re, im)
    let magnitudeSum = 0
    let weightedHertz = 0
    let onset = 0
    for (let k = 0; k < bins; k++) {
      const value = Math.hypot(re[k]!, im[k]!)
      magnitude[k] = value
      magnitudeSum += value
      weightedHertz += value * ((k * descriptorRate) / frameSize)
      // Log-compressed positive flux: onsets of quiet notes count as well as loud ones.
      const logValue = Math.log1p(100 * value)
      if (f > 0) onset += Math.max(0, logValue - previousLog[k]!)
      previousLog[k] = logValue
    }
    envelope[f] = onset
    if (rms < silence) continue
    voiced++
    flux.add(onset / bins)
    centroid.add(weightedHertz / magnitudeSum)
    let cumulative = 0
    let rollBin = bins - 1
    for (let k = 0; k < bins; k++) {
      cumulative += magnitude[k]!
      if (cumulative >= 0.85 * magnitudeSum) {
        rollBin = k
        break
      }
    }
    rolloff.add((rollBin * descriptorRate) / frameSize)
    filters.forEach(({ first, weights }, band) => {
      let sum = 0
      for (let offset = 0; offset < weights.length; offset++) sum += weights[offset]! * magnitude[first + offset]! ** 2
      logMel[band] = Math.log(sum + 1e-10)
    })
    // Orthonormal DCT-II of the log mel energies.
    for (let c = 0; c < mfccCount; c++) {
      let sum = 0
      for (let band = 0; band < melBands; band++) sum += logMel[band]! * Math.cos((Math.PI * c * (band + 0.5)) / melBands)
      mfcc[c]!.add(sum * Math.sqrt((c === 0 ? 1 : 2) / melBands))
    }
    frameChroma.fill(0)
    for (let k = 0; k < bins; k++) if (pitchClass[k]! >= 0) frameChroma[pitchClass[k]!]! += magnitude[k]! ** 2
    const strongest = Math.max(...frameChroma)
    if (strongest > 0) for (let pc = 0; pc < 12; pc++) chroma[pc]! += frameChroma[pc]! / strongest
  }
  if (voiced === 0) throw new RangeError('the audio is silent; descriptors need sound')
  const loudness = integratedLoudness({ sampleRate: descriptorRate, channels: [signal] })
  return Float64Array.from([
    ...mfcc.map((moments) => moments.mean),
    ...mfcc.map((moments) => moments.sd),
    centroid.mean,
    centroid.sd,
    rolloff.mean,
    rolloff.sd,
    flux.mean,
    flux.sd,
    ...Array.from(chroma, (value) => value / voiced),
    estimateTempo(envelope, descriptorRate / hop),
    Math.max(loudness, -70),
    rmsDb.mean,
    rmsDb.sd,
    crossings / signal.length,
  ])
}
