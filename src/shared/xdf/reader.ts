/**
 * XDF 1.0 reader over an in-memory file. It never throws on damaged input: a file cut mid-chunk keeps
 * everything before the cut, corrupt bytes are skipped up to the next boundary chunk, and each such
 * event is reported in `problems`.
 */

import { applyClockFit, dejitter, fitClockOffsets, spanSrate } from './clock'
import { ChunkTag, boundaryUuid, findBoundaryUuid, isLengthWidth, magicBytes, tagHasStreamId } from './format'
import { parseStreamFooterXml, parseStreamInfoXml } from './info'
import { CorruptChunkError, decodeSamplesChunk, type DecodedSamples } from './samples'
import { allocateSamples } from './types'
import type { NumericSamples, StreamDescription } from './types'

export interface XdfStream {
  id: number
  description: StreamDescription
  headerXml: string
  footerXml?: string
  timestamps: Float64Array
  /** Numeric streams: sample-major typed array (int64 as BigInt64Array). String streams: one string[] per sample. */
  samples: NumericSamples | string[][]
  sampleCount: number
  /** The stream's clock offset chunks, in file order, unmodified. */
  clockOffsets: { time: number; value: number }[]
  effectiveSrate: number
}

export interface XdfFile {
  headerXml: string
  /** In the order their headers appear in the file. */
  streams: XdfStream[]
  problems: string[]
}

export interface ReadOptions {
  /** Map timestamps to the recorder's clock using a robust line through the clock offsets. Default true. */
  synchronizeClocks?: boolean
  /** Replace timestamps of regular streams by a fitted line per segment. Default false. */
  dejitter?: boolean
  /** A gap longer than this (and than the samples threshold) starts a new dejitter segment. Default 1 s. */
  dejitterBreakThresholdSeconds?: number
  /** A gap longer than this many sample periods (and than the seconds threshold) starts a new segment. Default 500. */
  dejitterBreakThresholdSamples?: number
}

const utf8 = new TextDecoder('utf-8')

/** Grows per-stream sample storage geometrically so long recordings decode in amortised linear time. */
class StreamBuilder {
  readonly id: number
  readonly description: StreamDescription
  readonly headerXml: string
  footerXml: string | undefined
  readonly clockOffsets: { time: number; value: number }[] = []
  count = 0
  timestamps = new Float64Array(64)
  numeric: NumericSamples | undefined
  readonly strings: string[][] = []
  /** Last timestamp, explicit or deduced; undefined until the first sample. */
  previous: number | undefined
  /** Samples at the start of the stream that had no timestamp (see `resolveLeadingTimestamps`). */
  leadingWithoutTimestamp = 0
  sawExplicitTimestamp = false

  constructor(id: number, description: StreamDescription, headerXml: string) {
    this.id = id
    this.description = description
    this.headerXml = headerXml
    if (description.channelFormat !== 'string') this.numeric = allocateSamples(description.channelFormat, 64 * description.channelCount)
  }

  reserve(extraSamples: number): void {
    const needed = this.count + extraSamples
    if (needed <= this.timestamps.length) return
    const capacity = Math.max(needed, this.timestamps.length * 2)
    const timestamps = new Float64Array(capacity)
    timestamps.set(this.timestamps.subarray(0, this.count))
    this.timestamps = timestamps
    if (this.numeric !== undefined && this.description.channelFormat !== 'string') {
      const grown = allocateSamples(this.description.channelFormat, capacity * this.description.channelCount)
      copyInto(grown, this.numeric, this.count * this.description.channelCount)
      this.numeric = grown
    }
  }

  /** Adds one decoded chunk (decoding fails before anything is added, so a damaged chunk leaves no trace). */
  append(decoded: DecodedSamples): void {
    this.reserve(decoded.count)
    if (!this.sawExplicitTimestamp) {
      this.leadingWithoutTimestamp += Math.min(decoded.firstExplicit, decoded.count)
      if (decoded.firstExplicit < decoded.count) this.sawExplicitTimestamp = true
    }
    this.timestamps.set(decoded.timestamps, this.count)
    if (this.numeric === undefined) for (const sample of decoded.values as string[][]) this.strings.push(sample)
    else copyInto(this.numeric, decoded.values as NumericSamples, decoded.count * this.description.channelCount, this.count * this.description.channelCount)
    this.count += decoded.count
    if (decoded.count > 0) this.previous = decoded.timestamps[decoded.count - 1]
  }
}

