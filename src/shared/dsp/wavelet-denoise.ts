/**
 * Two wavelet clean-ups of multichannel EEG epochs, the paper's (REFERENCE §1): artifact removal
 * (outlying detail coefficients zeroed) and "semblance" denoising (detail coefficients that do not
 * agree with the other channels zeroed). Both decompose each channel as far as it goes (pywt's
 * default level), leave the approximation alone, and synthesise back; a channel too short for one
 * level passes unchanged.
 */
import { wavedec, waverec, type Wavelet, type WaveletDecomposition } from './wavelet'

/** The channels' decompositions, each with its changed coefficients synthesised back in place. */
function synthesiseInto(channels: Float32Array[], decompositions: WaveletDecomposition[]): void {
  decompositions.forEach((decomposition, index) => {
    if (decomposition.coefficients.length > 1) channels[index]!.set(waverec(decomposition))
  })
}

/**
 * Per channel and per level, detail coefficients farther than k standard deviations from their
 * level's mean are zeroed (in place). A blink or an electrode pop is a few coefficients far larger
 * than the background's at the scales it occupies; the rest of the signal keeps its coefficients.
 * Returns how many coefficients were zeroed.
 */
export function removeWaveletArtifacts(channels: Float32Array[], wavelet: Wavelet, k: number): number {
  if (!(k > 0)) throw new RangeError(`the artifact threshold must be a positive number of standard deviations, not ${k}`)
  let zeroed = 0
  const decompositions = channels.map((channel) => wavedec(channel, wavelet))
  for (const { coefficients } of decompositions) {
    for (const detail of coefficients.slice(1)) {
      let mean = 0
      for (const value of detail) mean += value
      mean /= detail.length
      let variance = 0
      for (const value of detail) variance += (value - mean) ** 2
      const limit = k * Math.sqrt(variance / detail.length)
      for (let index = 0; index < detail.length; index++) {
        if (Math.abs(detail[index]! - mean) > limit) {
          detail[index] = 0
          zeroed++
        }
      }
    }
  }
  synthesiseInto(channels, decompositions)
  return zeroed
}

/**
 * Semblance denoising (after Cooper & Cowan 2008, whose semblance of two signals is the cosine of
 * the phase difference of their complex wavelet coefficients). A real DWT coefficient has no phase
 * beyond its sign, so the analogue here is the cosine of the angle between two short runs of
 * coefficients: for channel c at level j and position k, against the mean r of the *other*
 * channels' level-j coefficients (leaving c out, so that a channel does not agree with itself),
 *
 *   s = Σᵢ d_c[i]·r[i] / √(Σᵢ d_c[i]² · Σᵢ r[i]²),  i over the `window` coefficients centred on k
 *
 * (clipped at the ends). s is 1 where the channel moves with the others at that scale and time,
 * near 0 where its coefficients are independent of them, −1 where it opposes them; with a window of
 * 1 it is the sign agreement, Cooper & Cowan's cos θ with θ ∈ {0, π}. A window of coefficients spans
 * more time at coarser levels, as a wavelet's support does. Coefficients with s < threshold are
 * zeroed (all decisions are taken on the original coefficients, so channel order does not matter).
 * Needs two channels or more. Returns how many coefficients were zeroed.
 */
export function semblanceDenoise(channels: Float32Array[], wavelet: Wavelet, threshold: number, window: number): number {
  if (channels.length < 2) throw new RangeError(`semblance denoising compares channels and needs at least two, not ${channels.length}`)
  if (!(threshold >= -1 && threshold <= 1)) throw new RangeError(`the semblance threshold must lie in [−1, 1], not ${threshold}`)
  if (!Number.isInteger(window) || window < 1 || window % 2 === 0) throw new RangeError(`the semblance window must be an odd whole number of coefficients, not ${window}`)
  const decompositions = channels.map((channel) => wavedec(channel, wavelet))
  const levels = decompositions[0]!.coefficients.length
  if (decompositions.some((decomposition) => decomposition.coefficients.length !== levels)) throw new RangeError('semblance denoising needs channels of one length')
  const half = (window - 1) / 2
  const others = channels.length - 1
  let zeroed = 0
  for (let level = 1; level < levels; level++) {
    const details = decompositions.map((decomposition) => decomposition.coefficients[level]!)
    const count = details[0]!.length
    const total = new Float64Array(count)
    for (const detail of details) for (let index = 0; index < count; index++) total[index]! += detail[index]!
    const drop = details.map(() => new Uint8Array(count))
    const reference = new Float64Array(count)
    details.forEach((detail, channel) => {
      for (let index = 0; index < count; index++) reference[index] = (total[index]! - detail[index]!) / others
      for (let index = 0; index < count; index++) {
        if (detail[index] === 0) continue
        // Summed afresh for each window: running sums would carry a large artifact's rounding into quiet stretches.
        let cross = 0
        let ownEnergy = 0
        let referenceEnergy = 0
        for (let at = Math.max(0, index - half); at < Math.min(count, index + half + 1); at++) {
          cross += detail[at]! * reference[at]!
          ownEnergy += detail[at]! ** 2
          referenceEnergy += reference[at]! ** 2
        }
        const energy = ownEnergy * referenceEnergy
        if (!(energy > 0) || cross / Math.sqrt(energy) < threshold) drop[channel]![index] = 1
      }
    })
    details.forEach((detail, channel) => {
      for (let index = 0; index < count; index++) {
        if (drop[channel]![index]) {
          detail[index] = 0
          zeroed++
        }
      }
    })
  }
  synthesiseInto(channels, decompositions)
  return zeroed
}
