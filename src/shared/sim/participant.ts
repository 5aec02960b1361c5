/**
 * The simulated participant: EEG that responds to the music, with a known truth to check training
 * against. docs/simulated-participant.md describes the model; in short:
 *
 *   f(t)  audio features at the EEG rate: log amplitude envelope, spectral flux, spectral balance,
 *         each standardised over the stimulus;
 *   s(t)  J neural components, s_j(t) = Σ_k Σ_τ h_jk(τ) f_k(t − τ), with temporal response
 *         functions h made of bumps at auditory latencies (50–250 ms), scaled to unit variance;
 *   y(t)  = G s(t) + n(t): the components projected to the electrodes by a smooth scalp pattern
 *         G (µV), over the background EEG n of createEegSimulator.
 *
 * Because s is a fixed function of the audio, the canonical correlations between (features of the
 * audio) and y can at best reach those between s and y: with Cs the components' covariance and
 * Σy = G Cs Gᵀ + Σn, their squares are the eigenvalues of Cs^½ Gᵀ Σy⁻¹ G Cs^½.
 * `theoreticalCorrelations` computes them.
 */
import { fitCca } from '../cca'
import { add, crossCovariance, matrix, multiply, symmetricEigen, symmetricPower, transpose, type Matrix } from '../linalg'
import { electrodePosition } from './montage'
import { Random } from './random'
import type { ScaleSpec } from '../study/scales'
import { sessionSeed } from '../study/sequence'

export const featureNames = ['envelope', 'spectral flux', 'spectral balance'] as const

/** Audio features at the EEG rate (samples × 3), each standardised. */
export function audioFeatures(mono: Float32Array, audioRate: number, eegRate: number): Matrix {
  const hop = audioRate / eegRate
  const frames = Math.floor(mono.length / hop)
  const features = matrix(frames, featureNames.length)
  let previousLow = 0
  let previousHigh = 0
  let low = 0
  for (let frame = 0; frame < frames; frame++) {
    const start = Math.floor(frame * hop)
    const end = Math.floor((frame + 1) * hop)
    let energy = 0
    let lowEnergy = 0
    for (let index = start; index < end; index++) {
      const value = mono[index]!
      // A one-pole low-pass splits the signal into low and high parts (cut-off about 500 Hz).
      low += (1 - Math.exp((-2 * Math.PI * 500) / audioRate)) * (value - low)
      energy += value * value
      lowEnergy += low * low
    }
    const highEnergy = Math.max(0, energy - lowEnergy)
    const lowLevel = Math.sqrt(lowEnergy / (end - start))
    const highLevel = Math.sqrt(highEnergy / (end - start))
    features.data[frame * 3] = Math.log(1e-4 + Math.sqrt(energy / (end - start)))
    features.data[frame * 3 + 1] = Math.max(0, lowLevel - previousLow) + Math.max(0, highLevel - previousHigh)
    features.data[frame * 3 + 2] = Math.log((1e-4 + highLevel) / (1e-4 + lowLevel))
    previousLow = lowLevel
    previousHigh = highLevel
  }
  return standardise(features)
}

function standardise(m: Matrix): Matrix {
  for (let j = 0; j < m.cols; j++) {
    let mean = 0
    for (let i = 0; i < m.rows; i++) mean += m.data[i * m.cols + j]!
    mean /= m.rows
    let variance = 0
    for (let i = 0; i < m.rows; i++) variance += (m.data[i * m.cols + j]! - mean) ** 2
    const sd = Math.sqrt(variance / Math.max(1, m.rows - 1)) || 1
    for (let i = 0; i < m.rows; i++) m.data[i * m.cols + j] = (m.data[i * m.cols + j]! - mean) / sd
  }
  return m
}

export interface ParticipantOptions {
  labels: string[]
  eegRate: number
  seed: number
  /** Neural components driven by the music (default 3). */
  components?: number
  /** Size of each component at the electrodes where it is strongest, µV (default 4). */
  microvolts?: number
}

export interface SimulatedParticipant {
  /** components × features × lags; lag l is l samples of delay. */
  kernels: Float64Array[][]
  /** channels × components, µV per unit of component. */
  mixing: Matrix
  /** Neural components (samples × J) for the audio features. */
  components(features: Matrix): Matrix
  /** The music-driven components at the electrodes, G s(t) (sample-major µV). */
  response(features: Matrix): Float32Array
  /** Adds the music-driven components to background EEG (sample-major µV, same length). */
  respond(features: Matrix, background: Float32Array): Float32Array
}

