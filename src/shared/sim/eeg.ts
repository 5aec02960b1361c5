import { electrodePosition, type ScalpPosition } from './montage'
import { PinkNoiseBank } from './pink'
import { Random } from './random'

/**
 * A simulated EEG amplifier for demos and tests without hardware: 1/f background with spatial
 * correlation, posterior alpha, line noise and frontal blinks, all in µV. Each part draws from its
 * own random stream, sample by sample, so the output depends only on the seed and the sample
 * index, never on how next() is chunked.
 */

export interface EegSimulatorOptions {
  /** Channel labels; 10-20 / 10-10 labels get spatial structure, other labels are placed at Cz. */
  labels: readonly string[]
  sampleRate: number
  seed: number
  /** Mains frequency in Hz; default 50. Omitted if at or above Nyquist. */
  lineFrequency?: 50 | 60
  /** Mean blink rate; default 12 per minute; 0 disables blinks. Blinks are at least 0.6 s apart. */
  blinkRatePerMinute?: number
}

export interface EegSimulator {
  readonly labels: readonly string[]
  readonly sampleRate: number
  /** The next sampleCount samples of every channel: sample-major (all channels of sample 0, then of sample 1, …), in µV. */
  next(sampleCount: number): Float32Array
}

/** One part of the signal: adds its next `frames` samples into a sample-major buffer. */
interface Component {
  addTo(out: Float64Array, frames: number): void
}

export function createEegSimulator(options: EegSimulatorOptions): EegSimulator {
  const { sampleRate, seed, lineFrequency = 50, blinkRatePerMinute = 12 } = options
  const labels = [...options.labels]
  if (labels.length === 0) throw new RangeError('the simulator needs at least one channel')
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) throw new RangeError(`sample rate must be a positive number, got ${sampleRate}`)
  if (!(blinkRatePerMinute >= 0) || !Number.isFinite(blinkRatePerMinute)) {
    throw new RangeError(`blink rate must be ≥ 0 per minute, got ${blinkRatePerMinute}`)
  }
  const positions = labels.map((label) => electrodePosition(label) ?? { x: 0, y: 0 })
  const random = new Random(seed)
  const components: Component[] = [
    new Background(positions, sampleRate, random.fork()),
    new AlphaRhythm(positions, sampleRate, random.fork()),
    new LineNoise(positions.length, sampleRate, lineFrequency, random.fork()),
    new Blinks(positions, sampleRate, blinkRatePerMinute, random.fork()),
  ]
  let buffer = new Float64Array(0)
  return {
    labels,
    sampleRate,
    next(sampleCount: number): Float32Array {
      if (!Number.isInteger(sampleCount) || sampleCount < 0) throw new RangeError(`sample count must be a non-negative integer, got ${sampleCount}`)
      const length = sampleCount * labels.length
      if (buffer.length < length) buffer = new Float64Array(length)
      else buffer.fill(0, 0, length)
      for (const component of components) component.addTo(buffer, sampleCount)
      return new Float32Array(buffer.subarray(0, length))
    },
  }
}

function distance(a: ScalpPosition, b: ScalpPosition): number {
  return Math.hypot(a.x - b.x, a.y - b.y)
}

/** Uniform in [low, high). */
function between(random: Random, low: number, high: number): number {
  return low + (high - low) * random.next()
}

/** Coefficient and input gain of a first-order low-pass that keeps unit-variance white noise at unit variance. */
function unitVarianceLowpass(corner: number, sampleRate: number): { pole: number; gain: number } {
  const pole = Math.exp((-2 * Math.PI * corner) / sampleRate)
  return { pole, gain: Math.sqrt(1 - pole * pole) }
}

/**
 * Latent 1/f sources on a 3 × 3 grid over the scalp: channels near the same sources share their
 * activity, as volume conduction makes neighbouring electrodes correlate.
 */
