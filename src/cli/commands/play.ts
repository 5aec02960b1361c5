import path from 'node:path'
import { decodeAudioFile } from '../../main/audio/decode'
import { AudioEngine, engineDefaults } from '../../main/audio/engine'
import type { MarkerEvent } from '../../main/audio/engine-protocol'
import { prepareStimulus } from '../../shared/audio/prepare'
import { interleave } from '../../shared/audio/types'
import { toErrorInfo } from '../../shared/errors'
import { defineCommand, exitCodes, output, UsageError } from '../command'

/** --period/--periods as engine options, refusing nonsense early. */
export function bufferOptions(period: string | undefined, periods: string | undefined): { periodFrames?: number; periods?: number } {
  const whole = (value: string | undefined, name: string, min: number, max: number) => {
    if (value === undefined) return undefined
    const number = Number(value)
    if (!Number.isInteger(number) || number < min || number > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`)
    return number
  }
  const periodFrames = whole(period, 'period', 32, 65_536)
  const count = whole(periods, 'periods', 2, 64)
  return { ...(periodFrames ? { periodFrames } : {}), ...(count ? { periods: count } : {}) }
}

export const playCommand = defineCommand({
  name: 'play',
  summary:
    'Play audio files in order with S seconds of silence between them, publishing an LSL marker at the DAC time of every onset and offset. A file that cannot be decoded is named and skipped; the rest play.',
  positionals: 'FILE…',
  options: {
    gap: { type: 'string', value: 'S', description: 'seconds of silence between files (default 1)' },
    device: { type: 'string', value: 'D', description: 'ALSA output device (default: default; see `entrain audio devices`)' },
    'marker-stream': { type: 'string', value: 'NAME', description: `LSL marker stream name (default ${engineDefaults.markerStream})` },
    period: { type: 'string', value: 'FRAMES', description: `frames per write (default ${engineDefaults.periodFrames})` },
    periods: { type: 'string', value: 'N', description: `writes the output buffer holds (default ${engineDefaults.periods}); latency = period × periods` },
    'wait-for-recorder': { type: 'string', value: 'S', description: 'wait up to S seconds for a recorder to listen to the markers before playing (default 0)' },
  },
  async run({ options, positionals, io }) {
    if (positionals.length === 0) throw new UsageError('name at least one audio file')
    const gap = options.gap === undefined ? 1 : Number(options.gap)
    if (!(gap >= 0)) throw new UsageError(`--gap must be a number of seconds ≥ 0, not ${options.gap}`)
    const waitForRecorder = options['wait-for-recorder'] === undefined ? 0 : Number(options['wait-for-recorder'])
    const engine = await AudioEngine.open({
      device: options.device,
      ...bufferOptions(options.period, options.periods),
      markerStream: { name: options['marker-stream'] ?? engineDefaults.markerStream },
      waitForRecorderSeconds: waitForRecorder,
    })
    const played: { file: string; onset: MarkerEvent; end: MarkerEvent }[] = []
    const failed: { file: string; error: string }[] = []
    let interrupted = false
    void io.interrupted().then(() => {
      interrupted = true
      engine.stop(0.05)
    })
    const playAll = async () => {
      await engine.ready
      let previous: number | undefined
      const pending: Promise<void>[] = []
      for (const file of positionals) {
        if (interrupted) break
        try {
          const prepared = prepareStimulus(await decodeAudioFile(file), { targetRate: engine.device.rate, targetChannels: engine.device.channels === 1 ? 1 : 2 })
          if (prepared.clipped) io.stderr.write(`warning: ${file} clips at its gain (samples beyond full scale)\n`)
          const stimulus = { id: path.basename(file, path.extname(file)), file: path.resolve(file) }
          const playback = await engine.play(stimulus, interleave(prepared.audio), previous === undefined ? { leadSeconds: 0.2 } : { after: previous, gapSeconds: gap })
          previous = playback.playId
          const seconds = (playback.endFrame - playback.startFrame) / engine.device.rate
          pending.push(
            Promise.all([playback.onset, playback.end]).then(([onset, end]) => {
              played.push({ file: stimulus.file, onset, end })
              if (!options.json) io.stderr.write(`played ${file} (${seconds.toFixed(2)} s) from frame ${onset.frame}${end.underruns ? `, ${end.underruns} underrun(s)` : ''}\n`)
            }),
          )
        } catch (error) {
          const message = toErrorInfo(error).message
          failed.push({ file, error: message })
          io.stderr.write(`entrain play: ${message}; playing the rest\n`)
        }
      }
      await Promise.all(pending)
    }
    try {
      await playAll()
    } catch (error) {
      await engine.close()
      throw error
    }
    const stats = await engine.close()
    played.sort((a, b) => a.onset.frame - b.onset.frame)
    output(
      io,
      options.json,
      { device: engine.device, played, failed, underruns: stats.underruns, interrupted },
      `${played.length} played, ${failed.length} failed, ${stats.underruns} underruns`,
    )
    return failed.length || interrupted ? exitCodes.failure : exitCodes.ok
  },
})
