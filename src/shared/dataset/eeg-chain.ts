/**
 * The EEG preprocessing chain of the dataset builder. The paper's steps (REFERENCE §1: 49–51 Hz
 * band-stop, 0.5–49.5 Hz band-pass, 5th-order Butterworth, zero-phase; wavelet (db8) artifact
 * removal; per-channel min–max scaling to [−1, 1]; wavelet semblance denoising) and the usual
 * alternatives (average reference, resampling, z-scoring, robust z-scoring). Filters run on a whole
 * recording part, channel by channel, before epochs are cut, so that no epoch has filter edges; the
 * wavelet steps and scaling run per epoch (per song), as the paper does.
 */
import { bandpassSections, butterworthLowpassSections, filtfilt, notchSections, type BiquadSection } from '../dsp/biquad'
import { resample } from '../dsp/resample'
import { wavelet } from '../dsp/wavelet'
import { removeWaveletArtifacts, semblanceDenoise } from '../dsp/wavelet-denoise'

export interface EegChain {
  /** Mains band-stop centre (2 Hz wide, zero-phase); null: none. */
  lineHz: number | null
  /** Zero-phase Butterworth band-pass [low, high] Hz; null: none. */
  bandpass: [number, number] | null
  filterOrder: number
  reference: 'none' | 'average'
  /** EEG rate of the windows (resampled if the recording's differs); null: as recorded. */
  rate: number | null
  /** Per epoch, before scaling: detail coefficients beyond their level's mean ± k·sd zeroed, per channel; null: off. */
  artifacts: { wavelet: string; k: number } | null
  scaling: 'none' | 'minmax' | 'zscore' | 'robust'
  /**
   * Per epoch, after scaling: detail coefficients whose semblance with the other channels' mean,
   * over `window` neighbouring coefficients, is below `threshold` zeroed (src/shared/dsp/wavelet-denoise.ts); null: off.
   */
  semblance: { wavelet: string; threshold: number; window: number } | null
}

export const paperChain: EegChain = {
  lineHz: 50,
  bandpass: [0.5, 49.5],
  filterOrder: 5,
  reference: 'none',
  rate: 250,
  artifacts: { wavelet: 'db8', k: 5 },
  scaling: 'minmax',
  semblance: { wavelet: 'db8', threshold: 0.5, window: 3 },
}

function waveletProblem(name: string, step: string): string | null {
  try {
    wavelet(name)
    return null
  } catch (error) {
    return `${step}: ${(error as Error).message}`
  }
}

/** Why the chain cannot run at `rate` (on `channelCount` channels, when known), or null. */
export function chainProblem(chain: EegChain, rate: number, channelCount?: number): string | null {
  const nyquist = rate / 2
  if (chain.bandpass) {
    const [low, high] = chain.bandpass
    if (!(low >= 0 && high > low)) return `band-pass ${low}–${high} Hz: the high edge must be above the low edge, and both ≥ 0`
    if (high >= nyquist) return `band-pass high edge ${high} Hz must be below the Nyquist frequency ${nyquist} Hz of ${rate} Hz EEG`
  }
  if (chain.lineHz !== null && chain.lineHz + 1 >= nyquist) return `the ${chain.lineHz} Hz band-stop needs EEG faster than ${2 * (chain.lineHz + 1)} Hz`
  if (!Number.isInteger(chain.filterOrder) || chain.filterOrder < 1 || chain.filterOrder > 10) return `filter order must be a whole number from 1 to 10, not ${chain.filterOrder}`
  if (chain.rate !== null && !(chain.rate > 0)) return `the EEG rate must be positive, not ${chain.rate}`
  if (chain.artifacts) {
    const problem = waveletProblem(chain.artifacts.wavelet, 'wavelet artifact removal')
    if (problem) return problem
    if (!(chain.artifacts.k > 0 && Number.isFinite(chain.artifacts.k))) return `wavelet artifact removal: the threshold must be a positive number of standard deviations, not ${chain.artifacts.k}`
  }
  if (chain.semblance) {
    const { threshold, window } = chain.semblance
    const problem = waveletProblem(chain.semblance.wavelet, 'semblance denoising')
    if (problem) return problem
    if (!(threshold >= -1 && threshold <= 1)) return `semblance denoising: the threshold is a cosine and must lie in [−1, 1], not ${threshold}`
    if (!Number.isInteger(window) || window < 1 || window % 2 === 0) return `semblance denoising: the window must be an odd whole number of coefficients (1, 3, 5, …), not ${window}`
    if (channelCount !== undefined && channelCount < 2) return `semblance denoising compares channels with each other; the EEG has ${channelCount} channel`
  }
  return null
}

