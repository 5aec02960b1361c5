import { describe, expect, it } from 'vitest'
import { audioDescriptorNames, audioDescriptors, descriptorRate, estimateTempo } from '../../../../src/shared/dsp/descriptors'
import { Random } from '../../../../src/shared/sim/random'

const feature = (values: Float64Array, name: string) => values[audioDescriptorNames.indexOf(name)]!

function sine(hertz: number, seconds: number, rate = descriptorRate, amplitude = 0.5): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * rate) }, (_, index) => amplitude * Math.sin((2 * Math.PI * hertz * index) / rate))
}

/** 5 ms noise bursts, decaying, at `bpm`. */
function clickTrack(bpm: number, seconds: number, seed: number): Float32Array {
  const random = new Random(seed)
  const samples = new Float32Array(Math.round(seconds * descriptorRate))
  const period = (60 / bpm) * descriptorRate
  for (let onset = 0.1 * descriptorRate; onset < samples.length; onset += period) {
    for (let i = 0; i < 0.005 * descriptorRate; i++) samples[Math.round(onset) + i] = 0.8 * Math.exp(-i / 30) * (2 * random.next() - 1)
  }
  return samples
}

describe('audioDescriptors', () => {
  it('names every value it returns', () => {
    const values = audioDescriptors(sine(440, 2), descriptorRate)
    expect(values).toHaveLength(audioDescriptorNames.length)
    expect(values.every(Number.isFinite)).toBe(true)
  })

  it('puts the spectral centroid of a sine at its frequency, at any input rate', () => {
    expect(feature(audioDescriptors(sine(1000, 2), descriptorRate), 'centroid_mean_hz')).toBeCloseTo(1000, -1)
    expect(feature(audioDescriptors(sine(3000, 2, 44_100), 44_100), 'centroid_mean_hz')).toBeCloseTo(3000, -1)
    expect(feature(audioDescriptors(sine(1000, 2), descriptorRate), 'centroid_sd_hz')).toBeLessThan(5)
  })

  it('peaks the chroma of a pure tone at its pitch class', () => {
    for (const [hertz, name] of [
      [440, 'A'],
      [261.63, 'C'],
      [369.99, 'F#'],
    ] as const) {
      const values = audioDescriptors(sine(hertz, 2), descriptorRate)
      const chroma = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'].map((pc) => feature(values, `chroma_${pc}`))
      expect(feature(values, `chroma_${name}`)).toBeCloseTo(1, 6)
      // Window leakage reaches a neighbouring semitone at low pitches (bins are 10.8 Hz wide; C4 to C#4 is 15.6 Hz).
      expect(chroma.filter((value) => value > 0.1)).toHaveLength(1)
    }
  })

  it('finds the tempo of a click track', () => {
    for (const bpm of [72, 100, 128, 150]) expect(Math.abs(feature(audioDescriptors(clickTrack(bpm, 20, bpm), descriptorRate), 'tempo_bpm') - bpm)).toBeLessThan(1.5)
  })

  it('rolls white noise off at 85 % of Nyquist and a quieter copy 6 dB lower', () => {
    const random = new Random(3)
    const noise = Float32Array.from({ length: 3 * descriptorRate }, () => 0.3 * random.normal())
    const values = audioDescriptors(noise, descriptorRate)
    expect(feature(values, 'rolloff_mean_hz') / (descriptorRate / 2)).toBeCloseTo(0.85, 1)
    expect(feature(values, 'zero_crossing_rate')).toBeCloseTo(0.5, 1)
    const quieter = audioDescriptors(noise.map((value) => value / 2), descriptorRate)
    expect(feature(values, 'loudness_lufs') - feature(quieter, 'loudness_lufs')).toBeCloseTo(20 * Math.log10(2), 1)
    expect(feature(values, 'rms_mean_db') - feature(quieter, 'rms_mean_db')).toBeCloseTo(20 * Math.log10(2), 1)
    // Timbre ignores level except in the first MFCC (the overall log energy).
    expect(feature(values, 'mfcc2_mean')).toBeCloseTo(feature(quieter, 'mfcc2_mean'), 6)
  })

  it('refuses silence and audio shorter than a frame', () => {
    expect(() => audioDescriptors(new Float32Array(descriptorRate), descriptorRate)).toThrow(/silent/)
    expect(() => audioDescriptors(new Float32Array(1000), descriptorRate)).toThrow(/lasts 0.045 s/)
  })
})

describe('estimateTempo', () => {
  it('prefers the beat to its half or double', () => {
    // An impulse every 20 frames at 40 frames/s is 120 BPM; its multiples 60 and 40 BPM correlate as well.
    const envelope = Float64Array.from({ length: 2000 }, (_, index) => (index % 20 === 0 ? 1 : 0))
    expect(estimateTempo(envelope, 40)).toBeCloseTo(120, 1)
  })
})
