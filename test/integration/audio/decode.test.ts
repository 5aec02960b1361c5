import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeAudioFile } from '../../../src/main/audio/decode'
import { durationSeconds } from '../../../src/shared/audio/types'
import type { PcmAudio } from '../../../src/shared/audio/types'
import { EntrainError } from '../../../src/shared/errors'
import { useTempDirs } from '../../support/temp-dir'
import { decibels, toneAmplitude } from '../../support/tones'

/** Made by make-fixtures.sh: 0.4 s at 44.1 kHz; left 440 Hz at −10 dBFS + 1 kHz at −16 dBFS, right the reverse. */
const fixtures = path.resolve(__dirname, '../../fixtures/audio')
const fixture = (name: string): string => path.join(fixtures, name)
const seconds = 0.4
const levels = [
  { 440: -10, 1000: -16 },
  { 440: -16, 1000: -10 },
]
const lsb16 = 1 / 32768

const tempDir = useTempDirs()

async function rejection(run: Promise<unknown>): Promise<EntrainError> {
  const error = await run.then(
    () => null,
    (caught: unknown) => caught,
  )
  if (!(error instanceof EntrainError)) throw new Error(`expected an EntrainError, got ${String(error)}`)
  return error
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  let largest = 0
  for (let i = 0; i < a.length; i++) largest = Math.max(largest, Math.abs(a[i]! - b[i]!))
  return largest
}

/** Levels of both tones on both channels, in the steady middle of the signal (0.1–0.3 s). */
function toneLevels(audio: PcmAudio): Record<440 | 1000, number>[] {
  const from = Math.round(0.1 * audio.sampleRate)
  const to = Math.round(0.3 * audio.sampleRate)
  return audio.channels.map((samples) => ({
    440: decibels(toneAmplitude(samples, audio.sampleRate, 440, from, to)),
    1000: decibels(toneAmplitude(samples, audio.sampleRate, 1000, from, to)),
  }))
}

function expectLevels(audio: PcmAudio, toleranceDb: number): void {
  toneLevels(audio).forEach((measured, channel) => {
    for (const frequency of [440, 1000] as const) expect(Math.abs(measured[frequency] - levels[channel]![frequency])).toBeLessThan(toleranceDb)
  })
}