const latentSites: readonly ScalpPosition[] = [-0.6, 0, 0.6].flatMap((y) => [-0.6, 0, 0.6].map((x) => ({ x, y })))
const latentSpread = 0.5
/** Fraction of each channel's background variance that comes from the latent sources. */
const sharedFraction = 0.6
/** Amplifier and electrode noise, white at 0.01 µV²/Hz (about 1 µV RMS over 0–100 Hz). */
const amplifierNoiseDensity = 0.01

class Background implements Component {
  private readonly channelCount: number
  private readonly random: Random
  private readonly latent: PinkNoiseBank
  private readonly own: PinkNoiseBank
  private readonly latentValues: Float64Array
  private readonly ownValues: Float64Array
  /** mixing[channel·latentSites + site], in µV. */
  private readonly mixing: Float64Array
  private readonly ownGains: Float64Array
  private readonly amplifierNoise: number

  constructor(positions: readonly ScalpPosition[], sampleRate: number, random: Random) {
    this.channelCount = positions.length
    this.random = random
    this.latent = new PinkNoiseBank(latentSites.length, sampleRate, random)
    this.own = new PinkNoiseBank(positions.length, sampleRate, random)
    this.latentValues = new Float64Array(latentSites.length)
    this.ownValues = new Float64Array(positions.length)
    this.mixing = new Float64Array(positions.length * latentSites.length)
    this.ownGains = new Float64Array(positions.length)
    positions.forEach((position, channel) => {
      const rms = between(random, 12, 18)
      const weights = latentSites.map((site) => Math.exp(-(distance(position, site) ** 2) / (2 * latentSpread ** 2)))
      // Unit-norm weights over independent unit-variance sources give the shared part a known variance.
      const norm = Math.hypot(...weights)
      weights.forEach((weight, site) => (this.mixing[channel * latentSites.length + site] = (rms * Math.sqrt(sharedFraction) * weight) / norm))
      this.ownGains[channel] = rms * Math.sqrt(1 - sharedFraction)
    })
    this.amplifierNoise = Math.sqrt((amplifierNoiseDensity * sampleRate) / 2)
  }

  addTo(out: Float64Array, frames: number): void {
    const { channelCount, random, latentValues, ownValues, mixing, ownGains, amplifierNoise } = this
    const sites = latentValues.length
    for (let i = 0, o = 0; i < frames; i++) {
      this.latent.step(latentValues)
      this.own.step(ownValues)
      for (let c = 0; c < channelCount; c++, o++) {
        let value = ownGains[c]! * ownValues[c]! + amplifierNoise * random.normal()
        for (let s = 0, m = c * sites; s < sites; s++, m++) value += mixing[m]! * latentValues[s]!
        out[o] = out[o]! + value
      }
    }
  }
}

/** Left and right occipital alpha generators. */
const alphaSites: readonly ScalpPosition[] = [
  { x: -0.3, y: -0.85 },
  { x: 0.3, y: -0.85 },
]
const alphaSpread = 0.5
/** Alpha reaching the rest of the head by volume conduction, relative to the peak. */
const alphaFloor = 0.1
/** Waxing and waning over a few seconds. */
const alphaEnvelopeCorner = 0.3
const alphaEnvelopeDepth = 0.7
/** The instantaneous frequency wanders slowly by about ±0.3 Hz, which widens the peak as in real data. */
const alphaDriftCorner = 0.1
const alphaDriftHz = 0.3

class AlphaRhythm implements Component {
  private readonly channelCount: number
  private readonly sampleRate: number
  private readonly random: Random
  private readonly peakFrequency: number
  /** weights[channel·2 + source], in µV. */
  private readonly weights: Float64Array
  private readonly envelope: { pole: number; gain: number }
  private readonly drift: { pole: number; gain: number }
  private readonly phases: Float64Array
  private readonly envelopes: Float64Array
  private readonly drifts: Float64Array
  private readonly values = new Float64Array(alphaSites.length)

