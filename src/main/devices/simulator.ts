import { createEegSimulator } from '../../shared/sim/eeg'
import { defaultEegLabels } from '../../shared/sim/montage'
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
  stop(): void
}

/**
 * The built-in EEG device: an LSL outlet publishing simulated EEG (µV, 10-20 labels) in real time.
 * Timestamps are exact multiples of the sample period from the start, in the LSL clock, so the
 * stream is perfectly regular however the timer that pushes it jitters.
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
  const tick = () => {
    const due = Math.floor((localClock() - start) * settings.rate) - pushed
    if (due <= 0) return
    const values = generator.next(due)
    const timestamps = new Float64Array(due)
    for (let index = 0; index < due; index++) timestamps[index] = start + (pushed + index) / settings.rate
    outlet.push(values, timestamps)
    pushed += due
  }
  const timer = setInterval(tick, 10)
  return {
    outlet,
    pushed: () => pushed,
    stop() {
      clearInterval(timer)
      outlet.close()
    },
  }
}
