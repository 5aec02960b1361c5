/**
 * An XDF file read from disk a piece at a time, so a recording of any length can be browsed and
 * exported without holding it in memory: `open` scans the chunk headers once (reading the bytes of
 * headers, footers and clock offsets, skipping over sample data) and keeps an index of every
 * samples chunk; samples are then decoded chunk by chunk, only where they are asked for.
 * Timestamps come out in the recording computer's clock (the stream's clock offsets fitted with
 * a robust line, as `readXdf` does by default).
 */
import { promises as fs } from 'node:fs'
import { EntrainError } from '../../shared/errors'
import { applyClockFit, fitClockOffsets, type LinearFit } from '../../shared/xdf/clock'
import { ChunkTag, boundaryUuid, findBoundaryUuid, isLengthWidth, magicBytes, tagHasStreamId } from '../../shared/xdf/format'
import { parseStreamInfoXml } from '../../shared/xdf/info'
import { CorruptChunkError, decodeSamplesChunk, readVarLen } from '../../shared/xdf/samples'
import { allocateSamples, valueBytes, type NumericSamples, type StreamDescription } from '../../shared/xdf/types'

const blockBytes = 4 << 20
const utf8 = new TextDecoder('utf-8')

/** Where each samples chunk of a stream is, in growable parallel arrays (a 2 h file has ~10⁶ chunks). */
class ChunkIndex {
  length = 0
  contentStart = new Float64Array(256)
  contentLength = new Float64Array(256)
  firstSample = new Float64Array(256)
  count = new Float64Array(256)
  /** First timestamp as written (explicit, or deduced from the chunk before), before clock sync. */
  firstTime = new Float64Array(256)

  push(contentStart: number, contentLength: number, firstSample: number, count: number, firstTime: number): void {
    if (this.length === this.count.length) {
      for (const key of ['contentStart', 'contentLength', 'firstSample', 'count', 'firstTime'] as const) {
        const grown = new Float64Array(this.length * 2)
        grown.set(this[key])
        this[key] = grown
      }
    }
    const i = this.length++
    this.contentStart[i] = contentStart
    this.contentLength[i] = contentLength
    this.firstSample[i] = firstSample
    this.count[i] = count
    this.firstTime[i] = firstTime
  }

  /** The chunk holding sample `sample` (the last chunk that starts at or before it). */
  chunkOfSample(sample: number): number {
    let low = 0
    let high = this.length - 1
    while (low < high) {
      const middle = (low + high + 1) >> 1
      if (this.firstSample[middle]! <= sample) low = middle
      else high = middle - 1
    }
    return low
  }

  /** The last chunk whose first timestamp is at or before `time` (0 when none). */
  chunkAtTime(time: number): number {
    let low = 0
    let high = this.length - 1
    while (low < high) {
      const middle = (low + high + 1) >> 1
      if (this.firstTime[middle]! <= time) low = middle
      else high = middle - 1
    }
    return low
  }
}

export interface XdfFileStream {
  id: number
  description: StreamDescription
  headerXml: string
  footerXml?: string
  clockOffsets: { time: number; value: number }[]
  sampleCount: number
  /** In the recording computer's clock; NaN for a stream without samples. */
  firstTimestamp: number
  lastTimestamp: number
  /** Samples per second over the stream's span (0 when it cannot be told). */
  effectiveSrate: number
}

/** A stream as people and the UI list it: its description's key facts and its extent; timestamps null without samples. */
export function streamSummary(stream: XdfFileStream) {
  return {
    id: stream.id,
    name: stream.description.name,
    type: stream.description.type,
    channelCount: stream.description.channelCount,
    channelFormat: stream.description.channelFormat,
    nominalSrate: stream.description.nominalSrate,
    effectiveSrate: stream.effectiveSrate,
    sampleCount: stream.sampleCount,
    firstTimestamp: Number.isFinite(stream.firstTimestamp) ? stream.firstTimestamp : null,
    lastTimestamp: Number.isFinite(stream.lastTimestamp) ? stream.lastTimestamp : null,
  }
}

/** Samples of one stream, sample-major, with their timestamps in the recording computer's clock. */
export interface SampleBlock {
  /** Index of the first sample in the stream. */
  first: number
  timestamps: Float64Array
  values: NumericSamples | string[][]
  /** The last timestamp before clock sync, which the next chunk's samples without timestamps count from. */
  rawLast?: number
}

