/** Messages between main and the audio output worker. */
import type { MarkerEvent } from '../../shared/audio/markers'

export type { MarkerEvent }

export interface EngineWorkerData {
  device: string
  rate: number
  channels: number
  periodFrames: number
  periods: number
  /** LSL marker stream to publish (null: markers go to main only). */
  markerStream: { name: string; sourceId: string } | null
  /** Hold back `ready` for up to this long until a recorder listens to the marker stream. */
  waitForRecorderSeconds: number
}

export interface StimulusInfo {
  /** The stimulus id of the study, or the file's name. */
  id: string
  file: string
}

export type EngineCommand =
  /**
   * Plays `samples` (interleaved, device rate and channels). Timing, in order of precedence: at the
   * LSL time `at`; right after the stimulus `after` (plus `gapFrames`); or as soon as possible with
   * `leadSeconds` of lead.
   */
  | {
      kind: 'play'
      playId: number
      stimulus: StimulusInfo
      samples: Float32Array
      at?: number
      after?: number
      gapFrames?: number
      leadSeconds?: number
    }
  | { kind: 'stop'; fadeSeconds: number }
  | { kind: 'close' }

export interface EngineStats {
  framesWritten: number
  underruns: number
  /** SD of single DAC-time estimates around the fitted clock, seconds. */
  estimateSpread: number
  /** The device's rate against the system clock since the clock model last restarted, frames per second. */
  measuredRate: number | null
}

export type EngineEvent =
  | { kind: 'opened'; device: string; rate: number; channels: number; periodFrames: number; bufferFrames: number; format: string; markerUid: string | null }
  /** The DAC clock has enough consistent estimates: requested times and markers are now exact. */
  | { kind: 'ready' }
  | { kind: 'scheduled'; playId: number; startFrame: number; endFrame: number }
  /** `retry`: the requested time could not be kept (clock not known yet, or too soon); asking again later may work. */
  | { kind: 'rejected'; playId: number; message: string; retry: boolean }
  | { kind: 'marker'; playId: number; marker: MarkerEvent }
  | { kind: 'underrun'; frame: number; during: string | null }
  /** One status estimate (sent when `reportEstimates` is on, for tests and the self-test). */
  | { kind: 'estimate'; time: number; frameAtDac: number }
  | { kind: 'error'; message: string }
  | { kind: 'closed'; stats: EngineStats }