/** Copies the first `length` values to `at`; both arrays are of the same element type by construction. */
function copyInto(target: NumericSamples, source: NumericSamples, length: number, at = 0): void {
  ;(target as Float64Array).set((source as Float64Array).subarray(0, length), at)
}

class Reader {
  readonly bytes: Uint8Array
  readonly view: DataView
  readonly builders = new Map<number, StreamBuilder>()
  private readonly notes = new Map<string, number>()
  headerXml: string | undefined

  constructor(bytes: Uint8Array) {
    this.bytes = bytes
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  note(message: string): void {
    this.notes.set(message, (this.notes.get(message) ?? 0) + 1)
  }

  problems(): string[] {
    return [...this.notes].map(([message, times]) => (times > 1 ? `${message} (${times} times)` : message))
  }

  run(): void {
    let pos = magicBytes.length
    while (pos < this.bytes.length) {
      const next = this.readChunkAt(pos)
      if (next === undefined) return
      pos = next
    }
  }

  /** Reads the chunk at `start`; returns where to continue, or undefined to stop. */
  private readChunkAt(start: number): number | undefined {
    const bytes = this.bytes
    const width = bytes[start] ?? 0
    if (!isLengthWidth(width)) return this.resync(start, `invalid length width ${width}`)
    if (start + 1 + width > bytes.length) return this.truncated(start)
    const length = this.readUnsigned(start + 1, width)
    const contentStart = start + 1 + width
    if (length < 2) return this.resync(start, `chunk length ${length} is too short`)
    if (contentStart + length > bytes.length) {
      // Either the recording was cut inside this chunk or its length field is damaged; only a later
      // boundary chunk tells the two apart.
      if (findBoundaryUuid(bytes, start + 1) === -1) return this.truncated(start)
      return this.resync(start, `chunk length ${length} runs past the end of the file`)
    }
    const end = contentStart + length
    const tag = this.view.getUint16(contentStart, true)
    try {
      this.dispatch(tag, contentStart + 2, end)
    } catch (error) {
      // Anything that goes wrong inside a chunk is treated as damage: the caller gets what could be read.
      return this.resync(start, error instanceof Error ? error.message : String(error))
    }
    return end
  }

  private truncated(start: number): undefined {
    this.note(`file ends inside the chunk at byte ${start} (recording cut short?); its partial content was dropped`)
    return undefined
  }

  private resync(start: number, reason: string): number | undefined {
    const found = findBoundaryUuid(this.bytes, start + 1)
    if (found === -1) {
      this.note(`corrupt data at byte ${start} (${reason}); no later boundary chunk, so the remaining ${this.bytes.length - start} bytes were skipped`)
      return undefined
    }
    const resume = found + boundaryUuid.length
    this.note(`corrupt data at byte ${start} (${reason}); skipped to the end of the boundary chunk at byte ${resume}`)
    return resume
  }

  private readUnsigned(offset: number, width: 1 | 4 | 8): number {
    if (width === 1) return this.view.getUint8(offset)
    if (width === 4) return this.view.getUint32(offset, true)
    const big = this.view.getBigUint64(offset, true)
    return big > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(big)
  }

  private dispatch(tag: number, offset: number, end: number): void {
    if (tag === ChunkTag.FileHeader) return this.onFileHeader(offset, end)
    if (tag === ChunkTag.Boundary) return this.onBoundary(offset, end)
    if (!tagHasStreamId(tag)) {
      this.note(`skipped chunk(s) with unknown tag ${tag}`)
      return
    }
    if (offset + 4 > end) throw new CorruptChunkError(`chunk with tag ${tag} is too short for a stream id`)
    const streamId = this.view.getUint32(offset, true)
    offset += 4
    if (tag === ChunkTag.StreamHeader) return this.onStreamHeader(streamId, offset, end)
    const builder = this.builders.get(streamId)
    if (builder === undefined) {
      this.note(`skipped chunk(s) with tag ${tag} for stream ${streamId}, which has no stream header`)
      return
    }
    if (tag === ChunkTag.Samples) return decodeSamples(this, builder, offset, end)
    if (tag === ChunkTag.ClockOffset) return this.onClockOffset(builder, offset, end)
    return this.onStreamFooter(builder, offset, end)
  }

  private text(offset: number, end: number): string {
    return utf8.decode(this.bytes.subarray(offset, end))
  }

  private onFileHeader(offset: number, end: number): void {
    if (this.headerXml === undefined) this.headerXml = this.text(offset, end)
    else this.note('ignored an extra file header chunk')
  }

  private onBoundary(offset: number, end: number): void {
    if (end - offset !== boundaryUuid.length || findBoundaryUuid(this.bytes.subarray(offset, end), 0) !== 0) {
      throw new CorruptChunkError('boundary chunk without the boundary UUID')
    }
  }

  private onStreamHeader(streamId: number, offset: number, end: number): void {
    if (this.builders.has(streamId)) {
      this.note(`ignored a repeated header for stream ${streamId}`)
      return
    }
    const xml = this.text(offset, end)
    let description: StreamDescription
    try {
      description = parseStreamInfoXml(xml)
    } catch (error) {
      this.note(`stream ${streamId} has an unusable header (${error instanceof Error ? error.message : String(error)}); its chunks are skipped`)
      return
    }
    this.builders.set(streamId, new StreamBuilder(streamId, description, xml))
  }

  private onClockOffset(builder: StreamBuilder, offset: number, end: number): void {
    if (end - offset !== 16) throw new CorruptChunkError(`clock offset chunk of stream ${builder.id} has ${end - offset} content bytes, not 16`)
    builder.clockOffsets.push({ time: this.view.getFloat64(offset, true), value: this.view.getFloat64(offset + 8, true) })
  }

  private onStreamFooter(builder: StreamBuilder, offset: number, end: number): void {
    if (builder.footerXml !== undefined) this.note(`ignored a repeated footer for stream ${builder.id}`)
    else builder.footerXml = this.text(offset, end)
  }
}

function decodeSamples(reader: Reader, builder: StreamBuilder, start: number, end: number): void {
  builder.append(decodeSamplesChunk(reader.bytes.subarray(start, end), builder.description, builder.previous, builder.id))
}

/**
 * Samples written without a timestamp before any sample with one have nothing to count from. They
 * were provisionally numbered 0, 1/srate, 2/srate, …; when the footer states first_timestamp they
 * are moved to start there, otherwise they stay relative to 0.
 */
function resolveLeadingTimestamps(builder: StreamBuilder, timestamps: Float64Array): void {
  if (builder.leadingWithoutTimestamp === 0 || builder.footerXml === undefined) return
  const first = parseStreamFooterXml(builder.footerXml).firstTimestamp
  if (first === undefined) return
  for (let i = 0; i < builder.leadingWithoutTimestamp; i++) timestamps[i] = (timestamps[i] ?? 0) + first
}

function finishStream(builder: StreamBuilder, options: ReadOptions): XdfStream {
  const count = builder.count
  const timestamps = builder.timestamps.slice(0, count)
  resolveLeadingTimestamps(builder, timestamps)
  if (options.synchronizeClocks ?? true) {
    const offsets = builder.clockOffsets
    if (offsets.length > 0) {
      const fit = fitClockOffsets(
        offsets.map((o) => o.time),
        offsets.map((o) => o.value),
      )
      applyClockFit(timestamps, fit)
    }
  }
  let finalTimestamps: Float64Array = timestamps
  let effectiveSrate = spanSrate(timestamps)
  if (options.dejitter === true && builder.description.nominalSrate > 0) {
    const result = dejitter(
      timestamps,
      builder.description.nominalSrate,
      options.dejitterBreakThresholdSeconds ?? 1,
      options.dejitterBreakThresholdSamples ?? 500,
    )
    finalTimestamps = result.timestamps
    effectiveSrate = result.effectiveSrate
  }
  const channelCount = builder.description.channelCount
  const samples = builder.numeric === undefined ? builder.strings.slice(0, count) : builder.numeric.slice(0, count * channelCount)
  const stream: XdfStream = {
    id: builder.id,
    description: builder.description,
    headerXml: builder.headerXml,
    timestamps: finalTimestamps,
    samples,
    sampleCount: count,
    clockOffsets: builder.clockOffsets,
    effectiveSrate,
  }
  if (builder.footerXml !== undefined) stream.footerXml = builder.footerXml
  return stream
}

function hasMagic(bytes: Uint8Array): boolean {
  return bytes.length >= magicBytes.length && magicBytes.every((b, i) => bytes[i] === b)
}

export function readXdf(bytes: Uint8Array, options: ReadOptions = {}): XdfFile {
  if (!hasMagic(bytes)) return { headerXml: '', streams: [], problems: ['not an XDF file: it does not start with "XDF:"'] }
  const reader = new Reader(bytes)
  reader.run()
  const problems = reader.problems()
  if (reader.headerXml === undefined) problems.push('the file has no file header chunk')
  const streams = [...reader.builders.values()].map((builder) => finishStream(builder, options))
  return { headerXml: reader.headerXml ?? '', streams, problems }
}