interface StreamState {
  stream: XdfFileStream
  chunks: ChunkIndex
  fit: LinearFit
  /** Last timestamp seen while scanning, to deduce chunks whose first sample has none. */
  previous: number | undefined
}

export class XdfFile {
  readonly streams: XdfFileStream[] = []
  readonly problems: string[] = []
  headerXml = ''
  private readonly states = new Map<number, StreamState>()

  private constructor(
    readonly file: string,
    readonly size: number,
    private readonly handle: fs.FileHandle,
  ) {}

  /** Scans `file`; `onProgress` hears the fraction of its bytes scanned. */
  static async open(file: string, onProgress?: (fraction: number) => void): Promise<XdfFile> {
    const handle = await fs.open(file, 'r').catch((error: NodeJS.ErrnoException) => {
      throw new EntrainError(error.code === 'ENOENT' ? 'NOT_FOUND' : 'IO_ERROR', `cannot read ${file}: ${error.message}`)
    })
    try {
      const stats = await handle.stat()
      if (!stats.isFile()) throw new EntrainError('INVALID_INPUT', `${file} is not a file`)
      const { size } = stats
      const xdf = new XdfFile(file, size, handle)
      await xdf.scan(onProgress)
      return xdf
    } catch (error) {
      await handle.close()
      throw error
    }
  }

  async close(): Promise<void> {
    await this.handle.close()
  }

  stream(id: number): XdfFileStream {
    const state = this.states.get(id)
    if (!state) throw new EntrainError('INVALID_INPUT', `${this.file} has no stream ${id}`)
    return state.stream
  }

  /** Reads `length` bytes at `position` (fewer at the end of the file). */
  private async read(position: number, length: number): Promise<Uint8Array> {
    const buffer = new Uint8Array(Math.max(0, Math.min(length, this.size - position)))
    let done = 0
    while (done < buffer.length) {
      const { bytesRead } = await this.handle.read(buffer, done, buffer.length - done, position + done)
      if (bytesRead === 0) break
      done += bytesRead
    }
    return done === buffer.length ? buffer : buffer.subarray(0, done)
  }

  private async scan(onProgress?: (fraction: number) => void): Promise<void> {
    const magic = await this.read(0, magicBytes.length)
    if (magic.length < magicBytes.length || !magicBytes.every((byte, i) => magic[i] === byte)) {
      throw new EntrainError('INVALID_INPUT', `${this.file} is not an XDF file: it does not start with "XDF:"`)
    }
    let block: Uint8Array = new Uint8Array(0)
    let blockStart = 0
    /** Makes [position, position + length) available in `block` (less at the end of the file); returns its offset there. */
    const bytesAt = async (position: number, length: number): Promise<number> => {
      if (position < blockStart || position + length > blockStart + block.length) {
        block = await this.read(position, Math.max(length, blockBytes))
        blockStart = position
      }
      return position - blockStart
    }
    const notes = new Map<string, number>()
    const note = (message: string) => notes.set(message, (notes.get(message) ?? 0) + 1)
    let position = magicBytes.length
    let lastReport = 0
    while (position < this.size) {
      if (onProgress && position - lastReport > 16 * blockBytes) {
        lastReport = position
        onProgress(position / this.size)
      }
      const at = await bytesAt(position, 1 + 8 + 2 + 4 + 9 + 9)
      const width = block[at]!
      if (!isLengthWidth(width)) {
        position = await this.resync(position, `invalid length width ${width}`, note)
        continue
      }
      if (position + 1 + width > this.size) {
        note(`file ends inside the chunk at byte ${position} (recording cut short?); its partial content was dropped`)
        break
      }
      const view = new DataView(block.buffer, block.byteOffset, block.byteLength)
      const length = width === 1 ? view.getUint8(at + 1) : width === 4 ? view.getUint32(at + 1, true) : Number(view.getBigUint64(at + 1, true))
      const contentStart = position + 1 + width
      const end = contentStart + length
      if (length < 2) {
        position = await this.resync(position, `chunk length ${length} is too short`, note)
        continue
      }
      if (end > this.size) {
        if ((await this.findBoundary(position + 1)) === -1) {
          note(`file ends inside the chunk at byte ${position} (recording cut short?); its partial content was dropped`)
          break
        }
        position = await this.resync(position, `chunk length ${length} runs past the end of the file`, note)
        continue
      }
      const tag = view.getUint16(at + 1 + width, true)
      try {
        await this.onChunk(tag, contentStart + 2, end, bytesAt, () => block, note)
        position = end
      } catch (error) {
        if (!(error instanceof CorruptChunkError)) throw error
        position = await this.resync(position, error.message, note)
      }
    }
    this.problems.push(...[...notes].map(([message, times]) => (times > 1 ? `${message} (${times} times)` : message)))
    if (this.headerXml === '') this.problems.push('the file has no file header chunk')
    await this.finish()
    onProgress?.(1)
  }