export function createParticipant(options: ParticipantOptions): SimulatedParticipant {
  const random = new Random(options.seed)
  const count = options.components ?? 3
  const lags = Math.round(0.3 * options.eegRate)
  const kernels = Array.from({ length: count }, (_, component) =>
    featureNames.map((_name, feature) => {
      // Two bumps of opposite sign at auditory latencies, like an N1–P2 pair. Each component
      // follows mainly one feature (envelope, flux, balance) so that the components carry
      // different information, as separate neural sources would.
      const weight = feature === component % featureNames.length ? 1 : 0.2
      const kernel = new Float64Array(lags)
      for (const sign of [-1, 1]) {
        const latency = (sign < 0 ? 0.05 + random.next() * 0.08 : 0.15 + random.next() * 0.1) * options.eegRate
        const width = (0.015 + random.next() * 0.02) * options.eegRate
        const amplitude = weight * sign * (0.3 + random.next())
        for (let lag = 0; lag < lags; lag++) kernel[lag]! += amplitude * Math.exp(-0.5 * ((lag - latency) / width) ** 2)
      }
      return kernel
    }),
  )
  // Smooth scalp patterns: each component peaks at a seeded point (fronto-central for the first).
  const microvolts = options.microvolts ?? 4
  const mixing = matrix(options.labels.length, count)
  for (let j = 0; j < count; j++) {
    const centre = j === 0 ? { x: 0, y: 0.25 } : { x: random.next() * 1.2 - 0.6, y: random.next() * 1.2 - 0.6 }
    options.labels.forEach((label, channel) => {
      const position = electrodePosition(label) ?? { x: 0, y: 0 }
      mixing.data[channel * count + j] = microvolts * Math.exp(-((position.x - centre.x) ** 2 + (position.y - centre.y) ** 2) / 0.5)
    })
  }

  const components = (features: Matrix): Matrix => {
    const result = matrix(features.rows, count)
    for (let j = 0; j < count; j++) {
      for (let t = 0; t < features.rows; t++) {
        let sum = 0
        for (let k = 0; k < features.cols; k++) {
          const kernel = kernels[j]![k]!
          for (let lag = 0; lag < lags && lag <= t; lag++) sum += kernel[lag]! * features.data[(t - lag) * features.cols + k]!
        }
        result.data[t * count + j] = sum
      }
    }
    return standardise(result)
  }

  /** The components at the electrodes, G s(t), sample-major µV. */
  const response = (features: Matrix): Float32Array => {
    const s = components(features)
    const channels = options.labels.length
    const out = new Float32Array(s.rows * channels)
    for (let t = 0; t < s.rows; t++) {
      for (let c = 0; c < channels; c++) {
        let sum = 0
        for (let j = 0; j < count; j++) sum += mixing.data[c * count + j]! * s.data[t * count + j]!
        out[t * channels + c] = sum
      }
    }
    return out
  }

  return {
    kernels,
    mixing,
    components,
    response,
    respond(features, background) {
      const evoked = response(features)
      if (background.length !== evoked.length) throw new RangeError(`background holds ${background.length / options.labels.length} samples, the audio ${features.rows}`)
      const out = Float32Array.from(background)
      for (let index = 0; index < out.length; index++) out[index]! += evoked[index]!
      return out
    },
  }
}

/**
 * The simulated participant's answer to a rating scale: a stable preference per stimulus and scale
 * (the same participant seed always gives the same answer), and a response time of 0.4–1.2 s.
 */
export function simulatedAnswer(spec: ScaleSpec, stimulus: string, seed: number): { value: number; responseSeconds: number } {
  const random = new Random(sessionSeed(seed, stimulus, 0) ^ sessionSeed(seed, spec.id, 1))
  const raw = spec.min + random.next() * (spec.max - spec.min)
  return { value: spec.discrete ? Math.round(raw) : raw, responseSeconds: 0.4 + 0.8 * random.next() }
}

/**
 * The canonical correlations between components of covariance `components` (J × J) and the EEG
 * they produce through `mixing` over noise of covariance `noise` (channels × channels):
 * √eig(Cs^½ Gᵀ (G Cs Gᵀ + Σn)⁻¹ G Cs^½), descending.
 */
export function theoreticalCorrelations(mixing: Matrix, components: Matrix, noise: Matrix): Float64Array {
  const inverse = symmetricPower(add(multiply(multiply(mixing, components), transpose(mixing)), noise), -1)
  const root = symmetricPower(components, 0.5)
  const { values } = symmetricEigen(multiply(multiply(multiply(multiply(root, transpose(mixing)), inverse), mixing), root))
  return values.map((value) => Math.sqrt(Math.max(0, Math.min(1, value))))
}

/** Canonical correlations between the components and EEG samples, as measured (for checks). */
export function measuredCorrelations(components: Matrix, eeg: Matrix): Float64Array {
  return fitCca(components, eeg, { ridge1: 1e-6, ridge2: 1e-6 }).correlations
}

/** Noise covariance of background EEG given sample-major (for theoreticalCorrelations). */
export function backgroundCovariance(background: Float32Array, channels: number): Matrix {
  const m = matrix(background.length / channels, channels, background)
  return crossCovariance(m, m)
}
