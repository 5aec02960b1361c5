import os from 'node:os'
import { Worker } from 'node:worker_threads'
import { EntrainError } from '../../shared/errors'
import { workerFile } from '../paths'
import type { EngineCommand, EngineEvent, EngineStats, EngineWorkerData, MarkerEvent, StimulusInfo } from './engine-protocol'

export interface EngineOptions {
  device?: string
  rate?: number
  channels?: number
  /** Frames per write; with `periods` it sets the output latency (default 480 × 4 = 40 ms at 48 kHz). */
  periodFrames?: number
  periods?: number
  /** LSL marker stream (default EntrainMarkers); null publishes none. */
  markerStream?: { name: string; sourceId?: string } | null
  /** Hold back `ready` until a recorder listens to the marker stream, for up to this long (default 0). */
  waitForRecorderSeconds?: number
}

export type Timing = { at: number } | { after: number; gapSeconds?: number } | { leadSeconds?: number }

export interface Playback {
  playId: number
  startFrame: number
  endFrame: number
  onset: Promise<MarkerEvent>
  /** The offset (or stopped) marker. */
  end: Promise<MarkerEvent>
}

/**
 * The LSL source id of the engine's marker stream: unique to this machine and process, so that a
 * recorder never takes another Entrain's markers (two rooms of a lab, parallel tests) for its own.
 */
function markerSourceId(streamName: string): string {
  return `entrain-audio-${os.hostname()}-${process.pid}-${streamName}`
}

export const engineDefaults = { device: 'default', rate: 48_000, channels: 2, periodFrames: 480, periods: 4, markerStream: 'EntrainMarkers' } as const

type Listener = (event: EngineEvent) => void

/** Main's handle on the audio output worker (engine-worker.ts). */
export class AudioEngine {
  private readonly listeners = new Set<Listener>()
  private nextPlayId = 1
  readonly closed: Promise<EngineStats>
  /** Resolves once the device's DAC clock is known (a fraction of a second to ~2 s after opening). */
  readonly ready: Promise<void>

  private constructor(
    private readonly worker: Worker,
    readonly device: Extract<EngineEvent, { kind: 'opened' }>,
    /** The marker stream's LSL source id (null: no stream). */
    readonly markerSourceId: string | null,
  ) {
    this.closed = new Promise((resolve, reject) => {
      this.on((event) => event.kind === 'closed' && resolve(event.stats))
      worker.once('error', reject)
    })
    this.ready = new Promise((resolve) => this.on((event) => event.kind === 'ready' && resolve()))
  }

  static async open(options: EngineOptions = {}): Promise<AudioEngine> {
    const marker = options.markerStream === undefined ? { name: engineDefaults.markerStream } : options.markerStream
    const markerStream = marker && { name: marker.name, sourceId: marker.sourceId ?? markerSourceId(marker.name) }
    const data: EngineWorkerData = {
      device: options.device ?? engineDefaults.device,
      rate: options.rate ?? engineDefaults.rate,
      channels: options.channels ?? engineDefaults.channels,
      periodFrames: options.periodFrames ?? engineDefaults.periodFrames,
      periods: options.periods ?? engineDefaults.periods,
      markerStream,
      waitForRecorderSeconds: options.waitForRecorderSeconds ?? 0,
    }
    const worker = new Worker(workerFile('audio-worker'), { workerData: data })
    const opened = await new Promise<Extract<EngineEvent, { kind: 'opened' }>>((resolve, reject) => {
      const onMessage = (event: EngineEvent) => {
        if (event.kind === 'opened') resolve(event)
        else if (event.kind === 'error') reject(new EntrainError('NOT_AVAILABLE', event.message))
        else return
        worker.off('message', onMessage)
      }
      worker.on('message', onMessage)
      worker.once('error', reject)
    })
    const engine = new AudioEngine(worker, opened, markerStream?.sourceId ?? null)
    worker.on('message', (event: EngineEvent) => {
      for (const listener of engine.listeners) listener(event)
    })
    return engine
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Sends every status estimate as an `estimate` event (for the timing self-test and tests). */
  reportEstimates(): void {
    this.worker.postMessage({ kind: 'report-estimates' })
  }

  /** Schedules interleaved samples at the device's rate and channel count. */
  play(stimulus: StimulusInfo, samples: Float32Array, timing: Timing = {}): Promise<Playback> {
    const playId = this.nextPlayId++
    const markerFor = (wanted: (marker: MarkerEvent) => boolean) =>
      new Promise<MarkerEvent>((resolve) => {
        const off = this.on((event) => {
          if (event.kind === 'marker' && event.playId === playId && wanted(event.marker)) {
            off()
            resolve(event.marker)
          }
        })
      })
    const onset = markerFor((marker) => marker.event === 'stimulus_onset')
    const end = markerFor((marker) => marker.event !== 'stimulus_onset')
    const scheduled = new Promise<Playback>((resolve, reject) => {
      const off = this.on((event) => {
        if (event.kind === 'scheduled' && event.playId === playId) {
          off()
          resolve({ playId, startFrame: event.startFrame, endFrame: event.endFrame, onset, end })
        } else if (event.kind === 'rejected' && event.playId === playId) {
          off()
          reject(new EntrainError(event.retry ? 'NOT_AVAILABLE' : 'INVALID_INPUT', `cannot play ${stimulus.file}: ${event.message}`, { retry: event.retry }))
        }
      })
    })
    const command: EngineCommand = {
      kind: 'play',
      playId,
      stimulus,
      samples,
      ...('at' in timing ? { at: timing.at } : {}),
      ...('after' in timing ? { after: timing.after, gapFrames: Math.round((timing.gapSeconds ?? 0) * this.device.rate) } : {}),
      ...('leadSeconds' in timing ? { leadSeconds: timing.leadSeconds } : {}),
    }
    this.worker.postMessage(command)
    return scheduled
  }

  /** Fades whatever plays to silence; the stimulus ends with a `stimulus_stopped` marker. */
  stop(fadeSeconds = 0.05): void {
    this.worker.postMessage({ kind: 'stop', fadeSeconds } satisfies EngineCommand)
  }

  async close(): Promise<EngineStats> {
    this.worker.postMessage({ kind: 'close' } satisfies EngineCommand)
    return this.closed
  }
}
