import type { MessagePort } from 'node:worker_threads'
import type { ChannelFormat } from '../../shared/xdf/types'

export interface RecorderWorkerData {
  file: string
  fileHeaderXml: string
  flushIntervalMs: number
  boundaryIntervalMs: number
}

export type RecorderCommand =
  /** A new stream in the file: its header is written, then what arrives on `port`. */
  | { kind: 'stream'; streamId: number; headerXml: string; channelFormat: ChannelFormat; channelCount: number; port: MessagePort }
  /** The same stream back after it vanished: samples continue under the same stream id. */
  | { kind: 'resume'; streamId: number; port: MessagePort }
  | { kind: 'stop' }

export interface RecordedStreamStats {
  streamId: number
  samples: number
  firstTimestamp: number | null
  lastTimestamp: number | null
  /** Whether an inlet is currently feeding it. */
  connected: boolean
}

export interface RecorderStats {
  bytes: number
  streams: RecordedStreamStats[]
  /** Seconds from a chunk's last sample timestamp to the end of its write, where timestamps are local. */
  latency: { p50: number; p99: number; count: number } | null
}

export type RecorderEvent =
  | { kind: 'opened' }
  | { kind: 'status'; stats: RecorderStats }
  | { kind: 'error'; code: string; message: string }
  | { kind: 'finished'; stats: RecorderStats }
