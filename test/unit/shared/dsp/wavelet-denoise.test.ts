import { describe, expect, it } from 'vitest'
import { filterPart, paperChain } from '../../../../src/shared/dataset/eeg-chain'
import { wavelet } from '../../../../src/shared/dsp/wavelet'
import { removeWaveletArtifacts, semblanceDenoise } from '../../../../src/shared/dsp/wavelet-denoise'
import { createEegSimulator } from '../../../../src/shared/sim/eeg'
import { Random } from '../../../../src/shared/sim/random'
import { correlation } from '../../../support/stats'
import { rms, sine, toneAmplitude } from '../../../support/tones'

const rate = 250
const db8 = wavelet('db8')

/** Simulated EEG without blinks, through the paper's filters: what the wavelet steps receive. */
function cleanEeg(labels: string[], seconds: number, seed: number): Float32Array[] {
  const length = rate * seconds
  const raw = createEegSimulator({ labels, sampleRate: rate, seed, blinkRatePerMinute: 0 }).next(length)
  const channels = labels.map((_, c) => Float32Array.from({ length }, (_, i) => raw[i * labels.length + c]!))
  return filterPart(channels, rate, { ...paperChain, rate: null }).channels
}

const minus = (a: Float32Array, b: ArrayLike<number>) => Float32Array.from(a, (value, index) => value - b[index]!)

describe('wavelet artifact removal', () => {
  const seconds = 40
  const [clean] = cleanEeg(['Fp1'], seconds, 5)
  const length = clean!.length

  it('leaves clean EEG as it is', () => {
    const channel = Float32Array.from(clean!)
    removeWaveletArtifacts([channel], db8, 5)
    expect(rms(minus(channel, clean!)) / rms(clean!)).toBeLessThan(0.01)
  })

  it('removes an electrode pop and leaves the EEG away from it alone', () => {
    const at = Math.round(length / 3)
    const pop = new Float32Array(length)
    pop[at] = 250
    pop[at + 1] = -180
    const channel = Float32Array.from(clean!, (value, index) => value + pop[index]!)
    expect(removeWaveletArtifacts([channel], db8, 5)).toBeGreaterThan(0)
    const residual = minus(channel, clean!)
    const near = [at - rate, at + rate] as const
    // What remains of the pop near it, against the pop itself (measured: 0.23).
    expect(rms(residual, ...near) / rms(pop, ...near)).toBeLessThan(0.4)
    expect(Math.max(...residual.subarray(...near).map(Math.abs))).toBeLessThan(60)
    // Two seconds away and more the EEG is untouched.
    expect(rms(residual, 0, at - 2 * rate) / rms(clean!, 0, at - 2 * rate)).toBeLessThan(0.01)
    expect(rms(residual, at + 2 * rate, length) / rms(clean!, at + 2 * rate, length)).toBeLessThan(0.01)
  })

  it('takes the sharp part of a large blink (its slow part lies where the EEG is large too)', () => {
    const at = Math.round(length / 2)
    const blink = new Float32Array(length)
    const blinkLength = Math.round(0.35 * rate)
    for (let i = 0; i < blinkLength; i++) blink[at + i] = 300 * Math.sin(Math.PI * (i / blinkLength) ** 0.75) ** 2
    const channel = Float32Array.from(clean!, (value, index) => value + blink[index]!)
    expect(removeWaveletArtifacts([channel], db8, 5)).toBeGreaterThan(0)
    const near = [at - rate, at + 2 * rate] as const
    // Measured: 0.6 of the blink's rms remains at k = 5; a lower k takes more, and more EEG.
    expect(rms(minus(channel, clean!), ...near) / rms(blink, ...near)).toBeLessThan(0.8)
    const stricter = Float32Array.from(clean!, (value, index) => value + blink[index]!)
    removeWaveletArtifacts([stricter], db8, 3)
    expect(rms(minus(stricter, clean!), ...near)).toBeLessThan(rms(minus(channel, clean!), ...near))
  })

  it('refuses a threshold that is not a positive number', () => {
    expect(() => removeWaveletArtifacts([new Float32Array(100)], db8, 0)).toThrow(/positive number of standard deviations, not 0/)
  })
})

