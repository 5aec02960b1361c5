/**
 * Recognises an audio file by its content, never by its name: a file renamed to .wav is still
 * decoded as what it is.
 */

export type AudioFileFormat = 'wav' | 'flac' | 'mp3' | 'opus' | 'vorbis'

export const audioFormatNames: Record<AudioFileFormat, string> = {
  wav: 'WAV',
  flac: 'FLAC',
  mp3: 'MP3',
  opus: 'Ogg Opus',
  vorbis: 'Ogg Vorbis',
}

export interface DetectedFormat {
  format: AudioFileFormat
  /** Where the audio stream starts: after any ID3v2 tags, which MP3 and some FLAC files carry. */
  offset: number
}

function startsWith(bytes: Uint8Array, offset: number, text: string): boolean {
  if (offset + text.length > bytes.length) return false
  for (let i = 0; i < text.length; i++) if (bytes[offset + i] !== text.charCodeAt(i)) return false
  return true
}

/** The offset after any ID3v2 tags at `offset` (a tag's size is a 28-bit "syncsafe" integer). */
function skipId3v2(bytes: Uint8Array, offset: number): number {
  while (startsWith(bytes, offset, 'ID3') && offset + 10 <= bytes.length) {
    const size = ((bytes[offset + 6]! & 0x7f) << 21) | ((bytes[offset + 7]! & 0x7f) << 14) | ((bytes[offset + 8]! & 0x7f) << 7) | (bytes[offset + 9]! & 0x7f)
    const hasFooter = (bytes[offset + 5]! & 0x10) !== 0
    offset += 10 + size + (hasFooter ? 10 : 0)
  }
  return offset
}

/** An MPEG audio frame header: sync bits and no reserved version, layer, bitrate or sample rate. */
function isMpegFrameHeader(bytes: Uint8Array, offset: number): boolean {
  if (offset + 4 > bytes.length) return false
  const b1 = bytes[offset + 1]!
  const b2 = bytes[offset + 2]!
  const version = (b1 >> 3) & 0x3
  const layer = (b1 >> 1) & 0x3
  return bytes[offset] === 0xff && (b1 & 0xe0) === 0xe0 && version !== 1 && layer !== 0 && b2 >> 4 !== 0xf && ((b2 >> 2) & 0x3) !== 3
}

/** An Ogg stream's codec, from the identification packet that its first page carries. */
function oggCodec(bytes: Uint8Array): AudioFileFormat | null {
  const segmentCount = bytes[26]
  if (segmentCount === undefined) return null
  const packet = 27 + segmentCount
  if (startsWith(bytes, packet, 'OpusHead')) return 'opus'
  if (bytes[packet] === 0x01 && startsWith(bytes, packet + 1, 'vorbis')) return 'vorbis'
  return null
}

/** The format of a whole file's bytes, or null if it is none that can be decoded. */
export function detectAudioFormat(bytes: Uint8Array): DetectedFormat | null {
  if (startsWith(bytes, 0, 'RIFF') && startsWith(bytes, 8, 'WAVE')) return { format: 'wav', offset: 0 }
  if (startsWith(bytes, 0, 'OggS')) {
    const format = oggCodec(bytes)
    return format === null ? null : { format, offset: 0 }
  }
  const offset = skipId3v2(bytes, 0)
  if (startsWith(bytes, offset, 'fLaC')) return { format: 'flac', offset }
  if (isMpegFrameHeader(bytes, offset)) return { format: 'mp3', offset }
  return null
}
