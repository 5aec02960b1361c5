/**
 * Pure XDF 1.0 chunk encoders. Each function returns one complete chunk
 * `[width u8][length][tag u16][stream id u32?][content]`; a recorder writes `xdfMagic` once and then
 * appends chunks, so a file cut at any point still holds every chunk written before the cut.
 */

import { ChunkTag, boundaryUuid, fitsInWidth, hostIsLittleEndian, magicBytes, smallestLengthWidth, varLenSize, writeVarLen } from './format'
import type { LengthWidth } from './format'
import { fileHeaderXml } from './info'
import { valueBytes } from './types'
import type { ChannelFormat, NumericChannelFormat, NumericSamples } from './types'

export { parseStreamFooterXml, parseStreamInfoXml, streamFooterXml, streamHeaderXml, XdfMetadataError } from './info'
export type { ClockOffset, StreamFooter } from './info'
export type { LengthWidth } from './format'

export interface ChunkOptions {
  /** Force the width of the chunk length field (normally the smallest of 1/4/8 that fits). */
  lengthBytes?: LengthWidth
}

export interface FileHeaderOptions extends ChunkOptions {
  /** Recording start; a Date is written as ISO 8601 UTC. */
  datetime?: string | Date
}

export const xdfMagic: Uint8Array = magicBytes

const utf8 = new TextEncoder()

type ContentWriter = (view: DataView, bytes: Uint8Array, offset: number) => void

/** Allocates the whole chunk once and lets `write` fill the content in place. */
function buildChunk(tag: number, streamId: number | undefined, contentLength: number, write: ContentWriter, options?: ChunkOptions): Uint8Array {
  const headerExtra = streamId === undefined ? 0 : 4
  const length = 2 + headerExtra + contentLength
  const width = options?.lengthBytes ?? smallestLengthWidth(length)
  if (!fitsInWidth(length, width)) throw new RangeError(`chunk length ${length} does not fit in ${width} byte(s)`)
  const bytes = new Uint8Array(1 + width + length)
  const view = new DataView(bytes.buffer)
  let offset = writeVarLen(view, 0, length, width)
  view.setUint16(offset, tag, true)
  offset += 2
  if (streamId !== undefined) {
    checkStreamId(streamId)
    view.setUint32(offset, streamId, true)
    offset += 4
  }
  write(view, bytes, offset)
  return bytes
}

function checkStreamId(streamId: number): void {
  if (!Number.isInteger(streamId) || streamId < 0 || streamId > 0xffff_ffff) throw new RangeError(`invalid stream id ${streamId}`)
}

function textChunk(tag: number, streamId: number | undefined, text: string, options?: ChunkOptions): Uint8Array {
  const encoded = utf8.encode(text)
  return buildChunk(tag, streamId, encoded.length, (_view, bytes, offset) => bytes.set(encoded, offset), options)
}

export function encodeFileHeader(extraXml?: string, options?: FileHeaderOptions): Uint8Array {
  return textChunk(ChunkTag.FileHeader, undefined, fileHeaderXml(extraXml, options?.datetime), options)
}

export function encodeStreamHeader(streamId: number, xml: string, options?: ChunkOptions): Uint8Array {
  return textChunk(ChunkTag.StreamHeader, streamId, xml, options)
}

export function encodeStreamFooter(streamId: number, xml: string, options?: ChunkOptions): Uint8Array {
  return textChunk(ChunkTag.StreamFooter, streamId, xml, options)
}

export function encodeClockOffset(streamId: number, collectionTime: number, offsetValue: number, options?: ChunkOptions): Uint8Array {
  return buildChunk(
    ChunkTag.ClockOffset,
    streamId,
    16,
    (view, _bytes, offset) => {
      view.setFloat64(offset, collectionTime, true)
      view.setFloat64(offset + 8, offsetValue, true)
    },
    options,
  )
}

export function encodeBoundary(options?: ChunkOptions): Uint8Array {
  return buildChunk(ChunkTag.Boundary, undefined, boundaryUuid.length, (_view, bytes, offset) => bytes.set(boundaryUuid, offset), options)
}

export type StringSamples = readonly (readonly string[])[] | readonly string[]

/** Per-sample rows; a flat sample-major list is cut into rows of `channelCount`. */
function stringRows(values: StringSamples, channelCount: number): readonly (readonly string[])[] {
  if (values.length === 0 || typeof values[0] !== 'string') return values as readonly (readonly string[])[]
  const flat = values as readonly string[]
  if (flat.length % channelCount !== 0) throw new RangeError(`${flat.length} strings are not a whole number of ${channelCount}-channel samples`)
  const rows: (readonly string[])[] = []
  for (let i = 0; i < flat.length; i += channelCount) rows.push(flat.slice(i, i + channelCount))
  return rows
}

export type Timestamps = Float64Array | readonly (number | null)[]

/** A null or NaN timestamp is written as "none", which readers take as previous + 1/nominal_srate. */
function timestampAt(timestamps: Timestamps, i: number): number | null {
  const t = timestamps[i]
  return t === undefined || t === null || Number.isNaN(t) ? null : t
}

/**
 * One samples chunk. Numeric `values` are sample-major (`timestamps.length * channelCount` values);
 * a typed array of the format's own type is copied byte for byte, any other numeric array is
 * converted per value as DataView does (integers wrap, fractions truncate). Strings are either one
 * array of `channelCount` strings per sample, or one flat sample-major string[] (as liblsl pulls them).
 */
