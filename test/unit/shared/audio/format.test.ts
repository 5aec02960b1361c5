import { describe, expect, it } from 'vitest'
import { detectAudioFormat } from '../../../../src/shared/audio/format'

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0))

/** The start of an Ogg file: one page header with `segments` lacing values, then the first packet. */
function oggPage(packet: number[], segments = 1): Uint8Array {
  const header = [...ascii('OggS'), 0, 2, ...new Array<number>(20).fill(0), segments, ...new Array<number>(segments).fill(packet.length)]
  return Uint8Array.from([...header, ...packet])
}

/** An ID3v2.4 tag of `size` bytes of content (a syncsafe size), with or without its footer. */
function id3(size: number, footer = false): number[] {
  const syncsafe = [(size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f]
  return [...ascii('ID3'), 4, 0, footer ? 0x10 : 0, ...syncsafe, ...new Array<number>(size + (footer ? 10 : 0)).fill(0)]
}

/** MPEG-1 Layer III, 128 kbit/s, 44.1 kHz. */
const mp3Frame = [0xff, 0xfb, 0x90, 0x64]

describe('detectAudioFormat', () => {
  it('recognises WAV and FLAC by their magic bytes', () => {
    expect(detectAudioFormat(Uint8Array.from([...ascii('RIFF'), 0, 0, 0, 0, ...ascii('WAVEfmt ')]))).toEqual({ format: 'wav', offset: 0 })
    expect(detectAudioFormat(Uint8Array.from([...ascii('fLaC'), 0, 0, 0, 34]))).toEqual({ format: 'flac', offset: 0 })
  })

  it('tells Ogg Opus from Ogg Vorbis by the codec of the first packet', () => {
    expect(detectAudioFormat(oggPage(ascii('OpusHead\x01\x02')))).toEqual({ format: 'opus', offset: 0 })
    expect(detectAudioFormat(oggPage([1, ...ascii('vorbis'), 0], 2))).toEqual({ format: 'vorbis', offset: 0 })
    expect(detectAudioFormat(oggPage([0x7f, ...ascii('FLAC')]))).toBeNull()
    expect(detectAudioFormat(oggPage(ascii('Speex   ')))).toBeNull()
  })

  it('recognises MP3 by a frame header, after any ID3v2 tags', () => {
    expect(detectAudioFormat(Uint8Array.from(mp3Frame))).toEqual({ format: 'mp3', offset: 0 })
    expect(detectAudioFormat(Uint8Array.from([...id3(300), ...mp3Frame]))).toEqual({ format: 'mp3', offset: 310 })
    expect(detectAudioFormat(Uint8Array.from([...id3(5, true), ...id3(2), ...mp3Frame]))).toEqual({ format: 'mp3', offset: 37 })
  })

  it('finds FLAC behind an ID3v2 tag', () => {
    expect(detectAudioFormat(Uint8Array.from([...id3(20), ...ascii('fLaC')]))).toEqual({ format: 'flac', offset: 30 })
  })

  it.each([
    ['text', ascii('This is a text file, not audio.')],
    ['a JPEG', [0xff, 0xd8, 0xff, 0xe0]],
    ['an MPEG header with a reserved version', [0xff, 0xeb, 0x90, 0x64]],
    ['an MPEG header with a reserved layer', [0xff, 0xf9, 0x90, 0x64]],
    ['an MPEG header with a bad bitrate', [0xff, 0xfb, 0xf0, 0x64]],
    ['an MPEG header with a reserved sample rate', [0xff, 0xfb, 0x9c, 0x64]],
    ['an ID3 tag with nothing behind it', id3(4)],
    ['a RIFF file that is not WAVE', [...ascii('RIFF'), 0, 0, 0, 0, ...ascii('AVI ')]],
    ['an empty file', []],
  ])('rejects %s', (_, bytes) => {
    expect(detectAudioFormat(Uint8Array.from(bytes))).toBeNull()
  })
})
