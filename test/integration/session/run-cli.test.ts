import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeAudioFile } from '../../../src/main/audio/decode'
import { prepareStimulus } from '../../../src/shared/audio/prepare'
import { defaultEegLabels } from '../../../src/shared/sim/montage'
import { audioFeatures, createParticipant } from '../../../src/shared/sim/participant'
import { repoRoot, runCli } from '../../support/cli'
import { pulseAvailable, startPulse, type TestPulse } from '../../support/pulse'
import { markersOf, readSession, rowType } from '../../support/session'
import { useTempDirs } from '../../support/temp-dir'
import { correlation } from '../../support/stats'

const tempDir = useTempDirs()
const demo = path.join(repoRoot, 'resources', 'demo', 'study.json')

describe.runIf(pulseAvailable)('entrain run', () => {
  let pulse: TestPulse
  beforeAll(async () => (pulse = await startPulse()))
  afterAll(async () => pulse?.close())

  it('runs the demo study headless with the simulated participant into a complete session', { timeout: 240_000 }, async () => {
    const out = await tempDir()
    const result = await runCli(['run', demo, '--participant', '01', '--simulate', '--out', out, '--json'], {
      PULSE_SERVER: pulse.server,
      ENTRAIN_DATA_DIR: await tempDir(),
    })
    expect(result.code, result.stderr).toBe(0)
    const folder = path.join(out, 'sub-01', 'ses-01')
    expect(JSON.parse(result.stdout)).toMatchObject({ folder, status: 'completed', completed: 4, skipped: 0, total: 4, parts: ['recording.xdf'] })

    const { record, events, parts, log } = await readSession(folder)
    expect(record.status).toBe('completed')
    expect(record.trials.map((trial) => [trial.index, trial.status])).toEqual([0, 1, 2, 3].map((index) => [index, 'completed']))
    for (const trial of record.trials) expect(Object.keys(trial.ratings).sort()).toEqual(['arousal', 'liking', 'valence'])
    expect(parts).toHaveLength(1)
    const xdf = parts[0]!
    expect(xdf.problems).toEqual([])
    expect(xdf.streams.map((stream) => stream.description.name).sort()).toEqual(['EntrainMarkers', 'EntrainRatings', 'EntrainSession', 'EntrainSimulator'])

    // One stimulus_onset marker per trial, in the realised order.
    const markers = markersOf(xdf, 1)
    const onsets = markers.filter((marker) => marker.event === 'stimulus_onset')
    expect(onsets.map((marker) => 'stimulus' in marker && marker.stimulus)).toEqual(record.sequence.map((trial) => trial.stimulus))
    expect(markers.filter((marker) => marker.event === 'response')).toHaveLength(12)

    // events.tsv and the XDF's markers are the same events: same type, same onset to the microsecond.
    const clockStart = record.parts[0]!.clockStart
    expect(events.map((row) => row.trial_type)).toEqual(markers.map(rowType))
    events.forEach((row, index) => {
      const marker = markers[index]!
      expect(row.trial_type).toBe(rowType(marker))
      expect(Math.abs(Number(row.onset) - (marker.time - clockStart))).toBeLessThan(1e-6)
      expect(row.recording).toBe('recording.xdf')
    })
    const onsetRows = events.filter((row) => row.trial_type === 'stimulus_onset')
    onsetRows.forEach((row, index) => {
      expect(row.stim_file).toBe(`stimuli/${record.sequence[index]!.stimulus}.wav`)
      // 8 s tunes, unless the output ran dry (the machine overloaded), which the offset marker and the log report.
      const offset = markers.find((marker) => marker.event === 'stimulus_offset' && marker.time > Number(row.onset) + clockStart)
      if (offset && 'underruns' in offset && offset.underruns) {
        expect(Number(row.duration)).toBeGreaterThan(8)
        expect(log.some((line) => line.level === 'warn' && line.message.includes('underrun'))).toBe(true)
      } else expect(Number(row.duration), JSON.stringify(offset)).toBeCloseTo(8, 2)
      expect(Number(row.valence)).toBe(record.trials[index]!.ratings.valence)
    })
    expect(log.some((line) => line.message === 'session completed')).toBe(true)

    // The simulated participant heard each stimulus when it played: its EEG follows the response
    // predicted from the audio at the onset marker's time, and not one second off.
    const eeg = xdf.streams.find((stream) => stream.description.name === 'EntrainSimulator')!
    const labels = defaultEegLabels(16)
    const participant = createParticipant({ labels, eegRate: 250, seed: record.seed % 2 ** 31 })
    // Each tune's correlation with its predicted response, at lags around its onset marker and one
    // second off; averaged over the tunes, because how strong one tune's response comes out depends
    // on the background EEG under it (a blink can halve it).
    const lags = [...Array.from({ length: 51 }, (_, index) => index - 25), 250]
    const mean = new Map(lags.map((lag) => [lag, 0]))
    for (const onset of onsets) {
      const file = path.join(repoRoot, 'resources', 'demo', 'stimuli', `${'stimulus' in onset ? onset.stimulus : ''}.wav`)
      const audio = prepareStimulus(await decodeAudioFile(file), { targetRate: 48_000, targetChannels: 2 }).audio
      const mono = audio.channels[0]!.map((value, index) => (value + audio.channels[1]![index]!) / 2)
      const predicted = participant.response(audioFeatures(mono, 48_000, 250))
      const first = eeg.timestamps.findIndex((timestamp) => timestamp >= onset.time - 0.5 / 250)
      for (const lag of lags) {
        const r = correlation(predicted, (eeg.samples as Float32Array).subarray((first + lag) * 16, (first + lag) * 16 + predicted.length))
        mean.set(lag, mean.get(lag)! + r / onsets.length)
      }
    }
    const at = (lag: number) => mean.get(lag)!
    const best = lags.slice(0, 51).reduce((bestLag, lag) => (at(lag) > at(bestLag) ? lag : bestLag), 0)
    // The correlation is flat near its peak (the responses are 15–35 ms bumps), so noise moves the
    // arg-max by a few samples; at the marker it must be within 10 % of the peak.
    expect(Math.abs(best), `the response peaks ${best} samples away from the onset marker`).toBeLessThanOrEqual(4)
    expect(at(0)).toBeGreaterThan(0.9 * at(best))
    expect(at(0)).toBeGreaterThan(0.05)
    expect(Math.abs(at(250))).toBeLessThan(at(0) / 2)
  })
})