export function encodeSamples(
  streamId: number,
  format: ChannelFormat,
  channelCount: number,
  timestamps: Timestamps,
  values: NumericSamples | StringSamples,
  options?: ChunkOptions,
): Uint8Array {
  if (!Number.isSafeInteger(channelCount) || channelCount < 1) throw new RangeError(`invalid channel count ${channelCount}`)
  const sampleCount = timestamps.length
  let stampBytes = 0
  for (let i = 0; i < sampleCount; i++) stampBytes += timestampAt(timestamps, i) === null ? 1 : 9
  const countSize = varLenSize(sampleCount)
  if (format === 'string') {
    if (!Array.isArray(values)) throw new TypeError('string samples must be given as string[][] or a flat string[]')
    return encodeStringSamples(streamId, channelCount, timestamps, stringRows(values as StringSamples, channelCount), countSize + stampBytes, options)
  }
  if (Array.isArray(values)) throw new TypeError(`${format} samples must be given as a typed array`)
  const numeric = values as NumericSamples
  if (numeric.length !== sampleCount * channelCount) {
    throw new RangeError(`${sampleCount} samples × ${channelCount} channels need ${sampleCount * channelCount} values, got ${numeric.length}`)
  }
  const sampleBytes = channelCount * valueBytes[format]
  return buildChunk(
    ChunkTag.Samples,
    streamId,
    countSize + stampBytes + sampleCount * sampleBytes,
    (view, bytes, start) => {
      let offset = writeVarLen(view, start, sampleCount)
      const write = numericWriter(format, numeric, channelCount, view, bytes)
      for (let i = 0; i < sampleCount; i++) {
        offset = writeTimestamp(view, offset, timestampAt(timestamps, i))
        write(i, offset)
        offset += sampleBytes
      }
    },
    options,
  )
}

function writeTimestamp(view: DataView, offset: number, timestamp: number | null): number {
  if (timestamp === null) {
    view.setUint8(offset, 0)
    return offset + 1
  }
  view.setUint8(offset, 8)
  view.setFloat64(offset + 1, timestamp, true)
  return offset + 9
}

function sameArrayType(format: NumericChannelFormat, values: NumericSamples): boolean {
  switch (format) {
    case 'int8':
      return values instanceof Int8Array
    case 'int16':
      return values instanceof Int16Array
    case 'int32':
      return values instanceof Int32Array
    case 'int64':
      return values instanceof BigInt64Array
    case 'float32':
      return values instanceof Float32Array
    case 'double64':
      return values instanceof Float64Array
  }
}

/** Returns a function writing sample `i`'s values at `offset`. */
function numericWriter(
  format: NumericChannelFormat,
  values: NumericSamples,
  channelCount: number,
  view: DataView,
  bytes: Uint8Array,
): (i: number, offset: number) => void {
  const sampleBytes = channelCount * valueBytes[format]
  if (hostIsLittleEndian && sameArrayType(format, values)) {
    const source = new Uint8Array(values.buffer, values.byteOffset, values.byteLength)
    return (i, offset) => bytes.set(source.subarray(i * sampleBytes, (i + 1) * sampleBytes), offset)
  }
  const setValue = valueSetter(format, view)
  return (i, offset) => {
    for (let c = 0; c < channelCount; c++) setValue(offset + c * valueBytes[format], values[i * channelCount + c] ?? 0)
  }
}

function valueSetter(format: NumericChannelFormat, view: DataView): (offset: number, value: number | bigint) => void {
  const asNumber = (v: number | bigint): number => (typeof v === 'bigint' ? Number(v) : v)
  switch (format) {
    case 'int8':
      return (o, v) => view.setInt8(o, asNumber(v))
    case 'int16':
      return (o, v) => view.setInt16(o, asNumber(v), true)
    case 'int32':
      return (o, v) => view.setInt32(o, asNumber(v), true)
    case 'int64':
      return (o, v) => view.setBigInt64(o, typeof v === 'bigint' ? v : BigInt(Math.trunc(Number.isFinite(v) ? v : 0)), true)
    case 'float32':
      return (o, v) => view.setFloat32(o, asNumber(v), true)
    case 'double64':
      return (o, v) => view.setFloat64(o, asNumber(v), true)
  }
}

function encodeStringSamples(
  streamId: number,
  channelCount: number,
  timestamps: Timestamps,
  values: readonly (readonly string[])[],
  fixedBytes: number,
  options?: ChunkOptions,
): Uint8Array {
  if (values.length !== timestamps.length) throw new RangeError(`${timestamps.length} timestamps but ${values.length} string samples`)
  const encoded: Uint8Array[] = []
  let contentLength = fixedBytes
  for (const sample of values) {
    if (sample.length !== channelCount) throw new RangeError(`a string sample has ${sample.length} values, expected ${channelCount}`)
    for (const value of sample) {
      const bytes = utf8.encode(value)
      encoded.push(bytes)
      contentLength += varLenSize(bytes.length) + bytes.length
    }
  }
  return buildChunk(
    ChunkTag.Samples,
    streamId,
    contentLength,
    (view, bytes, start) => {
      let offset = writeVarLen(view, start, values.length)
      let next = 0
      for (let i = 0; i < values.length; i++) {
        offset = writeTimestamp(view, offset, timestampAt(timestamps, i))
        for (let c = 0; c < channelCount; c++) {
          const text = encoded[next++] ?? new Uint8Array(0)
          offset = writeVarLen(view, offset, text.length)
          bytes.set(text, offset)
          offset += text.length
        }
      }
    },
    options,
  )
}

