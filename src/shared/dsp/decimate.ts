/**
 * Decimation for drawing traces: one min/max pair per pixel column, so a trace of many more samples
 * than pixels still shows every peak, and a ring buffer that keeps the latest seconds of a stream.
 */

export interface Envelope {
  min: Float32Array
  max: Float32Array
}

function assertCount(value: number, what: string, minimum: number): void {
  if (!Number.isInteger(value) || value < minimum) throw new RangeError(`${what} must be an integer ≥ ${minimum}, got ${value}`)
}

function assertChannel(channel: number, channelCount: number): void {
  if (!Number.isInteger(channel) || channel < 0 || channel >= channelCount) throw new RangeError(`channel ${channel} is not one of ${channelCount}`)
}

function envelopeFor(buckets: number, out: Envelope | undefined): Envelope {
  if (out === undefined) return { min: new Float32Array(buckets), max: new Float32Array(buckets) }
  if (out.min.length < buckets || out.max.length < buckets) throw new RangeError(`envelope output holds fewer than ${buckets} buckets`)
  return out
}

/**
 * Min and max of samples[fromFrame…toFrame) of one channel, merged into bucket `bucket` of `out`.
 * Samples that are NaN never win a comparison, so they are skipped.
 */
function scanInto(
  samples: Float32Array,
  channelCount: number,
  channel: number,
  fromFrame: number,
  toFrame: number,
  out: Envelope,
  bucket: number,
): void {
  let low = out.min[bucket]!
  let high = out.max[bucket]!
  for (let i = fromFrame * channelCount + channel, end = toFrame * channelCount; i < end; i += channelCount) {
    const value = samples[i]!
    if (value < low) low = value
    if (value > high) high = value
  }
  out.min[bucket] = low
  out.max[bucket] = high
}

/**
 * Splits sampleCount samples into `buckets` consecutive slices: bucket b covers
 * [⌊b·n/buckets⌋, ⌊(b+1)·n/buckets⌋), and `scan` fills it. A bucket with nothing to scan ends up
 * NaN in both min and max.
 */
function fillBuckets(sampleCount: number, buckets: number, out: Envelope, scan: (bucket: number, from: number, to: number) => void): Envelope {
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * sampleCount) / buckets)
    const to = Math.floor(((b + 1) * sampleCount) / buckets)
    out.min[b] = Infinity
    out.max[b] = -Infinity
    scan(b, from, to)
    if (out.min[b] === Infinity) {
      out.min[b] = NaN
      out.max[b] = NaN
    }
  }
  return out
}

/**
 * Per-bucket min and max of samples [startSample, startSample + sampleCount) of one channel of a
 * sample-major buffer. Buckets split the range as evenly as integers allow. With more buckets than
 * samples, each bucket holds one sample (min = max = that sample) or none: empty buckets are NaN, so
 * the caller draws a gap or joins the neighbouring points. Pass `out` (length ≥ buckets) to reuse
 * arrays between frames; it is returned.
 */
export function minMaxEnvelope(
  samples: Float32Array,
  channelCount: number,
  channel: number,
  startSample: number,
  sampleCount: number,
  buckets: number,
  out?: Envelope,
): Envelope {
  assertCount(channelCount, 'channel count', 1)
  assertCount(buckets, 'bucket count', 0)
  assertCount(startSample, 'start sample', 0)
  assertCount(sampleCount, 'sample count', 0)
  assertChannel(channel, channelCount)
  const available = Math.floor(samples.length / channelCount)
  if (startSample + sampleCount > available) {
    throw new RangeError(`samples ${startSample}…${startSample + sampleCount} are beyond the ${available} in the buffer`)
  }
  const envelope = envelopeFor(buckets, out)
  return fillBuckets(sampleCount, buckets, envelope, (bucket, from, to) =>
    scanInto(samples, channelCount, channel, startSample + from, startSample + to, envelope, bucket),
  )
}

/**
 * The latest `capacitySamples` multichannel samples of a stream, in one preallocated sample-major
 * Float32Array; older samples are overwritten. Reads name samples relative to the newest one, so
 * the viewer never deals with the wrap-around.
 */
export class RingBuffer {
  readonly capacitySamples: number
  readonly channelCount: number
  private readonly data: Float32Array
  /** Physical frame the next pushed sample goes to. */
  private writeFrame = 0
  private pushed = 0

  constructor(capacitySamples: number, channelCount: number) {
    assertCount(capacitySamples, 'ring buffer capacity', 1)
    assertCount(channelCount, 'channel count', 1)
    this.capacitySamples = capacitySamples
    this.channelCount = channelCount
    this.data = new Float32Array(capacitySamples * channelCount)
  }

  /** Samples held now: everything pushed, up to the capacity. */
  get sampleCount(): number {
    return Math.min(this.pushed, this.capacitySamples)
  }

  /** Samples pushed since creation or clear(), including those already overwritten. */
  get totalPushed(): number {
    return this.pushed
  }

  /** Appends a sample-major chunk; if it is longer than the capacity, only its end is kept. */
  push(chunk: Float32Array): void {
    const { channelCount, capacitySamples } = this
    if (chunk.length % channelCount !== 0) {
      throw new RangeError(`chunk of ${chunk.length} values is not a whole number of ${channelCount}-channel samples`)
    }
    const frames = chunk.length / channelCount
    const kept = Math.min(frames, capacitySamples)
    const source = chunk.subarray((frames - kept) * channelCount)
    const beforeWrap = Math.min(kept, capacitySamples - this.writeFrame)
    this.data.set(source.subarray(0, beforeWrap * channelCount), this.writeFrame * channelCount)
    this.data.set(source.subarray(beforeWrap * channelCount), 0)
    this.writeFrame = (this.writeFrame + kept) % capacitySamples
    this.pushed += frames
  }

