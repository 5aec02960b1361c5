import { describe, expect, it } from 'vitest'
import { chainProblem, filterPart, paperChain, processEpoch, scaleEpoch, type EegChain } from '../../../../src/shared/dataset/eeg-chain'
import { createEegSimulator } from '../../../../src/shared/sim/eeg'
import { rms, sine, toneAmplitude } from '../../../support/tones'

const rate = 500
const none: EegChain = { lineHz: null, bandpass: null, filterOrder: 5, reference: 'none', rate: null, artifacts: null, scaling: 'none', semblance: null }

describe('EEG chain', () => {
  it('takes out mains and drift and keeps the EEG band, without delaying it', () => {
    const length = rate * 20
    const alpha = sine(10, rate, length, 10)
    const mixed = alpha.map((value, index) => value + 30 * Math.sin((2 * Math.PI * 50 * index) / rate) + 40 + 20 * Math.sin((2 * Math.PI * 0.05 * index) / rate))
    const { channels, rate: out } = filterPart([mixed], rate, { ...paperChain, rate: null })
    expect(out).toBe(rate)
    const filtered = channels[0]!
    const middle = [rate * 5, rate * 15] as const
    expect(toneAmplitude(filtered, rate, 50, ...middle)).toBeLessThan(0.05)
    expect(toneAmplitude(filtered, rate, 10, ...middle)).toBeCloseTo(10, 0)
    // Zero phase: the alpha comes out where it went in.
    let error = 0
    for (let index = middle[0]; index < middle[1]; index++) error += (filtered[index]! - alpha[index]!) ** 2
    expect(Math.sqrt(error / (middle[1] - middle[0]))).toBeLessThan(0.3)
  })

  it('re-references to the average and resamples to the chain’s rate', () => {
    const a = sine(7, rate, rate * 4, 5)
    const b = sine(3, rate, rate * 4, 2)
    const { channels, rate: out } = filterPart([a, b], rate, { ...none, reference: 'average', rate: 250 })
    expect(out).toBe(250)
    expect(channels[0]).toHaveLength(rate * 2)
    for (let index = 0; index < channels[0]!.length; index += 37) expect(channels[0]![index]! + channels[1]![index]!).toBeCloseTo(0, 4)
  })

  it('scales each channel of an epoch on its own', () => {
    const epoch = [Float32Array.from([2, 4, 6, 10]), Float32Array.from([-3, -3, -3, -3]), Float32Array.from([1, 2, 3, 4, 5, 6, 7, 100])]
    scaleEpoch(epoch.slice(0, 2), 'minmax')
    expect([...epoch[0]!]).toEqual([-1, -0.5, 0, 1])
    expect([...epoch[1]!]).toEqual([0, 0, 0, 0])
    const robust = [Float32Array.from(epoch[2]!)]
    scaleEpoch(robust, 'robust')
    // The outlier does not set the scale: the median maps to 0 and the bulk stays within ±2.
    expect(robust[0]![3]!).toBeCloseTo(0, 5)
    expect(Math.abs(robust[0]![0]!)).toBeLessThan(2)
    const z = [sine(5, rate, rate, 3)]
    scaleEpoch(z, 'zscore')
    expect(rms(z[0]!)).toBeCloseTo(1, 3)
  })

  it('says which setting cannot work at the recording’s rate', () => {
    expect(chainProblem(paperChain, 250)).toBeNull()
    expect(chainProblem(paperChain, 90)).toMatch(/Nyquist/)
    expect(chainProblem({ ...paperChain, bandpass: [20, 10] }, 250)).toMatch(/high edge must be above/)
    expect(chainProblem({ ...none, lineHz: 60 }, 100)).toMatch(/band-stop needs EEG faster/)
    expect(() => filterPart([sine(1, 90, 90)], 90, paperChain)).toThrow(/below the Nyquist frequency 45 Hz/)
    expect(chainProblem(paperChain, 250, 16)).toBeNull()
    expect(chainProblem({ ...paperChain, artifacts: { wavelet: 'db40', k: 5 } }, 250)).toMatch(/^wavelet artifact removal: unknown wavelet db40: choose db1 … db20/)
    expect(chainProblem({ ...paperChain, artifacts: { wavelet: 'db8', k: -1 } }, 250)).toMatch(/positive number of standard deviations, not -1/)
    expect(chainProblem({ ...paperChain, semblance: { wavelet: 'haar', threshold: 0.5, window: 3 } }, 250)).toMatch(/^semblance denoising: unknown wavelet haar/)
    expect(chainProblem({ ...paperChain, semblance: { wavelet: 'db8', threshold: 2, window: 3 } }, 250)).toMatch(/must lie in \[−1, 1\], not 2/)
    expect(chainProblem({ ...paperChain, semblance: { wavelet: 'db8', threshold: 0.5, window: 2 } }, 250)).toMatch(/odd whole number of coefficients \(1, 3, 5, …\), not 2/)
    expect(chainProblem(paperChain, 250, 1)).toMatch(/compares channels with each other; the EEG has 1 channel/)
    expect(chainProblem({ ...paperChain, semblance: null }, 250, 1)).toBeNull()
  })

  it('runs the per-epoch steps in the paper’s order: artifacts out before the min–max scale is taken, then semblance', () => {
    const length = 250 * 10
    const labels = ['O1', 'Oz', 'O2']
    const raw = createEegSimulator({ labels, sampleRate: 250, seed: 4, blinkRatePerMinute: 0 }).next(length)
    const eeg = filterPart(labels.map((_, c) => Float32Array.from({ length }, (_, i) => raw[i * labels.length + c]!)), 250, { ...paperChain, rate: null }).channels
    // An electrode pop on O1.
    const withPop = () => eeg.map((channel, c) => channel.map((value, index) => value + (c === 0 && index === length / 2 ? 500 : 0)))
    const spread = (values: Float32Array) => {
      const mean = values.reduce((sum, value) => sum + value, 0) / values.length
      return rms(values.map((value) => value - mean))
    }
    // Scaling alone: the pop sets O1's range, and its EEG shrinks to a sliver of ±1.
    const scaledOnly = withPop()
    processEpoch(scaledOnly, { ...none, scaling: 'minmax' })
    expect(spread(scaledOnly[0]!)).toBeLessThan(0.1)
    // The paper's order: the pop goes first, so O1's EEG fills its range as its neighbours' does (measured 0.24 against 0.3).
    const paper = withPop()
    processEpoch(paper, paperChain)
    expect(spread(paper[0]!)).toBeGreaterThan(0.6 * spread(paper[1]!))
    // Semblance ran last: it changes scaled values (the range is no longer exactly ±1).
    const withoutSemblance = withPop()
    processEpoch(withoutSemblance, { ...paperChain, semblance: null })
    expect(Math.max(...withoutSemblance[1]!.map(Math.abs))).toBeCloseTo(1, 5)
    expect(rms(paper[1]!.map((value, index) => value - withoutSemblance[1]![index]!))).toBeGreaterThan(0.01)
  })
})
