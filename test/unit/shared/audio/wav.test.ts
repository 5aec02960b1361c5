import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeWav, encodeWav } from '../../../../src/shared/audio/wav'
import { EntrainError } from '../../../../src/shared/errors'

const fixtures = path.resolve(__dirname, '../../../fixtures/audio')

type ChunkSpec = [id: string, body: Uint8Array]

function bytesOf(write: (view: DataView) => void, length: number): Uint8Array {
  const bytes = new Uint8Array(length)
  write(new DataView(bytes.buffer))
  return bytes
}

/** A RIFF/WAVE file of these chunks, each padded to an even length as RIFF requires. */
function riff(chunks: ChunkSpec[]): Uint8Array {
  const parts = chunks.map(([id, body]) => {
    const part = new Uint8Array(8 + body.length + (body.length % 2))
    part.set([...id].map((c) => c.charCodeAt(0)))
    new DataView(part.buffer).setUint32(4, body.length, true)
    part.set(body, 8)
    return part
  })
  const size = parts.reduce((sum, part) => sum + part.length, 4)
  const file = new Uint8Array(8 + size)
  file.set([...'RIFF'].map((c) => c.charCodeAt(0)))
  new DataView(file.buffer).setUint32(4, size, true)
  file.set([...'WAVE'].map((c) => c.charCodeAt(0)), 8)
  let offset = 12
  for (const part of parts) {
    file.set(part, offset)
    offset += part.length
  }
  return file
}

interface FmtSpec {
  tag: number
  channels: number
  bits: number
  rate?: number
  /** For WAVE_FORMAT_EXTENSIBLE: the tag that the sub-format GUID stands for. */
  subFormat?: number
}

function fmt({ tag, channels, bits, rate = 8000, subFormat }: FmtSpec): ChunkSpec {
  const blockAlign = (channels * bits) / 8
  const body = bytesOf(
    (view) => {
      view.setUint16(0, tag, true)
      view.setUint16(2, channels, true)
      view.setUint32(4, rate, true)
      view.setUint32(8, rate * blockAlign, true)
      view.setUint16(12, blockAlign, true)
      view.setUint16(14, bits, true)
      if (subFormat === undefined) return
      view.setUint16(16, 22, true)
      view.setUint16(18, bits, true)
      view.setUint32(20, channels === 2 ? 0x3 : 0x4, true)
      view.setUint16(24, subFormat, true)
      // The rest of the KSDATAFORMAT_SUBTYPE GUID: -0000-0010-8000-00AA00389B71.
      new Uint8Array(view.buffer).set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 26)
    },
    subFormat === undefined ? 16 : 40,
  )
  return ['fmt ', body]
}

function data(length: number, write: (view: DataView) => void): ChunkSpec {
  return ['data', bytesOf(write, length)]
}

function samplesOf(bytes: Uint8Array): number[][] {
  return decodeWav(bytes).channels.map((channel) => [...channel])
}