  clear(): void {
    this.writeFrame = 0
    this.pushed = 0
  }

  /** The latest `count` samples of one channel, oldest first. Pass `out` (length ≥ count) to reuse an array. */
  readLatest(channel: number, count: number, out: Float32Array = new Float32Array(count)): Float32Array {
    const first = this.firstPhysicalFrame(channel, count)
    if (out.length < count) throw new RangeError(`output holds fewer than ${count} samples`)
    for (let i = 0, frame = first; i < count; i++, frame++) {
      if (frame === this.capacitySamples) frame = 0
      out[i] = this.data[frame * this.channelCount + channel]!
    }
    return out
  }

  /** The latest `count` samples of all channels, sample-major, oldest first (e.g. to re-filter the history). */
  readLatestInterleaved(count: number, out: Float32Array = new Float32Array(count * this.channelCount)): Float32Array {
    const first = this.firstPhysicalFrame(0, count)
    const { channelCount, capacitySamples, data } = this
    if (out.length < count * channelCount) throw new RangeError(`output holds fewer than ${count} samples of ${channelCount} channels`)
    const beforeWrap = Math.min(count, capacitySamples - first)
    out.set(data.subarray(first * channelCount, (first + beforeWrap) * channelCount))
    out.set(data.subarray(0, (count - beforeWrap) * channelCount), beforeWrap * channelCount)
    return out
  }

  /** minMaxEnvelope over the latest `count` samples of one channel, read in place. */
  latestEnvelope(channel: number, count: number, buckets: number, out?: Envelope): Envelope {
    const first = this.firstPhysicalFrame(channel, count)
    assertCount(buckets, 'bucket count', 0)
    const envelope = envelopeFor(buckets, out)
    const { capacitySamples, channelCount, data } = this
    return fillBuckets(count, buckets, envelope, (bucket, from, to) => {
      // A bucket may straddle the physical end of the buffer: then it is scanned in two runs.
      const start = first + from
      const end = first + to
      if (start < capacitySamples) scanInto(data, channelCount, channel, start, Math.min(end, capacitySamples), envelope, bucket)
      if (end > capacitySamples) scanInto(data, channelCount, channel, Math.max(start - capacitySamples, 0), end - capacitySamples, envelope, bucket)
    })
  }

  /** Validates a read of the latest `count` samples and returns the physical frame of the oldest one. */
  private firstPhysicalFrame(channel: number, count: number): number {
    assertChannel(channel, this.channelCount)
    assertCount(count, 'sample count', 0)
    if (count > this.sampleCount) throw new RangeError(`asked for the latest ${count} samples, but the buffer holds ${this.sampleCount}`)
    return (this.writeFrame - count + this.capacitySamples) % this.capacitySamples
  }
}

/**
 * Min and max per column of every channel over a stretch of `sampleCount` samples that arrives in
 * pieces (as a file is read chunk by chunk): column b covers samples [⌊b·n/columns⌋, ⌊(b+1)·n/columns⌋)
 * of the stretch. Results are channel-major (channel c, column b at `c * columns + b`); columns that
 * received nothing are NaN.
 */
export class ColumnEnvelope {
  readonly min: Float32Array
  readonly max: Float32Array

  constructor(
    readonly channelCount: number,
    readonly columns: number,
    readonly sampleCount: number,
  ) {
    assertCount(channelCount, 'channel count', 1)
    assertCount(columns, 'column count', 1)
    assertCount(sampleCount, 'sample count', 0)
    this.min = new Float32Array(channelCount * columns).fill(Infinity)
    this.max = new Float32Array(channelCount * columns).fill(-Infinity)
  }

  /** The column of sample `index` of the stretch. */
  columnOf(index: number): number {
    return Math.min(this.columns - 1, Math.floor(((index + 0.5) * this.columns) / Math.max(1, this.sampleCount)))
  }

  /** Adds sample-major `values` whose first sample is sample `first` of the stretch; samples outside it are ignored. */
  add(first: number, values: ArrayLike<number>): void {
    const channels = this.channelCount
    const count = Math.floor(values.length / channels)
    const from = Math.max(0, -first)
    const to = Math.min(count, this.sampleCount - first)
    for (let i = from; i < to; i++) {
      const column = this.columnOf(first + i)
      for (let c = 0; c < channels; c++) {
        const value = values[i * channels + c]!
        const at = c * this.columns + column
        if (value < this.min[at]!) this.min[at] = value
        if (value > this.max[at]!) this.max[at] = value
      }
    }
  }

  /** The envelope with empty columns as NaN. */
  finish(): Envelope {
    for (let i = 0; i < this.min.length; i++) {
      if (this.min[i] === Infinity) {
        this.min[i] = NaN
        this.max[i] = NaN
      }
    }
    return { min: this.min, max: this.max }
  }
}

/**
 * An envelope of `source.min.length` columns redrawn over `buckets` columns: each output column takes
 * the min of the mins and the max of the maxes of the source columns it covers (the nearest one when
 * there are fewer source columns than output columns).
 */
export function resampleEnvelope(source: Envelope, buckets: number, out?: Envelope): Envelope {
  assertCount(buckets, 'bucket count', 0)
  const envelope = envelopeFor(buckets, out)
  const n = source.min.length
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets)
    const to = Math.max(from + 1, Math.floor(((b + 1) * n) / buckets))
    let low = Infinity
    let high = -Infinity
    for (let k = from; k < Math.min(to, n); k++) {
      if (source.min[k]! < low) low = source.min[k]!
      if (source.max[k]! > high) high = source.max[k]!
    }
    envelope.min[b] = low === Infinity ? NaN : low
    envelope.max[b] = high === -Infinity ? NaN : high
  }
  return envelope
}
