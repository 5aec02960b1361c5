/**
 * RIFF/WAVE reading and writing. Reads integer PCM (8, 16, 24, 32 bit), IEEE float (32, 64 bit)
 * and their WAVE_FORMAT_EXTENSIBLE forms; writes 16-bit PCM or 32-bit float.
 */
import { EntrainError } from '../errors'
import { frameCount, type PcmAudio } from './types'

const formatPcm = 0x0001
const formatFloat = 0x0003
const formatExtensible = 0xfffe

type SampleEncoding = 'int' | 'float'

interface WavFormat {
  encoding: SampleEncoding
  channels: number
  sampleRate: number
  /** Bytes per sample of one channel as stored (the container, not the valid bits). */
  bytesPerSample: number
}

interface Chunk {
  id: string
  /** Offset of the chunk's data, after its 8-byte header. */
  offset: number
  size: number
}

function malformed(problem: string): EntrainError {
  return new EntrainError('INVALID_INPUT', `the WAV data is ${problem}`)
}

function fourCc(view: DataView, offset: number): string {
  return String.fromCharCode(view.getUint8(offset), view.getUint8(offset + 1), view.getUint8(offset + 2), view.getUint8(offset + 3))
}

function* chunks(view: DataView): Generator<Chunk> {
  let offset = 12
  while (offset + 8 <= view.byteLength) {
    const chunk = { id: fourCc(view, offset), offset: offset + 8, size: view.getUint32(offset + 4, true) }
    yield chunk
    // Chunks are word-aligned: an odd-sized chunk is followed by one pad byte.
    offset = chunk.offset + chunk.size + (chunk.size % 2)
  }
}

function encodingOf(formatTag: number, view: DataView, chunk: Chunk): SampleEncoding {
  let tag = formatTag
  if (formatTag === formatExtensible) {
    if (chunk.size < 40) throw malformed(`malformed: its extensible fmt chunk has ${chunk.size} bytes, fewer than 40`)
    // The sub-format GUID begins with the plain format tag it stands for.
    tag = view.getUint16(chunk.offset + 24, true)
  }
  if (tag === formatPcm) return 'int'
  if (tag === formatFloat) return 'float'
  throw malformed(`in an unsupported encoding (format tag 0x${tag.toString(16).padStart(4, '0')}; only integer PCM and IEEE float can be read)`)
}

function readFormat(view: DataView, chunk: Chunk): WavFormat {
  if (chunk.size < 16) throw malformed(`malformed: its fmt chunk has ${chunk.size} bytes, fewer than 16`)
  if (chunk.offset + chunk.size > view.byteLength) throw malformed('truncated inside its fmt chunk')
  const encoding = encodingOf(view.getUint16(chunk.offset, true), view, chunk)
  const channels = view.getUint16(chunk.offset + 2, true)
  const sampleRate = view.getUint32(chunk.offset + 4, true)
  const blockAlign = view.getUint16(chunk.offset + 12, true)
  const bitsPerSample = view.getUint16(chunk.offset + 14, true)
  if (channels === 0) throw malformed('malformed: it declares 0 channels')
  if (sampleRate === 0) throw malformed('malformed: it declares a sample rate of 0 Hz')
  const supported = encoding === 'int' ? [8, 16, 24, 32] : [32, 64]
  if (!supported.includes(bitsPerSample)) {
    throw malformed(`in an unsupported sample format (${bitsPerSample}-bit ${encoding === 'int' ? 'integer' : 'float'})`)
  }
  const bytesPerSample = bitsPerSample / 8
  if (blockAlign !== channels * bytesPerSample) {
    throw malformed(`malformed: its block size of ${blockAlign} bytes does not fit ${channels} channels of ${bitsPerSample} bits`)
  }
  return { encoding, channels, sampleRate, bytesPerSample }
}

/** A reader of one sample at a byte offset, scaled to full scale ±1. */
function sampleReader(view: DataView, { encoding, bytesPerSample }: WavFormat): (offset: number) => number {
  if (encoding === 'float') return bytesPerSample === 4 ? (o) => view.getFloat32(o, true) : (o) => view.getFloat64(o, true)
  switch (bytesPerSample) {
    case 1:
      // 8-bit WAV is the one unsigned format: 128 is silence.
      return (o) => (view.getUint8(o) - 128) / 128
    case 2:
      return (o) => view.getInt16(o, true) / 32768
    case 3:
      return (o) => ((view.getUint8(o + 2) << 24) | (view.getUint8(o + 1) << 16) | (view.getUint8(o) << 8)) / 2147483648
    default:
      return (o) => view.getInt32(o, true) / 2147483648
  }
}

