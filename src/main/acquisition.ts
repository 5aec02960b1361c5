import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { LslStatus, RecordingStatus, SimulatorStatus, StreamDataBatch } from '../shared/contract'
import { EntrainError } from '../shared/errors'
import { startSimulator, type RunningSimulator, type SimulatorOptions } from './devices/simulator'
import type { EventHub } from './events'
import type { NumericSamples } from '../shared/xdf/types'
import { lsl } from './lsl/bindings'
import { StreamService, type StreamChunk } from './lsl/stream-service'
import type { RecorderStats } from './recorder/recorder-protocol'
import { Recording } from './recorder/recording'

const displayRateHz = 30
const healthRateHz = 1

/**
 * Acquisition as the app and the browser test host see it: the stream service, the built-in
 * simulator, the one active recording, and the live data sent to the renderer at display rate.
 */
export class Acquisition {
  /** Every LSL stream on the network (the session runner waits for and records from it too). */
  readonly streams = new StreamService()
  private readonly status: LslStatus
  private simulator: { running: RunningSimulator; options: Required<Pick<SimulatorOptions, 'name' | 'channels' | 'rate'>> } | null = null
  private recording: { recording: Recording; startedAt: string } | null = null
  private lastRecording: RecordingStatus | null = null
  private watched = new Set<string>()
  private pending = new Map<string, StreamChunk[]>()
  private timers: NodeJS.Timeout[] = []

  constructor(
    private readonly events: EventHub,
    private readonly dataDir: string,
  ) {
    try {
      const { library } = lsl()
      this.status = { available: true, version: library.version, path: library.path, origin: library.origin }
    } catch (error) {
      this.status = { available: false, problem: (error as Error).message }
    }
  }

  /** Starts stream discovery and the periodic events; does nothing without liblsl. */
  start(): void {
    if (!this.status.available) return
    this.streams.start()
    this.streams.on('changed', (list) => this.events.emit('streams.changed', list))
    this.streams.on('chunk', (chunk) => {
      if (!this.watched.has(chunk.key)) return
      const queued = this.pending.get(chunk.key)
      if (queued) queued.push(chunk)
      else this.pending.set(chunk.key, [chunk])
    })
    this.timers.push(
      setInterval(() => this.flushData(), 1000 / displayRateHz),
      setInterval(() => {
        this.events.emit('streams.changed', this.streams.list())
        if (this.recording) this.events.emit('recording.changed', this.recordingStatus())
      }, 1000 / healthRateHz),
    )
  }

  lslStatus(): LslStatus {
    return this.status
  }

  list() {
    this.requireLsl()
    return this.streams.list()
  }

  watch(keys: string[]): { keys: string[] } {
    this.watched = new Set(keys)
    for (const key of this.pending.keys()) if (!this.watched.has(key)) this.pending.delete(key)
    return { keys: [...this.watched] }
  }

  /** The running simulator, for a session whose simulated participant hears the stimuli. */
  runningSimulator(): RunningSimulator | null {
    return this.simulator?.running ?? null
  }

  startSimulator(options: SimulatorOptions): SimulatorStatus {
    this.requireLsl()
    if (this.simulator) throw new EntrainError('INVALID_INPUT', `the simulator ${this.simulator.options.name} is already running`)
    const settings = { name: 'EntrainSimulator', channels: 16, rate: 250, ...options }
    this.simulator = { running: startSimulator(settings), options: settings }
    return this.announceSimulator()
  }

  stopSimulator(): SimulatorStatus {
    this.simulator?.running.stop()
    this.simulator = null
    return this.announceSimulator()
  }

  simulatorStatus(): SimulatorStatus {
    const options = this.simulator?.options
    return { running: options !== undefined, name: options?.name ?? null, channels: options?.channels ?? null, rate: options?.rate ?? null }
  }