  private async onChunk(
    tag: number,
    start: number,
    end: number,
    bytesAt: (position: number, length: number) => Promise<number>,
    block: () => Uint8Array,
    note: (message: string) => void,
  ): Promise<void> {
    const content = async (from: number) => {
      const at = await bytesAt(from, end - from)
      return block().subarray(at, at + end - from)
    }
    if (tag === ChunkTag.FileHeader) {
      if (this.headerXml === '') this.headerXml = utf8.decode(await content(start))
      return
    }
    if (tag === ChunkTag.Boundary) {
      const bytes = await content(start)
      if (bytes.length !== boundaryUuid.length || findBoundaryUuid(bytes, 0) !== 0) throw new CorruptChunkError('boundary chunk without the boundary UUID')
      return
    }
    if (!tagHasStreamId(tag)) return note(`skipped chunk(s) with unknown tag ${tag}`)
    if (start + 4 > end) throw new CorruptChunkError(`chunk with tag ${tag} is too short for a stream id`)
    const at = await bytesAt(start, Math.min(end - start, 4 + 9 + 9))
    const head = block()
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength)
    const streamId = view.getUint32(at, true)
    if (tag === ChunkTag.StreamHeader) return this.onStreamHeader(streamId, utf8.decode(await content(start + 4)), note)
    const state = this.states.get(streamId)
    if (!state) return note(`skipped chunk(s) with tag ${tag} for stream ${streamId}, which has no stream header`)
    if (tag === ChunkTag.ClockOffset) {
      if (end - start - 4 !== 16) throw new CorruptChunkError(`clock offset chunk of stream ${streamId} has ${end - start - 4} content bytes, not 16`)
      state.stream.clockOffsets.push({ time: view.getFloat64(at + 4, true), value: view.getFloat64(at + 12, true) })
      return
    }
    if (tag === ChunkTag.StreamFooter) {
      if (state.stream.footerXml === undefined) state.stream.footerXml = utf8.decode(await content(start + 4))
      return
    }
    // A samples chunk: its count and its first timestamp are all the index needs.
    const contentEnd = Math.min(at + (end - start), head.length)
    const [count, afterCount] = readVarLen(head, view, at + 4, contentEnd)
    const { channelFormat, channelCount, nominalSrate } = state.stream.description
    const minimumSampleBytes = 1 + channelCount * (channelFormat === 'string' ? 2 : valueBytes[channelFormat])
    if (count > (end - start - 4 - (afterCount - at - 4)) / minimumSampleBytes) {
      throw new CorruptChunkError(`samples chunk of stream ${streamId} claims ${count} samples in ${end - start} bytes`)
    }
    if (count === 0) return
    const flag = head[afterCount]
    let firstTime: number
    if (flag === 8 && afterCount + 9 <= contentEnd) firstTime = view.getFloat64(afterCount + 1, true)
    else if (flag === 0) firstTime = state.previous === undefined ? 0 : state.previous + (nominalSrate > 0 ? 1 / nominalSrate : 0)
    else throw new CorruptChunkError(`invalid timestamp flag ${flag ?? 'none'} in stream ${streamId}`)
    state.chunks.push(start + 4, end - start - 4, state.stream.sampleCount, count, firstTime)
    state.stream.sampleCount += count
    // An estimate of the chunk's last timestamp; exact when samples after the first carry none.
    state.previous = firstTime + (nominalSrate > 0 ? (count - 1) / nominalSrate : 0)
  }

  private onStreamHeader(streamId: number, xml: string, note: (message: string) => void): void {
    if (this.states.has(streamId)) return note(`ignored a repeated header for stream ${streamId}`)
    let description: StreamDescription
    try {
      description = parseStreamInfoXml(xml)
    } catch (error) {
      return note(`stream ${streamId} has an unusable header (${error instanceof Error ? error.message : String(error)}); its chunks are skipped`)
    }
    const stream: XdfFileStream = { id: streamId, description, headerXml: xml, clockOffsets: [], sampleCount: 0, firstTimestamp: NaN, lastTimestamp: NaN, effectiveSrate: 0 }
    this.states.set(streamId, { stream, chunks: new ChunkIndex(), fit: { intercept: 0, slope: 0 }, previous: undefined })
    this.streams.push(stream)
  }

  private async findBoundary(from: number): Promise<number> {
    for (let position = from; position < this.size; position += blockBytes - boundaryUuid.length) {
      const bytes = await this.read(position, blockBytes)
      const found = findBoundaryUuid(bytes, 0)
      if (found !== -1) return position + found
      if (bytes.length < blockBytes) break
    }
    return -1
  }

  private async resync(position: number, reason: string, note: (message: string) => void): Promise<number> {
    const found = await this.findBoundary(position + 1)
    if (found === -1) {
      note(`corrupt data at byte ${position} (${reason}); no later boundary chunk, so the remaining ${this.size - position} bytes were skipped`)
      return this.size
    }
    note(`corrupt data at byte ${position} (${reason}); skipped to the end of the boundary chunk at byte ${found + boundaryUuid.length}`)
    return found + boundaryUuid.length
  }

  /** Clock fits, then the exact first and last timestamps (from the first and last chunks). */
  private async finish(): Promise<void> {
    for (const state of this.states.values()) {
      const offsets = state.stream.clockOffsets
      if (offsets.length > 0) state.fit = fitClockOffsets(offsets.map((o) => o.time), offsets.map((o) => o.value))
      const { chunks, stream } = state
      if (chunks.length === 0) continue
      const first = await this.decodeChunk(state, 0, undefined)
      const last = chunks.length === 1 ? first : await this.decodeChunk(state, chunks.length - 1, undefined)
      stream.firstTimestamp = first.timestamps[0]!
      stream.lastTimestamp = last.timestamps[last.timestamps.length - 1]!
      const span = stream.lastTimestamp - stream.firstTimestamp
      stream.effectiveSrate = stream.sampleCount > 1 && span > 0 ? (stream.sampleCount - 1) / span : 0
    }
  }

  private async decodeChunk(state: StreamState, chunk: number, previous: number | undefined): Promise<SampleBlock> {
    return this.decode(state, chunk, await this.read(state.chunks.contentStart[chunk]!, state.chunks.contentLength[chunk]!), previous)
  }

  /** Decodes chunk `chunk` from its content; `previous` is the timestamp before it when known. */
  private decode(state: StreamState, chunk: number, content: Uint8Array, previous: number | undefined): SampleBlock {
    const { chunks, stream } = state
    const period = stream.description.nominalSrate > 0 ? 1 / stream.description.nominalSrate : 0
    // Without the timestamp before it, a chunk counts from its own first one (or the scan's deduction).
    const before = previous ?? (chunk === 0 ? undefined : chunks.firstTime[chunk]! - period)
    let decoded
    try {
      decoded = decodeSamplesChunk(content, stream.description, before, stream.id)
    } catch (error) {
      throw new EntrainError('INVALID_INPUT', `${this.file}: the samples at byte ${chunks.contentStart[chunk]} of stream ${stream.id} (${stream.description.name}) cannot be read: ${(error as Error).message}`)
    }
    const raw = decoded.timestamps[decoded.count - 1]
    applyClockFit(decoded.timestamps, state.fit)
    return { first: chunks.firstSample[chunk]!, timestamps: decoded.timestamps, values: decoded.values, rawLast: raw }
  }

  /**
   * Samples [from, to) of a stream, one block per chunk in file order (the first and last blocks
   * may start before `from` or end after `to`: blocks are whole chunks). Adjacent chunks are read
   * in one go, up to a few megabytes, so reading a whole stream goes at the disk's pace.
   */
  async *blocks(streamId: number, from = 0, to = Infinity): AsyncGenerator<SampleBlock> {
    const state = this.states.get(streamId)
    if (!state) throw new EntrainError('INVALID_INPUT', `${this.file} has no stream ${streamId}`)
    const { chunks, stream } = state
    const end = Math.min(to, stream.sampleCount)
    if (chunks.length === 0 || from >= end) return
    let chunk = chunks.chunkOfSample(Math.max(0, from))
    let previous: number | undefined
    while (chunk < chunks.length && chunks.firstSample[chunk]! < end) {
      // One read for a run of chunks lying within a few megabytes of each other.
      let last = chunk
      const readStart = chunks.contentStart[chunk]!
      while (last + 1 < chunks.length && chunks.firstSample[last + 1]! < end && chunks.contentStart[last + 1]! + chunks.contentLength[last + 1]! - readStart <= blockBytes) last++
      const bytes = await this.read(readStart, chunks.contentStart[last]! + chunks.contentLength[last]! - readStart)
      for (let k = chunk; k <= last; k++) {
        const offset = chunks.contentStart[k]! - readStart
        const content = bytes.subarray(offset, offset + chunks.contentLength[k]!)
        const block = this.decode(state, k, content, previous)
        previous = block.rawLast
        yield block
      }
      chunk = last + 1
    }
  }

  /** Samples [from, to) of a numeric stream as one array (for windows and epochs: keep ranges small). */
  async readRange(streamId: number, from: number, to: number): Promise<{ timestamps: Float64Array; values: NumericSamples }> {
    const { description, sampleCount } = this.stream(streamId)
    if (description.channelFormat === 'string') throw new EntrainError('INVALID_INPUT', `stream ${streamId} (${description.name}) holds strings, not numbers`)
    const start = Math.max(0, Math.min(from, sampleCount))
    const stop = Math.max(start, Math.min(to, sampleCount))
    const channels = description.channelCount
    const timestamps = new Float64Array(stop - start)
    const values = allocateSamples(description.channelFormat, (stop - start) * channels)
    for await (const block of this.blocks(streamId, start, stop)) {
      const skip = Math.max(0, start - block.first)
      const take = Math.min(block.timestamps.length, stop - block.first) - skip
      if (take <= 0) continue
      const at = block.first + skip - start
      timestamps.set(block.timestamps.subarray(skip, skip + take), at)
      ;(values as Float64Array).set((block.values as Float64Array).subarray(skip * channels, (skip + take) * channels), at * channels)
    }
    return { timestamps, values }
  }

  /** Every sample of a string stream (marker streams are small). */
  async strings(streamId: number): Promise<{ timestamps: number[]; values: string[][] }> {
    const timestamps: number[] = []
    const values: string[][] = []
    for await (const block of this.blocks(streamId)) {
      if (!Array.isArray(block.values)) throw new EntrainError('INVALID_INPUT', `stream ${streamId} holds numbers, not strings`)
      block.timestamps.forEach((time, index) => {
        timestamps.push(time)
        values.push((block.values as string[][])[index]!)
      })
    }
    return { timestamps, values }
  }

  /**
   * The sample whose timestamp is nearest `time` (recording computer's clock), from the timestamps
   * themselves, so jitter and gaps do not move it; null when `time` is more than half a sample
   * period outside the stream.
   */
  async nearestSample(streamId: number, time: number): Promise<{ index: number; timestamp: number } | null> {
    const state = this.states.get(streamId)
    if (!state || state.chunks.length === 0) return null
    const { chunks, stream, fit } = state
    const rate = stream.description.nominalSrate || stream.effectiveSrate
    const margin = rate > 0 ? 0.5 / rate : 0
    if (time < stream.firstTimestamp - margin || time > stream.lastTimestamp + margin) return null
    const chunk = chunks.chunkAtTime(time - fit.intercept - fit.slope * time)
    let best: { index: number; timestamp: number } | null = null
    for (let k = Math.max(0, chunk - 1); k <= Math.min(chunks.length - 1, chunk + 1); k++) {
      const block = await this.decodeChunk(state, k, undefined)
      block.timestamps.forEach((timestamp, i) => {
        if (!best || Math.abs(timestamp - time) < Math.abs(best.timestamp - time)) best = { index: block.first + i, timestamp }
      })
    }
    return best
  }

  /**
   * The index of the sample nearest `time` (recording computer's clock), found through the chunk
   * index and the nominal rate; it may be off by the jitter of one chunk, which is what a window
   * or an overview needs. Exports place markers with the stream's effective rate instead.
   */
  sampleNear(streamId: number, time: number): number {
    const state = this.states.get(streamId)
    if (!state || state.chunks.length === 0) return 0
    const { chunks, stream, fit } = state
    // Chunk times are before clock sync; map the time back (the fitted offset changes slowly).
    const raw = time - fit.intercept - fit.slope * time
    const chunk = chunks.chunkAtTime(raw)
    const rate = stream.description.nominalSrate || stream.effectiveSrate
    const within = rate > 0 ? Math.round((raw - chunks.firstTime[chunk]!) * rate) : 0
    return Math.max(0, Math.min(stream.sampleCount, chunks.firstSample[chunk]! + Math.max(0, Math.min(chunks.count[chunk]!, within))))
  }
}
