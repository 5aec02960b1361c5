import { simulatorDefaults, startSimulator } from '../../main/devices/simulator'
import { defineCommand, exitCodes, output, UsageError } from '../command'

function positive(value: string | undefined, name: string, fallback: number, integer = true): number {
  if (value === undefined) return fallback
  const number = Number(value)
  if (!(number > 0) || (integer && !Number.isInteger(number))) throw new UsageError(`--${name} must be a positive ${integer ? 'whole ' : ''}number, not ${value}`)
  return number
}

export const simulateCommand = defineCommand({
  name: 'simulate',
  summary: 'Publish simulated EEG (1/f background, posterior alpha, line noise, blinks) as an LSL stream until interrupted.',
  options: {
    name: { type: 'string', value: 'N', description: `stream name (default ${simulatorDefaults.name})` },
    channels: { type: 'string', value: 'C', description: `channel count (default ${simulatorDefaults.channels})` },
    rate: { type: 'string', value: 'R', description: `sampling rate in Hz (default ${simulatorDefaults.rate})` },
    duration: { type: 'string', value: 'S', description: 'stop after S seconds (default: run until Ctrl+C)' },
    seed: { type: 'string', value: 'K', description: `random seed (default ${simulatorDefaults.seed})` },
    'line-frequency': { type: 'string', value: 'HZ', description: 'mains frequency, 50 or 60 (default 50)' },
  },
  async run({ options, io }) {
    const lineFrequency = positive(options['line-frequency'], 'line-frequency', 50)
    if (lineFrequency !== 50 && lineFrequency !== 60) throw new UsageError('--line-frequency must be 50 or 60')
    const duration = options.duration === undefined ? null : positive(options.duration, 'duration', 0, false)
    const simulator = startSimulator({
      name: options.name ?? simulatorDefaults.name,
      channels: positive(options.channels, 'channels', simulatorDefaults.channels),
      rate: positive(options.rate, 'rate', simulatorDefaults.rate, false),
      seed: options.seed === undefined ? simulatorDefaults.seed : Number.parseInt(options.seed, 10),
      lineFrequency,
    })
    const { description } = simulator.outlet
    if (!options.json) {
      io.stderr.write(`publishing ${description.name}: ${description.channelCount} ch at ${description.nominalSrate} Hz (Ctrl+C to stop)\n`)
    }
    const stopped = await Promise.race([
      io.interrupted(),
      ...(duration === null ? [] : [new Promise<'duration'>((resolve) => setTimeout(() => resolve('duration'), duration * 1000))]),
    ])
    const samples = simulator.pushed()
    simulator.stop()
    output(io, options.json, { name: description.name, samples, stoppedBy: stopped }, `stopped after ${samples} samples (${stopped})`)
    return exitCodes.ok
  },
})
