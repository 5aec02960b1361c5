/**
 * Decodes stimulus files: WAV in TypeScript, FLAC, MP3, Ogg Opus and Ogg Vorbis with the WebAssembly
 * decoders of the wasm-audio-decoders family. Each decoder module is loaded on first use only.
 */
import { readFile } from 'node:fs/promises'
import { EntrainError } from '../../shared/errors'
import { audioFormatNames, detectAudioFormat, type AudioFileFormat } from '../../shared/audio/format'
import type { PcmAudio } from '../../shared/audio/types'
import { decodeWav } from '../../shared/audio/wav'

/** What every wasm-audio-decoders decoder returns. */
interface DecodedAudio {
  channelData: Float32Array[]
  samplesDecoded: number
  sampleRate: number
  errors: { message: string }[]
}

/** A problem with the content; decodeAudioFile puts the file's name in front of the message. */
class UndecodableError extends Error {}

async function readBytes(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new EntrainError('NOT_FOUND', `cannot decode ${file}: no such file`)
    if (code === 'EACCES' || code === 'EPERM') throw new EntrainError('PERMISSION_DENIED', `cannot decode ${file}: permission denied`)
    if (code === 'EISDIR') throw new EntrainError('IO_ERROR', `cannot decode ${file}: it is a directory, not a file`)
    throw new EntrainError('IO_ERROR', `cannot decode ${file}: ${(error as Error).message}`)
  }
}

/**
 * Checks what a decoder returned and copies the samples out of it: the decoder's arrays may be
 * longer than the decoded part.
 */
function toPcm(decoded: DecodedAudio, format: AudioFileFormat): PcmAudio {
  const name = audioFormatNames[format]
  const [firstError] = decoded.errors
  if (firstError !== undefined) throw new UndecodableError(`the ${name} data is corrupt (${firstError.message.trim()})`)
  if (decoded.samplesDecoded === 0 || decoded.channelData.length === 0) throw new UndecodableError(`the ${name} data is corrupt: it holds no decodable audio`)
  return { sampleRate: decoded.sampleRate, channels: decoded.channelData.map((samples) => samples.slice(0, decoded.samplesDecoded)) }
}

/** The total sample count per channel that a FLAC stream's STREAMINFO declares; 0 means unknown. */
function flacDeclaredSamples(bytes: Uint8Array): number {
  // "fLaC", the header of the first metadata block (which must be STREAMINFO, type 0), then
  // STREAMINFO itself, whose bits 108…143 hold the count.
  if (bytes.length < 26 || (bytes[4]! & 0x7f) !== 0) return 0
  const high = bytes[21]! & 0x0f
  const low = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(22)
  return high * 2 ** 32 + low
}

interface Freeable {
  ready: Promise<void>
  free: () => void
}

/** Runs `use` on a fresh decoder and frees the decoder's WebAssembly memory afterwards. */
async function withDecoder<D extends Freeable, T>(decoder: D, use: (decoder: D) => Promise<T> | T): Promise<T> {
  try {
    await decoder.ready
    return await use(decoder)
  } finally {
    decoder.free()
  }
}

async function decodeFlac(bytes: Uint8Array): Promise<PcmAudio> {
  const { FLACDecoder } = await import('@wasm-audio-decoders/flac')
  const audio = toPcm(await withDecoder(new FLACDecoder(), (decoder) => decoder.decodeFile(bytes)), 'flac')
  // libFLAC skips frames it cannot read without reporting an error: the declared length tells.
  const declared = flacDeclaredSamples(bytes)
  const decoded = audio.channels[0]!.length
  if (declared > 0 && decoded < declared) {
    throw new UndecodableError(`the FLAC data is truncated or corrupt: only ${decoded} of its ${declared} samples per channel could be decoded`)
  }
  return audio
}

async function decodeMp3(bytes: Uint8Array): Promise<PcmAudio> {
  const { MPEGDecoder } = await import('mpg123-decoder')
  return toPcm(await withDecoder(new MPEGDecoder(), (decoder) => decoder.decode(bytes)), 'mp3')
}

async function decodeOpus(bytes: Uint8Array): Promise<PcmAudio> {
  const { OggOpusDecoder } = await import('ogg-opus-decoder')
  return toPcm(await withDecoder(new OggOpusDecoder(), (decoder) => decoder.decodeFile(bytes)), 'opus')
}

async function decodeVorbis(bytes: Uint8Array): Promise<PcmAudio> {
  const { OggVorbisDecoder } = await import('@wasm-audio-decoders/ogg-vorbis')
  return toPcm(await withDecoder(new OggVorbisDecoder(), (decoder) => decoder.decodeFile(bytes)), 'vorbis')
}

const decoders: Record<AudioFileFormat, (bytes: Uint8Array) => Promise<PcmAudio>> = {
  wav: async (bytes) => decodeWav(bytes),
  flac: decodeFlac,
  mp3: decodeMp3,
  opus: decodeOpus,
  vorbis: decodeVorbis,
}

async function decodeBytes(file: string, bytes: Uint8Array): Promise<{ format: AudioFileFormat; audio: PcmAudio }> {
  const detected = detectAudioFormat(bytes)
  if (detected === null) {
    throw new EntrainError('INVALID_INPUT', `cannot decode ${file}: not a supported audio file (expected WAV, FLAC, MP3, Ogg Opus or Ogg Vorbis)`)
  }
  try {
    return { format: detected.format, audio: await decoders[detected.format](bytes.subarray(detected.offset)) }
  } catch (error) {
    if (error instanceof UndecodableError || error instanceof EntrainError) throw new EntrainError('INVALID_INPUT', `cannot decode ${file}: ${error.message}`)
    // The decoders' own failures (a WebAssembly trap on a mangled packet, say) mean corrupt data too.
    throw new EntrainError('INVALID_INPUT', `cannot decode ${file}: the ${audioFormatNames[detected.format]} data is corrupt (${error instanceof Error ? error.message : String(error)})`)
  }
}

export type DecodedAudioFile = PcmAudio & { format: AudioFileFormat }

/**
 * Decodes a whole audio file, recognised by its content, to planar float samples at its own rate;
 * also says which format it was.
 */
export async function decodeAudioFile(file: string): Promise<DecodedAudioFile> {
  const { format, audio } = await decodeBytes(file, await readBytes(file))
  return { ...audio, format }
}
