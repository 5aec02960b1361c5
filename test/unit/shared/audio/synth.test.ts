import { describe, expect, it } from 'vitest'
import { synthesizeTune } from '../../../../src/shared/audio/synth'
import { welchPsd } from '../../../../src/shared/dsp/welch'

const tune = (tempoBpm: number, mode: 'major' | 'minor') =>
  synthesizeTune({ seconds: 4, sampleRate: 8000, tempoBpm, mode, tonic: 60, melody: [0, 2, 4, 2], harmonics: 3 })

describe('synthesizeTune', () => {
  it('has the asked length, a peak of 0.7 and no randomness', () => {
    const audio = tune(120, 'major')
    expect(audio.channels[0]).toHaveLength(32_000)
    expect(Math.max(...audio.channels[0]!.map(Math.abs))).toBeCloseTo(0.7, 6)
    expect(tune(120, 'major').channels[0]).toEqual(audio.channels[0])
  })

  it('puts its beat at the tempo: the amplitude envelope has its peak at the beat rate', () => {
    const samples = tune(120, 'minor').channels[0]!
    const envelope = new Float32Array(samples.length / 80)
    for (let index = 0; index < envelope.length; index++) {
      for (let offset = 0; offset < 80; offset++) envelope[index] = Math.max(envelope[index]!, Math.abs(samples[index * 80 + offset]!))
    }
    const { frequencies, power } = welchPsd(envelope, 100, { segmentLength: 256 })
    let best = 1
    for (let bin = 1; bin < power.length; bin++) if (frequencies[bin]! > 0.5 && power[bin]! > power[best]!) best = bin
    expect(frequencies[best]).toBeCloseTo(2, 0)
  })
})