describe('decodeAudioFile', () => {
  it('decodes 16-bit WAV', async () => {
    const audio = await decodeAudioFile(fixture('two-tone-pcm16.wav'))
    expect(audio.sampleRate).toBe(44_100)
    expect(audio.channels).toHaveLength(2)
    expect(audio.channels[0]).toHaveLength(seconds * 44_100)
    expectLevels(audio, 0.01)
  })

  it.each([
    ['float WAV', 'two-tone-float32.wav'],
    ['FLAC', 'two-tone.flac'],
  ])('decodes %s to the 16-bit reference within 1 LSB', async (_, file) => {
    const reference = await decodeAudioFile(fixture('two-tone-pcm16.wav'))
    const audio = await decodeAudioFile(fixture(file))
    expect(audio.sampleRate).toBe(44_100)
    expect(audio.channels).toHaveLength(2)
    audio.channels.forEach((samples, channel) => {
      expect(samples).toHaveLength(reference.channels[channel]!.length)
      expect(maxDifference(samples, reference.channels[channel]!)).toBeLessThanOrEqual(lsb16)
    })
  })

  // Lossy codecs keep the tones' frequencies and levels (measured: within 0.5 dB), not the samples.
  // Their lengths differ by what each codec adds: MP3 (sox writes no LAME gapless header) keeps the
  // encoder delay (1105 samples) and the padding to whole 1152-sample frames; ogg-opus-decoder drops
  // the 312-sample pre-skip at the start but trims the end to the granule position, which still
  // counts it, so 6.5 ms of codec tail remain; Vorbis comes out exact.
  it.each([
    { file: 'two-tone.mp3', sampleRate: 44_100, extraFrames: [0, 2 * 1152] },
    { file: 'two-tone.opus', sampleRate: 48_000, extraFrames: [0, 312] },
    { file: 'two-tone.ogg', sampleRate: 44_100, extraFrames: [0, 0] },
  ])('decodes $file with its tones within 1 dB and its length within the codec padding', async ({ file, sampleRate, extraFrames }) => {
    const audio = await decodeAudioFile(fixture(file))
    expect(audio.sampleRate).toBe(sampleRate)
    expect(audio.channels).toHaveLength(2)
    const extra = audio.channels[0]!.length - seconds * sampleRate
    expect(extra).toBeGreaterThanOrEqual(extraFrames[0]!)
    expect(extra).toBeLessThanOrEqual(extraFrames[1]!)
    expectLevels(audio, 1)
  })

  it('decodes MP3 and FLAC files behind an ID3v2 tag', async () => {
    const dir = await tempDir()
    const tag = Uint8Array.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 32, ...new Array<number>(32).fill(0)])
    for (const name of ['two-tone.mp3', 'two-tone.flac']) {
      const tagged = path.join(dir, name)
      await writeFile(tagged, Buffer.concat([tag, await readFile(fixture(name))]))
      expect(await decodeAudioFile(tagged)).toEqual(await decodeAudioFile(fixture(name)))
    }
  })

  it('recognises a file by its content, whatever its name', async () => {
    const dir = await tempDir()
    const renamed = path.join(dir, 'really-flac.wav')
    await writeFile(renamed, await readFile(fixture('two-tone.flac')))
    expect(await decodeAudioFile(renamed)).toMatchObject({ format: 'flac' })
  })

  describe('failures, each naming the file', () => {
    it('reports a missing file as NOT_FOUND', async () => {
      const error = await rejection(decodeAudioFile(fixture('missing.wav')))
      expect(error.code).toBe('NOT_FOUND')
      expect(error.message).toBe(`cannot decode ${fixture('missing.wav')}: no such file`)
    })

    it('reports a directory as IO_ERROR', async () => {
      const error = await rejection(decodeAudioFile(fixtures))
      expect(error.code).toBe('IO_ERROR')
      expect(error.message).toBe(`cannot decode ${fixtures}: it is a directory, not a file`)
    })

    it('reports a file that is no audio', async () => {
      const error = await rejection(decodeAudioFile(fixture('not-audio.mp3')))
      expect(error.code).toBe('INVALID_INPUT')
      expect(error.message).toBe(`cannot decode ${fixture('not-audio.mp3')}: not a supported audio file (expected WAV, FLAC, MP3, Ogg Opus or Ogg Vorbis)`)
    })

    it('reports a corrupt FLAC file', async () => {
      const error = await rejection(decodeAudioFile(fixture('corrupt.flac')))
      expect(error.code).toBe('INVALID_INPUT')
      expect(error.message).toMatch(new RegExp(`^cannot decode ${fixture('corrupt.flac')}: the FLAC data is corrupt`))
    })

    it('reports a truncated WAV file', async () => {
      const error = await rejection(decodeAudioFile(fixture('truncated.wav')))
      expect(error.code).toBe('INVALID_INPUT')
      expect(error.message).toBe(`cannot decode ${fixture('truncated.wav')}: the WAV data is truncated: its data chunk declares 70560 bytes but the file holds only 7956`)
    })

    it('reports a FLAC file that stops early', async () => {
      const dir = await tempDir()
      const cut = path.join(dir, 'cut.flac')
      await writeFile(cut, (await readFile(fixture('two-tone.flac'))).subarray(0, 9000))
      const error = await rejection(decodeAudioFile(cut))
      expect(error.message).toMatch(new RegExp(`^cannot decode ${cut}: the FLAC data is truncated or corrupt: only \\d+ of its 17640 samples per channel could be decoded$`))
    })

    it.each([
      ['two-tone.mp3', 'MP3'],
      ['two-tone.ogg', 'Ogg Vorbis'],
      ['two-tone.opus', 'Ogg Opus'],
    ])('reports a mangled %s as corrupt %s data', async (name, format) => {
      const dir = await tempDir()
      const mangled = path.join(dir, name)
      const bytes = await readFile(fixture(name))
      for (let i = 2000; i < 4000; i++) bytes[i] = (i * 7) & 0xff
      await writeFile(mangled, bytes)
      const error = await rejection(decodeAudioFile(mangled))
      expect(error.code).toBe('INVALID_INPUT')
      expect(error.message).toMatch(new RegExp(`^cannot decode ${mangled}: the ${format} data is corrupt`))
    })
  })
})

describe('decodeAudioFile: format and shape', () => {
  const describeFile = async (name: string) => {
    const audio = await decodeAudioFile(fixture(name))
    return { format: audio.format, sampleRate: audio.sampleRate, channels: audio.channels.length, durationSeconds: durationSeconds(audio) }
  }

  it.each([
    ['two-tone-pcm16.wav', 'wav', 44_100],
    ['two-tone-float32.wav', 'wav', 44_100],
    ['two-tone.flac', 'flac', 44_100],
    ['two-tone.ogg', 'vorbis', 44_100],
  ] as const)('describes %s', async (name, format, sampleRate) => {
    expect(await describeFile(name)).toEqual({ format, sampleRate, channels: 2, durationSeconds: seconds })
  })

  it('describes lossy files with their codec padding', async () => {
    expect(await describeFile('two-tone.mp3')).toEqual({ format: 'mp3', sampleRate: 44_100, channels: 2, durationSeconds: 19_584 / 44_100 })
    expect(await describeFile('two-tone.opus')).toEqual({ format: 'opus', sampleRate: 48_000, channels: 2, durationSeconds: 19_512 / 48_000 })
  })
})