  /** Records `keys` to `file` (default: a new file under the data folder); `onError` hears of a failed write. */
  async startRecording(keys: string[], file?: string, onError?: (error: EntrainError) => void): Promise<RecordingStatus> {
    this.requireLsl()
    if (this.recording) throw new EntrainError('INVALID_INPUT', `already recording to ${this.recording.recording.file}`)
    const target = file ?? path.join(this.dataDir, 'recordings', `recording-${new Date().toISOString().replace(/[:.]/g, '-')}.xdf`)
    await mkdir(path.dirname(path.resolve(target)), { recursive: true })
    const recording = await Recording.start(this.streams, {
      file: target,
      keys,
      onError: (error) => {
        this.lastRecording = { ...this.recordingStatus(), active: false, error: error.message }
        this.recording = null
        this.events.emit('recording.changed', this.lastRecording)
        onError?.(error)
      },
    })
    this.recording = { recording, startedAt: new Date().toISOString() }
    this.lastRecording = null
    const status = this.recordingStatus()
    this.events.emit('recording.changed', status)
    return status
  }

  async stopRecording(): Promise<RecordingStatus> {
    const current = this.recording
    if (!current) return this.recordingStatus()
    const stats = await current.recording.stop()
    this.recording = null
    this.lastRecording = { ...describeRecording(current.recording, current.startedAt, stats), active: false }
    this.events.emit('recording.changed', this.lastRecording)
    return this.lastRecording
  }

  recordingStatus(): RecordingStatus {
    if (this.recording) {
      return describeRecording(this.recording.recording, this.recording.startedAt, this.recording.recording.stats())
    }
    return this.lastRecording ?? { active: false, file: null, startedAt: null, bytes: 0, streams: [], error: null }
  }

  async close(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer)
    await this.stopRecording().catch(() => {})
    this.stopSimulator()
    await this.streams.close()
  }

  private announceSimulator(): SimulatorStatus {
    const status = this.simulatorStatus()
    this.events.emit('simulator.changed', status)
    return status
  }

  private requireLsl(): void {
    if (!this.status.available) throw new EntrainError('NOT_AVAILABLE', this.status.problem ?? 'liblsl is not available')
  }

  private flushData(): void {
    if (this.pending.size === 0 || this.events.listenerCount('streams.data') === 0) {
      this.pending.clear()
      return
    }
    const batch: StreamDataBatch = { chunks: [] }
    for (const [key, chunks] of this.pending) {
      const summary = this.streams.get(key)
      if (!summary || chunks.length === 0) continue
      const channelCount = summary.description.channelCount
      const sampleCount = chunks.reduce((sum, chunk) => sum + chunk.timestamps.length, 0)
      const timestamps = new Float64Array(sampleCount)
      let offset = 0
      for (const chunk of chunks) {
        timestamps.set(chunk.timestamps, offset)
        offset += chunk.timestamps.length
      }
      if (summary.description.channelFormat === 'string') {
        batch.chunks.push({ key, channelCount, timestamps, values: null, strings: chunks.flatMap((chunk) => chunk.values as string[]) })
      } else {
        const values = new Float32Array(sampleCount * channelCount)
        offset = 0
        for (const chunk of chunks) {
          const source = chunk.values as NumericSamples
          if (source instanceof BigInt64Array) for (let index = 0; index < source.length; index++) values[offset + index] = Number(source[index])
          else values.set(source, offset)
          offset += source.length
        }
        batch.chunks.push({ key, channelCount, timestamps, values, strings: null })
      }
    }
    this.pending.clear()
    if (batch.chunks.length) this.events.emit('streams.data', batch)
  }
}

function describeRecording(recording: Recording, startedAt: string, stats: RecorderStats | null): RecordingStatus {
  return {
    active: true,
    file: recording.file,
    startedAt,
    bytes: stats?.bytes ?? 0,
    streams: recording.streams.map((stream) => {
      const written = stats?.streams.find((candidate) => candidate.streamId === stream.streamId)
      return { name: stream.name, key: stream.key, samples: written?.samples ?? 0, connected: written?.connected ?? true }
    }),
    error: null,
  }
}
