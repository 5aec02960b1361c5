/**
 * Programme loudness after ITU-R BS.1770-4 (as EBU R 128 uses it): K-weighting, mean square per
 * channel over 400 ms blocks overlapping by 75 %, channel weighting, an absolute gate at −70 LUFS
 * and a relative gate 10 LU below the loudness of the blocks that pass the absolute gate.
 */
import { FilterChain, type BiquadSection } from '../dsp/biquad'
import { frameCount, type PcmAudio } from './types'

/**
 * The two K-weighting stages for any sample rate. BS.1770 tabulates the coefficients for 48 kHz
 * only; these are the analogue prototypes they come from (a +4 dB high shelf around 1.7 kHz that
 * models the head, and a 38 Hz high-pass, the RLB curve), mapped by the bilinear transform with
 * pre-warping. At 48 kHz they reproduce the published coefficients to about 1e-8.
 */
export function kWeightingSections(sampleRate: number): BiquadSection[] {
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) throw new RangeError(`sample rate must be a positive number, got ${sampleRate}`)
  return [highShelf(sampleRate), revisedLowFrequencyB(sampleRate)]
}

function highShelf(sampleRate: number): BiquadSection {
  const k = Math.tan((Math.PI * 1681.974450955533) / sampleRate)
  const q = 0.7071752369554196
  const highGain = 10 ** (3.999843853973347 / 20)
  const bandGain = highGain ** 0.4996667741545416
  const a0 = 1 + k / q + k * k
  return {
    b0: (highGain + (bandGain * k) / q + k * k) / a0,
    b1: (2 * (k * k - highGain)) / a0,
    b2: (highGain - (bandGain * k) / q + k * k) / a0,
    a1: (2 * (k * k - 1)) / a0,
    a2: (1 - k / q + k * k) / a0,
  }
}

function revisedLowFrequencyB(sampleRate: number): BiquadSection {
  const k = Math.tan((Math.PI * 38.13547087602444) / sampleRate)
  const q = 0.5003270373238773
  const a0 = 1 + k / q + k * k
  // The numerator is left unnormalised (1, −2, 1), as in the standard's own table.
  return { b0: 1, b1: -2, b2: 1, a1: (2 * (k * k - 1)) / a0, a2: (1 - k / q + k * k) / a0 }
}

/**
 * BS.1770 channel weights: 1.0 for left, right and centre; a 5.1 file (WAV order L R C LFE Ls Rs)
 * leaves out the LFE channel and weighs the surrounds 1.41. Other layouts weigh every channel 1.0.
 */
function channelWeights(channelCount: number): number[] {
  return channelCount === 6 ? [1, 1, 1, 0, 1.41, 1.41] : Array.from({ length: channelCount }, () => 1)
}

const absoluteGateLufs = -70
const relativeGateLu = -10

function loudnessOf(weightedMeanSquare: number): number {
  return -0.691 + 10 * Math.log10(weightedMeanSquare)
}

/** Sums of K-weighted squares over consecutive 100 ms steps, weighted and summed over channels. */
function stepEnergies(audio: PcmAudio, stepFrames: number): Float64Array {
  const steps = Math.floor(frameCount(audio) / stepFrames)
  const energies = new Float64Array(steps)
  const weights = channelWeights(audio.channels.length)
  const sections = kWeightingSections(audio.sampleRate)
  audio.channels.forEach((samples, channel) => {
    const weight = weights[channel]!
    if (weight === 0) return
    const filtered = new FilterChain(sections, 1).process(samples)
    for (let step = 0; step < steps; step++) {
      let sum = 0
      for (let i = step * stepFrames, end = i + stepFrames; i < end; i++) sum += filtered[i]! * filtered[i]!
      energies[step] = energies[step]! + weight * sum
    }
  })
  return energies
}

/** Weighted mean squares of the 400 ms gating blocks, one every 100 ms. */
function blockPowers(audio: PcmAudio): number[] {
  // A block of exactly four steps keeps the 75 % overlap exact at any sample rate.
  const stepFrames = Math.round(0.1 * audio.sampleRate)
  const energies = stepEnergies(audio, stepFrames)
  const powers: number[] = []
  for (let block = 0; block + 4 <= energies.length; block++) {
    powers.push((energies[block]! + energies[block + 1]! + energies[block + 2]! + energies[block + 3]!) / (4 * stepFrames))
  }
  return powers
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length
}

/**
 * Integrated (gated) loudness in LUFS; −Infinity when no block passes the gates: silence, or audio
 * shorter than one 400 ms block.
 */
export function integratedLoudness(audio: PcmAudio): number {
  const aboveAbsolute = blockPowers(audio).filter((power) => loudnessOf(power) > absoluteGateLufs)
  if (aboveAbsolute.length === 0) return -Infinity
  const relativeGate = loudnessOf(mean(aboveAbsolute)) + relativeGateLu
  const gated = aboveAbsolute.filter((power) => loudnessOf(power) > relativeGate)
  return loudnessOf(mean(gated))
}

/** The sample peak: the largest |sample| of any channel, linear (1 = full scale). */
export function peak(audio: PcmAudio): number {
  let largest = 0
  for (const samples of audio.channels) {
    for (let i = 0; i < samples.length; i++) largest = Math.max(largest, Math.abs(samples[i]!))
  }
  return largest
}