  constructor(positions: readonly ScalpPosition[], sampleRate: number, random: Random) {
    this.channelCount = positions.length
    this.sampleRate = sampleRate
    this.random = random
    this.peakFrequency = between(random, 9, 11)
    const amplitude = between(random, 10, 16)
    this.weights = new Float64Array(positions.length * alphaSites.length)
    positions.forEach((position, channel) =>
      alphaSites.forEach((site, source) => {
        const reach = Math.exp(-(distance(position, site) ** 2) / (2 * alphaSpread ** 2))
        this.weights[channel * alphaSites.length + source] = amplitude * (alphaFloor + (1 - alphaFloor) * reach)
      }),
    )
    this.envelope = unitVarianceLowpass(alphaEnvelopeCorner, sampleRate)
    this.drift = unitVarianceLowpass(alphaDriftCorner, sampleRate)
    this.phases = Float64Array.from(alphaSites, () => between(random, 0, 2 * Math.PI))
    this.envelopes = Float64Array.from(alphaSites, () => random.normal())
    this.drifts = Float64Array.from(alphaSites, () => random.normal())
  }

  addTo(out: Float64Array, frames: number): void {
    const { channelCount, random, weights, phases, envelopes, drifts, values, envelope, drift } = this
    const sources = values.length
    const radiansPerHz = (2 * Math.PI) / this.sampleRate
    for (let i = 0, o = 0; i < frames; i++) {
      for (let s = 0; s < sources; s++) {
        envelopes[s] = envelope.pole * envelopes[s]! + envelope.gain * random.normal()
        drifts[s] = drift.pole * drifts[s]! + drift.gain * random.normal()
        let phase = phases[s]! + radiansPerHz * (this.peakFrequency + alphaDriftHz * drifts[s]!)
        if (phase > 2 * Math.PI) phase -= 2 * Math.PI
        phases[s] = phase
        values[s] = Math.max(0, 1 + alphaEnvelopeDepth * envelopes[s]!) * Math.sin(phase)
      }
      for (let c = 0; c < channelCount; c++, o++) {
        let value = 0
        for (let s = 0; s < sources; s++) value += weights[c * sources + s]! * values[s]!
        out[o] = out[o]! + value
      }
    }
  }
}

/** Mains interference: the fundamental and a weaker third harmonic, as rectifier loads produce. */
const lineHarmonics = [
  { multiple: 1, relativeAmplitude: 1 },
  { multiple: 3, relativeAmplitude: 0.15 },
]

class LineNoise implements Component {
  private readonly channelCount: number
  private readonly harmonics: readonly number[]
  /** coefficients[(channel·harmonics + h)·2 …] multiply cos and sin of harmonic h, in µV. */
  private readonly coefficients: Float64Array
  private readonly basis: Float64Array
  private readonly phaseStep: number
  private phase = 0

  constructor(channelCount: number, sampleRate: number, frequency: number, random: Random) {
    this.channelCount = channelCount
    const audible = lineHarmonics.filter(({ multiple }) => multiple * frequency < sampleRate / 2)
    this.harmonics = audible.map(({ multiple }) => multiple)
    this.basis = new Float64Array(2 * audible.length)
    this.phaseStep = (2 * Math.PI * frequency) / sampleRate
    this.coefficients = new Float64Array(channelCount * audible.length * 2)
    // Every channel picks up the same field, with its own coupling: a few µV and a slightly different phase.
    const amplitude = between(random, 3, 5)
    const phase = between(random, 0, 2 * Math.PI)
    for (let c = 0; c < channelCount; c++) {
      const gain = amplitude * between(random, 0.6, 1.4)
      const shift = phase + between(random, -0.3, 0.3)
      audible.forEach(({ multiple, relativeAmplitude }, h) => {
        const k = (c * audible.length + h) * 2
        this.coefficients[k] = gain * relativeAmplitude * Math.cos(multiple * shift)
        this.coefficients[k + 1] = gain * relativeAmplitude * Math.sin(multiple * shift)
      })
    }
  }

