import type { PcmAudio } from '../../shared/audio/types'
import { createEegSimulator } from '../../shared/sim/eeg'
import { defaultEegLabels } from '../../shared/sim/montage'
import { audioFeatures, createParticipant } from '../../shared/sim/participant'
import { localClock } from '../lsl/bindings'
import { Outlet } from '../lsl/outlet'

export interface SimulatorOptions {
  name?: string
  channels?: number
  rate?: number
  seed?: number
  lineFrequency?: 50 | 60
}

export const simulatorDefaults = { name: 'EntrainSimulator', channels: 16, rate: 250, seed: 1, lineFrequency: 50 } as const

export interface RunningSimulator {
  outlet: Outlet
  /** Samples pushed so far. */
  pushed(): number
  /**
   * The simulated participant hears `audio` from LSL time `onset` on: its EEG carries the music's
   * response (docs/simulated-participant.md) from then. Audio heard after its start time was
   * already pushed adds only the part still to come.
   */
  hear(audio: PcmAudio, onset: number): void
  stop(): void
}

/** A response waiting to be added: sample-major µV from sample index `first` of the stream on. */
interface Overlay {
  first: number
  values: Float32Array
}

/**
 * The built-in EEG device: an LSL outlet publishing simulated EEG (µV, 10-20 labels) in real time,
 * from a participant who responds to the music it is told about. Timestamps are exact multiples of
 * the sample period from the start, in the LSL clock, so the stream is perfectly regular however
 * the timer that pushes it jitters.
 */
export function startSimulator(options: SimulatorOptions = {}): RunningSimulator {
  const settings = { ...simulatorDefaults, ...options }
  const labels = defaultEegLabels(settings.channels)
  const generator = createEegSimulator({
    labels,
    sampleRate: settings.rate,
    seed: settings.seed,
    lineFrequency: settings.lineFrequency,
  })
  const participant = createParticipant({ labels, eegRate: settings.rate, seed: settings.seed })
  const outlet = new Outlet({
    name: settings.name,
    type: 'EEG',
    channelCount: settings.channels,
    nominalSrate: settings.rate,
    channelFormat: 'float32',
    sourceId: `entrain-simulator-${settings.name}-${settings.seed}`,
    channels: labels.map((label) => ({ label, unit: 'microvolts', type: 'EEG' })),
    extra: { manufacturer: 'Entrain simulator' },
  })
  const start = localClock()
  let pushed = 0
  let overlays: Overlay[] = []
  const tick = () => {
    const due = Math.floor((localClock() - start) * settings.rate) - pushed
    if (due <= 0) return
    const values = generator.next(due)
    for (const overlay of overlays) {
      const from = Math.max(pushed, overlay.first)
      const to = Math.min(pushed + due, overlay.first + overlay.values.length / labels.length)
      for (let sample = from; sample < to; sample++) {
        for (let channel = 0; channel < labels.length; channel++) {
          values[(sample - pushed) * labels.length + channel]! += overlay.values[(sample - overlay.first) * labels.length + channel]!
        }
      }
    }
    const timestamps = new Float64Array(due)
    for (let index = 0; index < due; index++) timestamps[index] = start + (pushed + index) / settings.rate
    outlet.push(values, timestamps)
    pushed += due
    overlays = overlays.filter((overlay) => overlay.first + overlay.values.length / labels.length > pushed)
  }
  const timer = setInterval(tick, 10)
  return {
    outlet,
    pushed: () => pushed,
    hear(audio, onset) {
      const mono = new Float32Array(audio.channels[0]!.length)
      for (const channel of audio.channels) for (let index = 0; index < mono.length; index++) mono[index]! += channel[index]! / audio.channels.length
      const features = audioFeatures(mono, audio.sampleRate, settings.rate)
      overlays.push({ first: Math.round((onset - start) * settings.rate), values: participant.response(features) })
    },
    stop() {
      clearInterval(timer)
      outlet.close()
    },
  }
}
