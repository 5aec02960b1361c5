/**
 * Short synthesized music for the demo study and tests: a melody over a bass line and a beat, in
 * a major or minor key at a given tempo, so stimuli differ in the features music-EEG studies care
 * about (tempo, mode, brightness) without any copyrighted recording.
 */
import type { PcmAudio } from './types'

export interface TuneOptions {
  seconds: number
  sampleRate: number
  tempoBpm: number
  mode: 'major' | 'minor'
  /** MIDI note of the key's tonic (60 = C4). */
  tonic: number
  /** Melody note per beat as scale degrees (0-based), repeated to fill the length. */
  melody: number[]
  /** Brightness of the melody's timbre: how many harmonics it has. */
  harmonics: number
}

const scales = { major: [0, 2, 4, 5, 7, 9, 11], minor: [0, 2, 3, 5, 7, 8, 10] }
const frequency = (midi: number) => 440 * 2 ** ((midi - 69) / 12)

function note(out: Float32Array, rate: number, start: number, seconds: number, hz: number, level: number, harmonics: number): void {
  const first = Math.round(start * rate)
  const length = Math.min(Math.round(seconds * rate), out.length - first)
  for (let index = 0; index < length; index++) {
    const time = index / rate
    // A quick attack and an exponential decay, like a plucked or struck note.
    const envelope = Math.min(1, time / 0.005) * Math.exp(-time / (seconds * 0.45))
    let value = 0
    for (let harmonic = 1; harmonic <= harmonics; harmonic++) value += Math.sin(2 * Math.PI * hz * harmonic * time) / harmonic
    out[first + index]! += level * envelope * value
  }
}

function drum(out: Float32Array, rate: number, start: number, level: number): void {
  const first = Math.round(start * rate)
  const length = Math.min(Math.round(0.12 * rate), out.length - first)
  for (let index = 0; index < length; index++) {
    const time = index / rate
    // A kick: a falling sine burst.
    out[first + index]! += level * Math.exp(-time / 0.03) * Math.sin(2 * Math.PI * (50 + 90 * Math.exp(-time / 0.02)) * time)
  }
}

export function synthesizeTune(options: TuneOptions): PcmAudio {
  const { sampleRate: rate, tempoBpm, seconds } = options
  const out = new Float32Array(Math.round(seconds * rate))
  const beat = 60 / tempoBpm
  const scale = scales[options.mode]
  for (let index = 0; index * beat < seconds; index++) {
    const degree = options.melody[index % options.melody.length]!
    const midi = options.tonic + 12 + scale[degree % 7]! + 12 * Math.floor(degree / 7)
    note(out, rate, index * beat, beat * 0.95, frequency(midi), 0.18, options.harmonics)
    if (index % 2 === 0) note(out, rate, index * beat, beat * 1.9, frequency(options.tonic - 12 + scale[(index / 2) % 2 === 0 ? 0 : 4]!), 0.16, 2)
    drum(out, rate, index * beat, index % 4 === 0 ? 0.5 : 0.3)
  }
  const peak = out.reduce((max, value) => Math.max(max, Math.abs(value)), 0)
  for (let index = 0; index < out.length; index++) out[index]! *= 0.7 / peak
  return { sampleRate: rate, channels: [out] }
}