describe('semblance denoising', () => {
  const seconds = 20
  const channels = 8
  const [shared] = cleanEeg(['Cz'], seconds, 2)
  const length = shared!.length
  const weights = Array.from({ length: channels }, (_, c) => 1 - (0.5 * c) / channels)
  // Independent noise on every channel, band-limited like the EEG and as large as the shared part.
  const random = new Random(9)
  const noise = Array.from({ length: channels }, () => {
    const white = Float32Array.from({ length }, () => random.next() - 0.5)
    const filtered = filterPart([white], rate, { ...paperChain, rate: null }).channels[0]!
    const scale = rms(shared!) / rms(filtered)
    return filtered.map((value) => value * scale)
  })
  const mixed = () => weights.map((weight, c) => Float32Array.from(shared!, (value, index) => weight * value + noise[c]![index]!))

  it('keeps what the channels share and attenuates what each has alone', () => {
    const channelsIn = mixed()
    const out = mixed()
    expect(semblanceDenoise(out, db8, 0.5, 3)).toBeGreaterThan(0)
    out.forEach((channel, c) => {
      // The shared part survives at its size: the regression of the output on it stays near its weight.
      let along = 0
      let energy = 0
      for (let index = 0; index < length; index++) {
        along += channel[index]! * shared![index]!
        energy += shared![index]! ** 2
      }
      expect(along / energy / weights[c]!, `channel ${c}`).toBeGreaterThan(0.85)
      expect(along / energy / weights[c]!).toBeLessThan(1.15)
      // What is left besides it is less than the noise that went in (measured: 0.72–0.78).
      const residual = Float32Array.from(channel, (value, index) => value - weights[c]! * shared![index]!)
      expect(rms(residual) / rms(noise[c]!), `channel ${c}`).toBeLessThan(0.85)
      expect(correlation(channel, shared!)).toBeGreaterThan(correlation(channelsIn[c]!, shared!) + 0.05)
    })
  })

  it('takes out a rhythm only one channel has', () => {
    const out = mixed()
    const tone = sine(13, rate, length, 8)
    out[3] = out[3]!.map((value, index) => value + tone[index]!)
    const before = toneAmplitude(out[3]!, rate, 13)
    semblanceDenoise(out, db8, 0.5, 3)
    // Measured: about 0.6 of it remains (where the others' noise happens to move with it, it stays).
    expect(toneAmplitude(out[3]!, rate, 13) / before).toBeLessThan(0.7)
    // The other channels never had it.
    expect(toneAmplitude(out[2]!, rate, 13)).toBeLessThan(0.2 * before)
  })

  it('leaves channels that agree everywhere unchanged, and does not depend on channel order', () => {
    const same = [Float32Array.from(shared!), Float32Array.from(shared!, (value) => 2 * value), Float32Array.from(shared!, (value) => 0.5 * value)]
    expect(semblanceDenoise(same, db8, 0.99, 3)).toBe(0)
    expect(rms(minus(same[0]!, shared!))).toBeLessThan(1e-4)
    const forward = mixed()
    const backward = mixed().reverse()
    semblanceDenoise(forward, db8, 0.5, 3)
    semblanceDenoise(backward, db8, 0.5, 3)
    backward.reverse().forEach((channel, c) => expect(rms(minus(channel, forward[c]!))).toBeLessThan(1e-4))
  })

  it('says what it needs', () => {
    expect(() => semblanceDenoise([new Float32Array(100)], db8, 0.5, 3)).toThrow(/needs at least two, not 1/)
    expect(() => semblanceDenoise(mixed(), db8, 1.5, 3)).toThrow(/must lie in \[−1, 1\], not 1.5/)
    expect(() => semblanceDenoise(mixed(), db8, 0.5, 4)).toThrow(/odd whole number of coefficients, not 4/)
  })
})
