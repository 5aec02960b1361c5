/**
 * Owns one XDF file. Inlet workers post chunks straight to this thread; it appends them as XDF
 * chunks, adds clock offsets as they are measured and a boundary chunk every ~10 s, and forces
 * everything to disk every second, so a crash loses at most the last second and the file loads.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs'
import { parentPort, workerData, type MessagePort } from 'node:worker_threads'
import {
  encodeBoundary,
  encodeClockOffset,
  encodeFileHeader,
  encodeSamples,
  encodeStreamFooter,
  encodeStreamHeader,
  streamFooterXml,
  xdfMagic,
} from '../../shared/xdf/writer'
import type { ChannelFormat } from '../../shared/xdf/types'
import { localClock } from '../lsl/bindings'
import type { InletMessage } from '../lsl/inlet-protocol'
import type { RecorderCommand, RecorderEvent, RecorderStats, RecorderWorkerData } from './recorder-protocol'

const { file, fileHeaderXml, flushIntervalMs, boundaryIntervalMs } = workerData as RecorderWorkerData

interface Stream {
  id: number
  format: ChannelFormat
  channelCount: number
  samples: number
  firstTimestamp: number | null
  lastTimestamp: number | null
  offsets: { time: number; value: number }[]
  port: MessagePort | null
}

const streams = new Map<number, Stream>()
const latencies: number[] = []
let descriptor: number | null = null
let bytes = 0
let dirty = false

function send(event: RecorderEvent): void {
  parentPort!.postMessage(event)
}

function fail(error: unknown): void {
  const code = (error as NodeJS.ErrnoException).code ?? 'IO_ERROR'
  const reason = code === 'ENOSPC' ? 'the disk is full' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message
  send({ kind: 'error', code, message: `cannot write ${file}: ${reason}; what was written so far stays readable` })
  shutDown(false)
}

function write(chunk: Uint8Array): void {
  if (descriptor === null) return
  try {
    let written = 0
    while (written < chunk.length) written += writeSync(descriptor, chunk, written)
    bytes += chunk.length
    dirty = true
  } catch (error) {
    fail(error)
  }
}

function flush(): void {
  if (descriptor === null || !dirty) return
  try {
    fsyncSync(descriptor)
    dirty = false
  } catch (error) {
    fail(error)
  }
}

function stats(): RecorderStats {
  const sorted = Float64Array.from(latencies).sort()
  const at = (quantile: number) => sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))]!
  return {
    bytes,
    streams: [...streams.values()].map((stream) => ({
      streamId: stream.id,
      samples: stream.samples,
      firstTimestamp: stream.firstTimestamp,
      lastTimestamp: stream.lastTimestamp,
      connected: stream.port !== null,
    })),
    latency: sorted.length ? { p50: at(0.5), p99: at(0.99), count: sorted.length } : null,
  }
}

function listen(stream: Stream, port: MessagePort): void {
  stream.port = port
  port.on('message', (message: InletMessage) => {
    if (message.kind === 'chunk') {
      const count = message.timestamps.length
      if (count === 0) return
      write(encodeSamples(stream.id, stream.format, stream.channelCount, message.timestamps, message.values))
      stream.samples += count
      stream.firstTimestamp ??= message.timestamps[0]!
      stream.lastTimestamp = message.timestamps[count - 1]!
      latencies.push(localClock() - stream.lastTimestamp)
    } else if (message.kind === 'offset') {
      write(encodeClockOffset(stream.id, message.time, message.value))
      stream.offsets.push({ time: message.time, value: message.value })
    }
  })
  port.on('close', () => {
    if (stream.port === port) stream.port = null
  })
}

function shutDown(writeFooters: boolean): void {
  clearInterval(flushTimer)
  clearInterval(boundaryTimer)
  for (const stream of streams.values()) stream.port?.close()
  if (descriptor === null) return
  if (writeFooters) {
    for (const stream of streams.values()) {
      write(
        encodeStreamFooter(
          stream.id,
          streamFooterXml({
            firstTimestamp: stream.firstTimestamp ?? 0,
            lastTimestamp: stream.lastTimestamp ?? 0,
            sampleCount: stream.samples,
            clockOffsets: stream.offsets,
          }),
        ),
      )
    }
  }
  flush()
  if (descriptor !== null) closeSync(descriptor)
  descriptor = null
}

const flushTimer = setInterval(() => {
  flush()
  send({ kind: 'status', stats: stats() })
}, flushIntervalMs)
const boundaryTimer = setInterval(() => write(encodeBoundary()), boundaryIntervalMs)

try {
  // 'wx': a recording never silently replaces an existing file.
  descriptor = openSync(file, 'wx')
  write(xdfMagic)
  write(encodeFileHeader(fileHeaderXml))
  flush()
  send({ kind: 'opened' })
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code
  send({
    kind: 'error',
    code: code ?? 'IO_ERROR',
    message: code === 'EEXIST' ? `${file} already exists; choose another name` : `cannot create ${file}: ${(error as Error).message}`,
  })
  shutDown(false)
}

parentPort!.on('message', (command: RecorderCommand) => {
  if (command.kind === 'stream') {
    const stream: Stream = {
      id: command.streamId,
      format: command.channelFormat,
      channelCount: command.channelCount,
      samples: 0,
      firstTimestamp: null,
      lastTimestamp: null,
      offsets: [],
      port: null,
    }
    streams.set(stream.id, stream)
    write(encodeStreamHeader(stream.id, command.headerXml))
    listen(stream, command.port)
  } else if (command.kind === 'resume') {
    const stream = streams.get(command.streamId)
    if (stream) listen(stream, command.port)
  } else {
    shutDown(true)
    send({ kind: 'finished', stats: stats() })
    parentPort!.close()
  }
})
