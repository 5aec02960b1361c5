/**
 * Shapes shared by the XDF writer and reader. XDF 1.0 stores LSL stream metadata as XML and samples
 * as little-endian binary; these types are the decoded, JS-side view of both.
 */

export type ChannelFormat = 'float32' | 'double64' | 'int8' | 'int16' | 'int32' | 'int64' | 'string'

export const channelFormats: readonly ChannelFormat[] = ['float32', 'double64', 'int8', 'int16', 'int32', 'int64', 'string']

export function isChannelFormat(value: unknown): value is ChannelFormat {
  return typeof value === 'string' && (channelFormats as readonly string[]).includes(value)
}

export interface ChannelInfo {
  label: string
  unit?: string
  type?: string
}

/** What a stream header says (the LSL `<info>` document). */
export interface StreamDescription {
  name: string
  type: string
  channelCount: number
  /** Samples per second; 0 means irregular (LSL's IRREGULAR_RATE). */
  nominalSrate: number
  channelFormat: ChannelFormat
  sourceId: string
  hostname: string
  uid: string
  createdAt?: number
  channels?: ChannelInfo[]
}

/**
 * Numeric sample values, sample-major: sample i, channel c is at `i * channelCount + c`.
 * int64 streams use BigInt64Array so that values beyond 2^53 survive exactly.
 */
export type NumericSamples = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array

export type NumericChannelFormat = Exclude<ChannelFormat, 'string'>

/** Bytes per value on disk for each numeric format. */
export const valueBytes: Readonly<Record<NumericChannelFormat, number>> = {
  int8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  float32: 4,
  double64: 8,
}

/** A fresh, zero-filled typed array of the type the reader returns for `format`. */
export function allocateSamples(format: NumericChannelFormat, length: number): NumericSamples {
  switch (format) {
    case 'int8':
      return new Int8Array(length)
    case 'int16':
      return new Int16Array(length)
    case 'int32':
      return new Int32Array(length)
    case 'int64':
      return new BigInt64Array(length)
    case 'float32':
      return new Float32Array(length)
    case 'double64':
      return new Float64Array(length)
  }
}
