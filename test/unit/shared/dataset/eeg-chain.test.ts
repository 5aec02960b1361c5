import { describe, expect, it } from 'vitest'
import { chainProblem, filterPart, paperChain, scaleEpoch, type EegChain } from '../../../../src/shared/dataset/eeg-chain'
import { rms, sine, toneAmplitude } from '../../../support/tones'

const rate = 500
const none: EegChain = { lineHz: null, bandpass: null, filterOrder: 5, reference: 'none', rate: null, scaling: 'none' }

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
  })
})
