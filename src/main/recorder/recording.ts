import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads'
import path from 'node:path'
import { EntrainError } from '../../shared/errors'
import type { StreamService, StreamSummary } from '../lsl/stream-service'
import { workerFile } from '../paths'
import type { RecorderCommand, RecorderEvent, RecorderStats, RecorderWorkerData } from './recorder-protocol'

export interface RecordingOptions {
  file: string
  /** Stream keys (StreamService) to record; each must be online. */
  keys: string[]
  flushIntervalMs?: number
  boundaryIntervalMs?: number
  /** Called about once a second with what has been written. */
  onStatus?: (stats: RecorderStats) => void
  /** A write failed (disk full, permission): the recording has stopped, the file is readable. */
  onError?: (error: EntrainError) => void
}

export interface RecordedStream {
  streamId: number
  key: string
  name: string
}

let nextAttachmentId = 1

/**
 * One XDF recording of a set of streams. The writing happens in a worker thread fed directly by the
 * streams' inlet workers; this object only wires them together, and re-wires a stream that returns
 * after vanishing so that it continues under the same stream id.
 */
export class Recording {
  readonly file: string
  readonly streams: RecordedStream[]
  private readonly worker: Worker
  private readonly attachments = new Map<string, number>()
  private readonly unsubscribe: (() => void)[] = []
  private latest: RecorderStats | null = null
  private finished: Promise<RecorderStats>
  private failure: EntrainError | null = null

  private constructor(
    private readonly service: StreamService,
    options: RecordingOptions,
    summaries: StreamSummary[],
  ) {
    this.file = path.resolve(options.file)
    this.streams = summaries.map((summary, index) => ({ streamId: index + 1, key: summary.key, name: summary.description.name }))
    const data: RecorderWorkerData = {
      file: this.file,
      fileHeaderXml: `<datetime>${new Date().toISOString()}</datetime><recorder>Entrain</recorder>`,
      flushIntervalMs: options.flushIntervalMs ?? 1000,
      boundaryIntervalMs: options.boundaryIntervalMs ?? 10_000,
    }
    this.worker = new Worker(workerFile('recorder-worker'), { workerData: data })
    this.finished = new Promise((resolve, reject) => {
      this.worker.on('message', (event: RecorderEvent) => {
        if (event.kind === 'status') {
          this.latest = event.stats
          options.onStatus?.(event.stats)
        } else if (event.kind === 'error') {
          this.failure = new EntrainError('IO_ERROR', event.message, { code: event.code })
          options.onError?.(this.failure)
        } else if (event.kind === 'finished') {
          this.latest = event.stats
          resolve(event.stats)
        }
      })
      this.worker.on('error', reject)
      this.worker.on('exit', () => (this.failure ? reject(this.failure) : resolve(this.latest ?? emptyStats())))
    })
  }

  static async start(service: StreamService, options: RecordingOptions): Promise<Recording> {
    if (options.keys.length === 0) throw new EntrainError('INVALID_INPUT', 'choose at least one stream to record')
    const summaries = options.keys.map((key) => {
      const summary = service.get(key)
      if (!summary) throw new EntrainError('NOT_FOUND', `no stream ${key}`)
      if (!summary.online || !service.fullXml(key)) throw new EntrainError('NOT_AVAILABLE', `stream ${summary.description.name} is not online`)
      return summary
    })
    const recording = new Recording(service, options, summaries)
    await recording.opened()
    await Promise.all(recording.streams.map((stream) => recording.connect(stream, 'stream')))
    recording.unsubscribe.push(
      service.on('resumed', (key) => {
        const stream = recording.streams.find((candidate) => candidate.key === key)
        if (!stream) return
        // An attachment made to the new inlet before its info arrived is replaced, not doubled.
        const previous = recording.attachments.get(key)
        if (previous !== undefined) service.detach(key, previous)
        void recording.connect(stream, 'resume')
      }),
    )
    return recording
  }

  stats(): RecorderStats | null {
    return this.latest
  }

  /** Finishes the file (footers, flush) and returns what was written. */
  async stop(): Promise<RecorderStats> {
    for (const off of this.unsubscribe.splice(0)) off()
    for (const [key, id] of this.attachments) this.service.detach(key, id)
    this.attachments.clear()
    this.send({ kind: 'stop' })
    return this.finished
  }

  private opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onMessage = (event: RecorderEvent) => {
        if (event.kind === 'opened') resolve()
        else if (event.kind === 'error') reject(new EntrainError('IO_ERROR', event.message, { code: event.code }))
        else return
        this.worker.off('message', onMessage)
      }
      this.worker.on('message', onMessage)
    })
  }

  /** Wires the stream's inlet to the writer; resolves when samples flow into the file. */
  private async connect(stream: RecordedStream, kind: 'stream' | 'resume'): Promise<void> {
    const summary = this.service.get(stream.key)
    const headerXml = this.service.fullXml(stream.key)
    if (!summary || !headerXml) return
    const channel = new MessageChannel()
    const attachmentId = nextAttachmentId++
    // The writer learns of the stream first, so its header precedes any sample in the file.
    this.send(
      kind === 'stream'
        ? {
            kind,
            streamId: stream.streamId,
            headerXml,
            channelFormat: summary.description.channelFormat,
            channelCount: summary.description.channelCount,
            port: channel.port2,
          }
        : { kind, streamId: stream.streamId, port: channel.port2 },
      [channel.port2],
    )
    if (await this.service.attach(stream.key, attachmentId, channel.port1)) this.attachments.set(stream.key, attachmentId)
  }

  private send(command: RecorderCommand, transfer: MessagePort[] = []): void {
    this.worker.postMessage(command, transfer)
  }
}

function emptyStats(): RecorderStats {
  return { bytes: 0, streams: [], latency: null }
}
