import { spawn } from 'node:child_process'
import { cp, copyFile, readFile, readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseTsv } from '../../../src/shared/session/events'
import type { SessionRecord } from '../../../src/shared/session/record'
import { readXdf } from '../../../src/shared/xdf/reader'
import { repoRoot, runCli } from '../../support/cli'
import { mneAvailable, readWithMne } from '../../support/mne'
import { pulseAvailable, startPulse, type TestPulse } from '../../support/pulse'
import { recordSimulatedSession } from '../../support/simulated-session'
import { useTempDirs } from '../../support/temp-dir'

const tempDir = useTempDirs()

interface ValidatorIssue {
  key: string
  reason: string
  files: { file: { relativePath: string } | null }[]
}

/** The bids-validator npm package, run as its users run it. */
function validate(folder: string): Promise<{ errors: ValidatorIssue[]; warnings: ValidatorIssue[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(repoRoot, 'node_modules', '.bin', 'bids-validator'), [folder, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('close', () => {
      try {
        resolve((JSON.parse(stdout) as { issues: { errors: ValidatorIssue[]; warnings: ValidatorIssue[] } }).issues)
      } catch {
        reject(new Error(`bids-validator gave no JSON: ${stderr}${stdout.slice(0, 2000)}`))
      }
    })
  })
}

/**
 * A second participant whose session was resumed once: the recorded session's folder with its
 * recording as part 1 and again as part 2, the last two trials' events moved to part 2.
 */
async function twoPartCopy(study: string, folder: string): Promise<void> {
  const target = path.join(study, 'sessions', 'sub-02', 'ses-01')
  await cp(folder, target, { recursive: true })
  await copyFile(path.join(target, 'recording.xdf'), path.join(target, 'recording-part2.xdf'))
  const record = JSON.parse(await readFile(path.join(target, 'session.json'), 'utf8')) as SessionRecord
  record.participant = '02'
  record.parts.push({ ...record.parts[0]!, part: 2, file: 'recording-part2.xdf' })
  const inPart2 = (trial: number | null | undefined) => trial !== undefined && trial !== null && trial >= 2
  record.events = record.events.map((event) => ({ ...event, part: 'trial' in event && inPart2(event.trial) ? 2 : 1 }))
  record.trials = record.trials.map((trial) => ({ ...trial, part: inPart2(trial.index) ? 2 : 1 }))
  await writeFile(path.join(target, 'session.json'), JSON.stringify(record, null, 2))
}