describe('decodeWav', () => {
  it('reads 8-bit PCM, which is unsigned', () => {
    const wav = riff([fmt({ tag: 1, channels: 1, bits: 8 }), data(3, (v) => [0, 128, 255].forEach((b, i) => v.setUint8(i, b)))])
    expect(samplesOf(wav)).toEqual([[-1, 0, 127 / 128]])
  })

  it('reads 16-bit PCM and de-interleaves the channels', () => {
    const wav = riff([fmt({ tag: 1, channels: 2, bits: 16 }), data(8, (v) => [-32768, 16384, 32767, -1].forEach((s, i) => v.setInt16(2 * i, s, true)))])
    expect(samplesOf(wav)).toEqual([
      [-1, 32767 / 32768],
      [0.5, -1 / 32768],
    ])
  })

  it('reads 24-bit PCM', () => {
    const values = [-8388608, 1, 8388607]
    const wav = riff([
      fmt({ tag: 1, channels: 1, bits: 24 }),
      data(9, (v) => values.forEach((s, i) => [s & 0xff, (s >> 8) & 0xff, (s >> 16) & 0xff].forEach((b, k) => v.setUint8(3 * i + k, b)))),
    ])
    expect(samplesOf(wav)).toEqual([values.map((s) => Math.fround(s / 8388608))])
  })

  it('reads 32-bit PCM', () => {
    const wav = riff([fmt({ tag: 1, channels: 1, bits: 32 }), data(8, (v) => [-2147483648, 1073741824].forEach((s, i) => v.setInt32(4 * i, s, true)))])
    expect(samplesOf(wav)).toEqual([[-1, 0.5]])
  })

  it('reads 32- and 64-bit IEEE float, values beyond full scale included', () => {
    const float32 = riff([fmt({ tag: 3, channels: 1, bits: 32 }), data(8, (v) => [0.25, -1.5].forEach((s, i) => v.setFloat32(4 * i, s, true)))])
    const float64 = riff([fmt({ tag: 3, channels: 1, bits: 64 }), data(16, (v) => [0.25, 2].forEach((s, i) => v.setFloat64(8 * i, s, true)))])
    expect(samplesOf(float32)).toEqual([[0.25, -1.5]])
    expect(samplesOf(float64)).toEqual([[0.25, 2]])
  })

  it('reads WAVE_FORMAT_EXTENSIBLE files by their sub-format', () => {
    const pcm = riff([fmt({ tag: 0xfffe, channels: 2, bits: 16, subFormat: 1 }), data(4, (v) => [16384, -16384].forEach((s, i) => v.setInt16(2 * i, s, true)))])
    const float = riff([fmt({ tag: 0xfffe, channels: 1, bits: 32, subFormat: 3 }), data(4, (v) => v.setFloat32(0, 0.75, true))])
    expect(samplesOf(pcm)).toEqual([[0.5], [-0.5]])
    expect(samplesOf(float)).toEqual([[0.75]])
  })

  it('skips chunks it does not know, odd-sized ones with their pad byte included', () => {
    const wav = riff([
      ['LIST', new Uint8Array(5).fill(7)],
      fmt({ tag: 1, channels: 1, bits: 16, rate: 44_100 }),
      ['fact', new Uint8Array(4)],
      data(4, (v) => [8192, -8192].forEach((s, i) => v.setInt16(2 * i, s, true))),
      ['id3 ', new Uint8Array(3)],
    ])
    expect(decodeWav(wav)).toEqual({ sampleRate: 44_100, channels: [Float32Array.of(0.25, -0.25)] })
  })

  it('drops a partial frame at the end of the data', () => {
    const wav = riff([fmt({ tag: 1, channels: 2, bits: 16 }), data(6, (v) => v.setInt16(0, 16384, true))])
    expect(samplesOf(wav)).toEqual([[0.5], [0]])
  })

  it('reads a view into a larger buffer', () => {
    const wav = riff([fmt({ tag: 1, channels: 1, bits: 16 }), data(2, (v) => v.setInt16(0, 16384, true))])
    const padded = new Uint8Array(wav.length + 10)
    padded.set(wav, 7)
    expect(samplesOf(padded.subarray(7, 7 + wav.length))).toEqual([[0.5]])
  })

  const pcm16 = fmt({ tag: 1, channels: 1, bits: 16 })
  it.each<[string, Uint8Array, RegExp]>([
    ['no RIFF header', new TextEncoder().encode('RIFX....WAVEfmt '), /missing its RIFF\/WAVE header/],
    ['no fmt chunk', riff([data(2, () => {})]), /data chunk comes before any fmt chunk/],
    ['no data chunk', riff([pcm16]), /has no data chunk/],
    ['nothing after the header', riff([]), /has no fmt chunk/],
    ['a truncated data chunk', riff([pcm16, data(8, () => {})]).subarray(0, 50), /truncated: its data chunk declares 8 bytes but the file holds only 6/],
    ['a compressed encoding', riff([fmt({ tag: 0x11, channels: 1, bits: 4 }), data(2, () => {})]), /unsupported encoding \(format tag 0x0011/],
    ['12-bit samples', riff([fmt({ tag: 1, channels: 1, bits: 12 }), data(2, () => {})]), /unsupported sample format \(12-bit integer\)/],
    ['16-bit float', riff([fmt({ tag: 3, channels: 1, bits: 16 }), data(2, () => {})]), /unsupported sample format \(16-bit float\)/],
    ['no channels', riff([fmt({ tag: 1, channels: 0, bits: 16 }), data(2, () => {})]), /declares 0 channels/],
    ['a short fmt chunk', riff([['fmt ', new Uint8Array(14)], data(2, () => {})]), /fmt chunk has 14 bytes/],
  ])('rejects a file with %s, saying what is wrong', (_, bytes, message) => {
    let caught: unknown
    try {
      decodeWav(bytes)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(EntrainError)
    expect((caught as EntrainError).code).toBe('INVALID_INPUT')
    expect((caught as EntrainError).message).toMatch(/^the WAV data is /)
    expect((caught as EntrainError).message).toMatch(message)
  })

  it('rejects a block size that does not fit the channels and sample size', () => {
    const bad = fmt({ tag: 1, channels: 2, bits: 16 })
    new DataView(bad[1].buffer).setUint16(12, 3, true)
    expect(() => decodeWav(riff([bad, data(6, () => {})]))).toThrow(/block size of 3 bytes does not fit 2 channels of 16 bits/)
  })
})

describe('encodeWav', () => {
  const audio = { sampleRate: 22_050, channels: [Float32Array.of(0, 0.5, -1, 1, 1.5), Float32Array.of(0.1, -0.25, 0.75, -1.5, 1 / 65536)] }

  it('writes float files that read back exactly, values beyond full scale included', () => {
    expect(decodeWav(encodeWav(audio, 'float32'))).toEqual(audio)
  })

  it('writes 16-bit files that read back within half a step, clipped to the 16-bit range', () => {
    const decoded = decodeWav(encodeWav(audio, 'pcm16'))
    expect(decoded.sampleRate).toBe(22_050)
    decoded.channels.forEach((channel, c) =>
      channel.forEach((value, i) => {
        const original = Math.max(-1, Math.min(32767 / 32768, audio.channels[c]![i]!))
        expect(Math.abs(value - original)).toBeLessThanOrEqual(0.5 / 32768)
      }),
    )
  })

  it.each([
    ['pcm16', 'two-tone-pcm16.wav'],
    ['float32', 'two-tone-float32.wav'],
  ] as const)('writes %s byte for byte as sox does', (encoding, file) => {
    const bytes = new Uint8Array(readFileSync(path.join(fixtures, file)))
    expect(encodeWav(decodeWav(bytes), encoding)).toEqual(bytes)
  })

  it('refuses channels of different lengths', () => {
    expect(() => encodeWav({ sampleRate: 8000, channels: [new Float32Array(2), new Float32Array(3)] }, 'pcm16')).toThrow(/channel 1 has 3 samples/)
  })
})