function bandpass(chain: EegChain, rate: number): BiquadSection[] | null {
  if (!chain.bandpass) return null
  const [low, high] = chain.bandpass
  return low > 0 ? bandpassSections(low, high, rate, chain.filterOrder) : butterworthLowpassSections(high, rate, chain.filterOrder)
}


/**
 * Filters, re-references and resamples a recording part: `channels` arrays of equal length (µV),
 * returned as new arrays at the chain's rate.
 */
export function filterPart(channels: Float32Array[], rate: number, chain: EegChain): { channels: Float32Array[]; rate: number } {
  const problem = chainProblem(chain, rate)
  if (problem) throw new RangeError(problem)
  const sections = bandpass(chain, rate)
  const filtered = channels.map((channel) => {
    let signal: Float64Array = Float64Array.from(channel)
    // A notch 2 Hz wide (Q = f/2), run forwards and backwards: the paper's 49–51 Hz band-stop, zero-phase.
    if (chain.lineHz !== null) signal = filtfilt(notchSections(chain.lineHz, rate, chain.lineHz / 2), signal)
    if (sections) signal = filtfilt(sections, signal)
    return signal
  })
  if (chain.reference === 'average' && filtered.length > 1) {
    const length = filtered[0]!.length
    for (let index = 0; index < length; index++) {
      let mean = 0
      for (const channel of filtered) mean += channel[index]!
      mean /= filtered.length
      for (const channel of filtered) channel[index]! -= mean
    }
  }
  const targetRate = chain.rate ?? rate
  return { channels: filtered.map((channel) => (targetRate === rate ? Float32Array.from(channel) : resample(Float32Array.from(channel), rate, targetRate))), rate: targetRate }
}

/**
 * One epoch (a song's EEG, all channels, already filtered) through the per-epoch steps in place, in
 * the paper's order: wavelet artifact removal, scaling, semblance denoising.
 */
export function processEpoch(channels: Float32Array[], chain: EegChain): void {
  if (chain.artifacts) removeWaveletArtifacts(channels, wavelet(chain.artifacts.wavelet), chain.artifacts.k)
  scaleEpoch(channels, chain.scaling)
  if (chain.semblance) semblanceDenoise(channels, wavelet(chain.semblance.wavelet), chain.semblance.threshold, chain.semblance.window)
}

/** Scales one epoch's channels in place: each channel on its own. */
export function scaleEpoch(channels: Float32Array[], scaling: EegChain['scaling']): void {
  if (scaling === 'none') return
  for (const channel of channels) {
    if (channel.length === 0) continue
    let offset: number
    let scale: number
    if (scaling === 'minmax') {
      let low = Infinity
      let high = -Infinity
      for (const value of channel) {
        if (value < low) low = value
        if (value > high) high = value
      }
      offset = (low + high) / 2
      scale = (high - low) / 2
    } else if (scaling === 'zscore') {
      let mean = 0
      for (const value of channel) mean += value / channel.length
      let variance = 0
      for (const value of channel) variance += (value - mean) ** 2 / channel.length
      offset = mean
      scale = Math.sqrt(variance)
    } else {
      const sorted = Float32Array.from(channel).sort()
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))]!
      offset = at(0.5)
      // The interquartile range of a normal distribution is 1.349 standard deviations.
      scale = (at(0.75) - at(0.25)) / 1.349
    }
    const divisor = scale > 0 ? scale : 1
    for (let index = 0; index < channel.length; index++) channel[index] = (channel[index]! - offset) / divisor
  }
}