describe.runIf(pulseAvailable)('entrain export bids', () => {
  let pulse: TestPulse
  beforeAll(async () => (pulse = await startPulse()))
  afterAll(async () => pulse?.close())

  it('exports a simulated session (and a resumed one as runs) into a dataset that bids-validator passes without errors', { timeout: 180_000 }, async () => {
    const root = await tempDir()
    const { study, folder } = await recordSimulatedSession(root, pulse.server)
    await twoPartCopy(study, folder)
    const out = path.join(root, 'bids')
    const exported = await runCli(['export', 'bids', '--study', study, '--out', out, '--line-frequency', '50', '--json'])
    expect(exported.code, exported.stderr).toBe(0)
    expect(exported.stderr).toMatch(/export bids 100%/)
    const result = JSON.parse(exported.stdout) as { task: string; participants: string[]; runs: { participant: string; run: number | null; header: string }[]; stimuli: string[] }
    expect(result.task).toBe('QuickStudy')
    expect(result.participants).toEqual(['01', '02'])
    expect(result.runs.map((run) => [run.participant, run.run])).toEqual([
      ['01', null],
      ['02', 1],
      ['02', 2],
    ])
    expect(result.stimuli.length).toBeGreaterThan(0)
    for (const stimulus of result.stimuli) expect(['tune1.wav', 'tune2.wav', 'tune3.wav', 'tune4.wav']).toContain(stimulus)

    const report = await validate(out)
    expect(report.errors.map((issue) => `${issue.key}: ${issue.reason} ${issue.files.map((file) => file.file?.relativePath).join(' ')}`)).toEqual([])

    const eeg = path.join(out, 'sub-01', 'ses-01', 'eeg')
    expect((await readdir(eeg)).sort()).toEqual(
      ['channels.tsv', 'eeg.eeg', 'eeg.json', 'eeg.vhdr', 'eeg.vmrk', 'events.tsv'].map((suffix) => `sub-01_ses-01_task-QuickStudy_${suffix}`).sort(),
    )
    expect((await readdir(path.join(out, 'sub-02', 'ses-01', 'eeg'))).filter((name) => name.endsWith('_eeg.vhdr'))).toEqual([
      'sub-02_ses-01_task-QuickStudy_run-1_eeg.vhdr',
      'sub-02_ses-01_task-QuickStudy_run-2_eeg.vhdr',
    ])
    expect(await readFile(path.join(out, 'participants.tsv'), 'utf8')).toBe('participant_id\nsub-01\nsub-02\n')
    const sidecar = JSON.parse(await readFile(path.join(eeg, 'sub-01_ses-01_task-QuickStudy_eeg.json'), 'utf8')) as Record<string, unknown>
    expect(sidecar).toMatchObject({ TaskName: 'QuickStudy', SamplingFrequency: 250, PowerLineFrequency: 50, EEGChannelCount: 16, SoftwareFilters: 'n/a' })

    // The original recording, byte for byte, under sourcedata/.
    const original = await readFile(path.join(folder, 'recording.xdf'))
    expect((await readFile(path.join(out, 'sourcedata', 'sub-01', 'ses-01', 'recording.xdf'))).equals(original)).toBe(true)

    // Events: onsets from the first EEG sample; every stim_file is in stimuli/.
    const xdf = readXdf(new Uint8Array(original))
    const signal = xdf.streams.find((stream) => stream.description.name === 'EntrainSimulator')!
    const markerStream = xdf.streams.find((stream) => stream.description.name === 'EntrainMarkers')!
    const onsetTimes = (markerStream.samples as string[][]).flatMap(([text], index) => ((JSON.parse(text!) as { event: string }).event === 'stimulus_onset' ? [markerStream.timestamps[index]!] : []))
    const events = parseTsv(await readFile(path.join(eeg, 'sub-01_ses-01_task-QuickStudy_events.tsv'), 'utf8'))
    const onsets = events.filter((row) => row.trial_type === 'stimulus_onset')
    expect(onsets.length).toBeGreaterThan(0)
    expect(onsets).toHaveLength(onsetTimes.length)
    const nearest = (time: number) => signal.timestamps.reduce((best, stamp, index) => (Math.abs(stamp - time) < Math.abs(signal.timestamps[best]! - time) ? index : best), 0)
    onsets.forEach((row, index) => {
      // At its nearest sample on the regular timeline, plus its distance from that sample; within
      // the marker stream's measured clock offset (tens of µs), far below a sample.
      const time = onsetTimes[index]!
      const sample = nearest(time)
      expect(Math.abs(Number(row.onset) - (sample / 250 + time - signal.timestamps[sample]!))).toBeLessThan(1e-4)
      expect(result.stimuli).toContain(row.stim_file)
    })
    const stimuli = await readdir(path.join(out, 'stimuli'))
    for (const row of events) if (row.stim_file !== 'n/a') expect(stimuli).toContain(row.stim_file)

    if (mneAvailable) {
      // MNE reads the BIDS data: the recorded values exactly, one annotation per marker of the recording.
      const read = await readWithMne(path.join(eeg, 'sub-01_ses-01_task-QuickStudy_eeg.vhdr'))
      expect(read.sfreq).toBe(250)
      expect(read.channels).toEqual(signal.description.channels!.map((channel) => channel.label))
      const stored = signal.samples as Float32Array
      for (let c = 0; c < 16; c++) for (let i = 0; i < signal.sampleCount; i += 7) expect(read.data[c]![i]).toBeCloseTo(stored[i * 16 + c]!, 6)
      const markerCount = xdf.streams.filter((stream) => stream.description.channelFormat === 'string').reduce((sum, stream) => sum + stream.sampleCount, 0)
      expect(read.annotations.filter((annotation) => annotation.description !== 'New Segment/')).toHaveLength(markerCount)
      const vmrkOnsets = read.annotations.filter((annotation) => annotation.description.startsWith('EntrainMarkers/stimulus_onset'))
      vmrkOnsets.forEach((annotation, index) => expect(Math.abs(annotation.onset - Number(onsets[index]!.onset))).toBeLessThanOrEqual(0.5 / 250 + 1e-6))
    } else console.warn('MNE checks of the BIDS data skipped: /usr/bin/python3 cannot import mne')
  })
})