function readSamples(view: DataView, format: WavFormat, data: Chunk): Float32Array[] {
  const blockAlign = format.channels * format.bytesPerSample
  // A partial frame at the end (some writers leave one) holds no complete sample instant: drop it.
  const frames = Math.floor(data.size / blockAlign)
  const read = sampleReader(view, format)
  const channels = Array.from({ length: format.channels }, () => new Float32Array(frames))
  channels.forEach((samples, channel) => {
    let offset = data.offset + channel * format.bytesPerSample
    for (let frame = 0; frame < frames; frame++, offset += blockAlign) samples[frame] = read(offset)
  })
  return channels
}

/** Decodes a whole RIFF/WAVE file. Chunks other than fmt and data are skipped. */
export function decodeWav(bytes: Uint8Array): PcmAudio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view.byteLength < 12 || fourCc(view, 0) !== 'RIFF' || fourCc(view, 8) !== 'WAVE') throw malformed('missing its RIFF/WAVE header')
  let format: WavFormat | null = null
  for (const chunk of chunks(view)) {
    if (chunk.id === 'fmt ') format = readFormat(view, chunk)
    if (chunk.id !== 'data') continue
    if (format === null) throw malformed('malformed: its data chunk comes before any fmt chunk')
    const present = view.byteLength - chunk.offset
    if (chunk.size > present) throw malformed(`truncated: its data chunk declares ${chunk.size} bytes but the file holds only ${present}`)
    return { sampleRate: format.sampleRate, channels: readSamples(view, format, chunk) }
  }
  throw malformed(format === null ? 'malformed: it has no fmt chunk' : 'malformed: it has no data chunk')
}

export type WavEncoding = 'pcm16' | 'float32'

function headerBytes(encoding: WavEncoding): number {
  // Float files carry the 18-byte fmt chunk (with cbSize) and the fact chunk that non-PCM formats require.
  return encoding === 'pcm16' ? 44 : 58
}

function writeHeader(view: DataView, audio: PcmAudio, encoding: WavEncoding, dataBytes: number): void {
  const ascii = (offset: number, text: string): void => [...text].forEach((char, i) => view.setUint8(offset + i, char.charCodeAt(0)))
  const channels = audio.channels.length
  const bytesPerSample = encoding === 'pcm16' ? 2 : 4
  const fmtSize = encoding === 'pcm16' ? 16 : 18
  ascii(0, 'RIFF')
  view.setUint32(4, headerBytes(encoding) - 8 + dataBytes, true)
  ascii(8, 'WAVE')
  ascii(12, 'fmt ')
  view.setUint32(16, fmtSize, true)
  view.setUint16(20, encoding === 'pcm16' ? formatPcm : formatFloat, true)
  view.setUint16(22, channels, true)
  view.setUint32(24, audio.sampleRate, true)
  view.setUint32(28, audio.sampleRate * channels * bytesPerSample, true)
  view.setUint16(32, channels * bytesPerSample, true)
  view.setUint16(34, bytesPerSample * 8, true)
  let offset = 20 + fmtSize
  if (encoding === 'float32') {
    view.setUint16(36, 0, true)
    ascii(offset, 'fact')
    view.setUint32(offset + 4, 4, true)
    view.setUint32(offset + 8, frameCount(audio), true)
    offset += 12
  }
  ascii(offset, 'data')
  view.setUint32(offset + 4, dataBytes, true)
}

/** 16-bit PCM clips samples outside ±1 (it has no room for them) and rounds to the nearest step. */
function pcm16(sample: number): number {
  return Math.max(-32768, Math.min(32767, Math.round(sample * 32768)))
}

/** Encodes as a canonical RIFF/WAVE file; 16-bit samples are rounded and clipped to the 16-bit range. */
export function encodeWav(audio: PcmAudio, encoding: WavEncoding): Uint8Array {
  if (audio.channels.length === 0) throw new RangeError('cannot encode audio without channels')
  const frames = frameCount(audio)
  const bytesPerSample = encoding === 'pcm16' ? 2 : 4
  const blockAlign = audio.channels.length * bytesPerSample
  const dataBytes = frames * blockAlign
  const start = headerBytes(encoding)
  const bytes = new Uint8Array(start + dataBytes)
  const view = new DataView(bytes.buffer)
  writeHeader(view, audio, encoding, dataBytes)
  audio.channels.forEach((samples, channel) => {
    if (samples.length !== frames) throw new RangeError(`channel ${channel} has ${samples.length} samples, channel 0 has ${frames}`)
    let offset = start + channel * bytesPerSample
    for (let frame = 0; frame < frames; frame++, offset += blockAlign) {
      if (encoding === 'pcm16') view.setInt16(offset, pcm16(samples[frame]!), true)
      else view.setFloat32(offset, samples[frame]!, true)
    }
  })
  return bytes
}
