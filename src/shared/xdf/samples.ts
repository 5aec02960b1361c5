/**
 * Decoding of one XDF samples chunk on its own: the in-memory reader decodes every chunk of a file
 * with it, and the streaming file reader in main decodes only the chunks it needs.
 */

import { hostIsLittleEndian, isLengthWidth } from './format'
import { allocateSamples, valueBytes } from './types'
import type { NumericChannelFormat, NumericSamples, StreamDescription } from './types'

/** Bytes that cannot be decoded as the chunk they claim to be; readers resync at the next boundary. */
export class CorruptChunkError extends Error {}

const utf8 = new TextDecoder('utf-8')

export interface DecodedSamples {
  count: number
  /** Explicit timestamps, or the previous one + 1/nominal srate (0, 1/srate, … before any). */
  timestamps: Float64Array
  /** Numeric streams: sample-major typed array of the stream's format. String streams: one string[] per sample. */
  values: NumericSamples | string[][]
  /** Index of the first sample that carried its own timestamp; `count` when none did. */
  firstExplicit: number
}

function readUnsigned(view: DataView, offset: number, width: 1 | 4 | 8): number {
  if (width === 1) return view.getUint8(offset)
  if (width === 4) return view.getUint32(offset, true)
  const big = view.getBigUint64(offset, true)
  return big > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(big)
}

/** A varlen integer inside [offset, end) of `bytes`; returns its value and the offset after it. */
export function readVarLen(bytes: Uint8Array, view: DataView, offset: number, end: number): [number, number] {
  const width = bytes[offset]
  if (width === undefined || offset >= end || !isLengthWidth(width)) throw new CorruptChunkError(`invalid length width ${width ?? 'none'} at byte ${offset}`)
  if (offset + 1 + width > end) throw new CorruptChunkError(`length field at byte ${offset} runs past its chunk`)
  return [readUnsigned(view, offset + 1, width), offset + 1 + width]
}

/**
 * Decodes the content of a samples chunk (the bytes after its stream id). `previous` is the stream's
 * last timestamp before this chunk (undefined before its first sample). Throws CorruptChunkError
 * when the bytes are not the chunk they claim to be.
 */
export function decodeSamplesChunk(content: Uint8Array, description: StreamDescription, previous: number | undefined, streamId = 0): DecodedSamples {
  const { channelFormat: format, channelCount } = description
  const view = new DataView(content.buffer, content.byteOffset, content.byteLength)
  const end = content.length
  const [count, afterCount] = readVarLen(content, view, 0, end)
  // Each sample takes at least its timestamp flag plus its values; a larger count means damage, and
  // must not drive a huge allocation.
  const minimumSampleBytes = 1 + channelCount * (format === 'string' ? 2 : valueBytes[format])
  if (count > (end - afterCount) / minimumSampleBytes) {
    throw new CorruptChunkError(`samples chunk of stream ${streamId} claims ${count} samples in ${end - afterCount} bytes`)
  }
  const timestamps = new Float64Array(count)
  const period = description.nominalSrate > 0 ? 1 / description.nominalSrate : 0
  const strings: string[][] = []
  const numeric = format === 'string' ? undefined : allocateSamples(format, count * channelCount)
  const storeValues = numeric === undefined || format === 'string' ? undefined : numericStore(format, numeric, channelCount, content, view)
  const sampleBytes = format === 'string' ? 0 : channelCount * valueBytes[format]
  let firstExplicit = count
  let offset = afterCount
  for (let i = 0; i < count; i++) {
    const flag = content[offset]
    if (flag === 8) {
      if (offset + 9 > end) throw new CorruptChunkError(`sample of stream ${streamId} runs past its chunk`)
      previous = view.getFloat64(offset + 1, true)
      if (firstExplicit === count) firstExplicit = i
      offset += 9
    } else if (flag === 0) {
      previous = previous === undefined ? 0 : previous + period
      offset += 1
    } else {
      throw new CorruptChunkError(`invalid timestamp flag ${flag ?? 'none'} in stream ${streamId}`)
    }
    timestamps[i] = previous
    if (storeValues === undefined) {
      const sample: string[] = []
      for (let c = 0; c < channelCount; c++) {
        const [length, textStart] = readVarLen(content, view, offset, end)
        if (textStart + length > end) throw new CorruptChunkError(`string value of stream ${streamId} runs past its chunk`)
        sample.push(utf8.decode(content.subarray(textStart, textStart + length)))
        offset = textStart + length
      }
      strings.push(sample)
    } else {
      if (offset + sampleBytes > end) throw new CorruptChunkError(`sample of stream ${streamId} runs past its chunk`)
      storeValues(i, offset)
      offset += sampleBytes
    }
  }
  if (offset !== end) throw new CorruptChunkError(`samples chunk of stream ${streamId} has ${end - offset} unexplained bytes`)
  return { count, timestamps, values: numeric ?? strings, firstExplicit }
}

/** Returns a function that stores the values at `offset` as sample `index` of `target`. */
function numericStore(format: NumericChannelFormat, target: NumericSamples, channelCount: number, bytes: Uint8Array, view: DataView): (index: number, offset: number) => void {
  const size = valueBytes[format]
  const sampleBytes = channelCount * size
  if (hostIsLittleEndian) {
    const targetBytes = new Uint8Array(target.buffer, target.byteOffset, target.byteLength)
    return (index, offset) => targetBytes.set(bytes.subarray(offset, offset + sampleBytes), index * sampleBytes)
  }
  const get = valueGetter(format, view)
  const values = target as Float64Array
  return (index, offset) => {
    for (let c = 0; c < channelCount; c++) values[index * channelCount + c] = get(offset + c * size) as number
  }
}

function valueGetter(format: NumericChannelFormat, view: DataView): (offset: number) => number | bigint {
  switch (format) {
    case 'int8':
      return (o) => view.getInt8(o)
    case 'int16':
      return (o) => view.getInt16(o, true)
    case 'int32':
      return (o) => view.getInt32(o, true)
    case 'int64':
      return (o) => view.getBigInt64(o, true)
    case 'float32':
      return (o) => view.getFloat32(o, true)
    case 'double64':
      return (o) => view.getFloat64(o, true)
  }
}
