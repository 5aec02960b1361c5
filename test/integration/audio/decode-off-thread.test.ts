import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeAudioFile } from '../../../src/main/audio/decode'
import { decodeOffThread } from '../../../src/main/audio/decode-off-thread'
import { prepareStimulus } from '../../../src/shared/audio/prepare'
import { encodeWav } from '../../../src/shared/audio/wav'
import { EntrainError } from '../../../src/shared/errors'
import { useTempDirs } from '../../support/temp-dir'

const fixture = (name: string): string => path.resolve(__dirname, '../../fixtures/audio', name)
const tempDir = useTempDirs()

describe('decodeOffThread', () => {
  it('gives the very samples decodeAudioFile and prepareStimulus give on this thread', async () => {
    const file = fixture('two-tone.flac')
    const here = await decodeAudioFile(file)
    expect(await decodeOffThread(file)).toEqual(here)
    const options = { targetRate: 48_000, targetChannels: 1 as const, gainDb: -6, excerpt: { start: 0.1, end: 0.3 }, fadeIn: 0.01, fadeOut: 0.01 }
    const prepared = await decodeOffThread(file, options)
    expect(prepared.format).toBe('flac')
    expect({ sampleRate: prepared.sampleRate, channels: prepared.channels }).toEqual(prepareStimulus(here, options).audio)
  })

  it('names the broken file in the same error as on this thread', async () => {
    for (const name of ['corrupt.flac', 'missing.wav']) {
      const expected = (await decodeAudioFile(fixture(name)).then(
        () => null,
        (caught: unknown) => caught,
      )) as EntrainError
      const error = await decodeOffThread(fixture(name)).then(
        () => null,
        (caught: unknown) => caught,
      )
      expect(error).toBeInstanceOf(EntrainError)
      expect((error as EntrainError).code).toBe(expected.code)
      expect((error as EntrainError).message).toBe(expected.message)
      expect((error as EntrainError).message).toContain(name)
    }
  })

  it('leaves this thread free while a long song is decoded and resampled', { timeout: 60_000 }, async () => {
    const rate = 44_100
    const frames = rate * 240
    const channels = [0, 1].map((channel) => Float32Array.from({ length: frames }, (_, frame) => 0.3 * Math.sin((2 * Math.PI * (220 + 110 * channel) * frame) / rate)))
    const file = path.join(await tempDir(), 'four-minutes.wav')
    await writeFile(file, encodeWav({ sampleRate: rate, channels }, 'pcm16'))

    let last = performance.now()
    let longestGap = 0
    const ticker = setInterval(() => {
      const now = performance.now()
      longestGap = Math.max(longestGap, now - last)
      last = now
    }, 5)
    const started = performance.now()
    const prepared = await decodeOffThread(file, { targetRate: 48_000, targetChannels: 2 })
    const took = performance.now() - started
    clearInterval(ticker)

    expect(prepared.channels[0]!.length).toBe(240 * 48_000)
    // On this thread the whole decode would be one pause; off it, the longest pause is a fraction.
    expect(took).toBeGreaterThan(4 * longestGap)
  })
})