  addTo(out: Float64Array, frames: number): void {
    const { channelCount, harmonics, coefficients, basis } = this
    const terms = basis.length
    if (terms === 0) return
    for (let i = 0, o = 0; i < frames; i++) {
      this.phase += this.phaseStep
      if (this.phase > 2 * Math.PI) this.phase -= 2 * Math.PI
      for (let h = 0; h < harmonics.length; h++) {
        basis[2 * h] = Math.cos(harmonics[h]! * this.phase)
        basis[2 * h + 1] = Math.sin(harmonics[h]! * this.phase)
      }
      for (let c = 0; c < channelCount; c++, o++) {
        let value = 0
        for (let t = 0, k = c * terms; t < terms; t++, k++) value += coefficients[k]! * basis[t]!
        out[o] = out[o]! + value
      }
    }
  }
}

/** The eyes, just in front of Fp1/Fp2: a blink is a dipole there, seen mostly by the frontal-most channels. */
const eyeSites: readonly ScalpPosition[] = [
  { x: -0.3, y: 1.2 },
  { x: 0.3, y: 1.2 },
]
const blinkDecayLength = 0.35
const blinkMinimumGap = 0.6

function blinkReach(position: ScalpPosition): number {
  return eyeSites.reduce((sum, eye) => sum + Math.exp(-distance(position, eye) / blinkDecayLength), 0)
}

class Blinks implements Component {
  private readonly channelCount: number
  private readonly sampleRate: number
  private readonly random: Random
  /** Per channel, relative to Fp1 (1 there, about 0.35 at Fz, under 0.01 at Oz). */
  private readonly weights: Float64Array
  private readonly meanExtraGap: number
  private samplesUntilNext: number
  private blinkLength = 0
  private blinkPosition = 0
  private blinkAmplitude = 0

  constructor(positions: readonly ScalpPosition[], sampleRate: number, ratePerMinute: number, random: Random) {
    this.channelCount = positions.length
    this.sampleRate = sampleRate
    this.random = random
    const reference = blinkReach(electrodePosition('Fp1')!)
    this.weights = Float64Array.from(positions, (position) => blinkReach(position) / reference)
    this.meanExtraGap = Math.max(60 / ratePerMinute - blinkMinimumGap, 0.1)
    this.samplesUntilNext = ratePerMinute > 0 ? this.drawGap() : Infinity
  }

  addTo(out: Float64Array, frames: number): void {
    const { channelCount, weights } = this
    for (let i = 0; i < frames; i++) {
      if (--this.samplesUntilNext <= 0) this.startBlink()
      if (this.blinkLength === 0) continue
      const value = this.blinkAmplitude * blinkShape(this.blinkPosition / this.blinkLength)
      for (let c = 0, o = i * channelCount; c < channelCount; c++, o++) out[o] = out[o]! + weights[c]! * value
      if (++this.blinkPosition >= this.blinkLength) this.blinkLength = 0
    }
  }

  /** Gaps are the minimum plus an exponential wait, so blinks are a Poisson process with a refractory period. */
  private drawGap(): number {
    return Math.round((blinkMinimumGap - this.meanExtraGap * Math.log(1 - this.random.next())) * this.sampleRate)
  }

  private startBlink(): void {
    this.blinkLength = Math.max(1, Math.round(between(this.random, 0.3, 0.4) * this.sampleRate))
    this.blinkPosition = 0
    this.blinkAmplitude = between(this.random, 100, 200)
    this.samplesUntilNext = this.drawGap()
  }
}

/** A bump over t ∈ [0, 1] peaking at 1 near t = 0.4: the lid closes faster than it opens. */
function blinkShape(t: number): number {
  const s = Math.sin(Math.PI * t ** 0.75)
  return s * s
}
