import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatasetManifest } from '../../../src/shared/dataset/manifest'
import { runCli } from '../../support/cli'
import { pulseAvailable, startPulse, type TestPulse } from '../../support/pulse'
import { readSession } from '../../support/session'
import { writeQuickStudy } from '../../support/study'
import { useTempDirs } from '../../support/temp-dir'

const tempDir = useTempDirs()
const floats = async (file: string) => {
  const bytes = await readFile(file)
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)
}

describe.runIf(pulseAvailable)('entrain dataset build', () => {
  let pulse: TestPulse
  let session: string
  let shared: string
  // One recorded session serves every test here.
  beforeAll(async () => {
    pulse = await startPulse()
    shared = await mkdtemp(path.join(os.tmpdir(), 'entrain-dataset-'))
    const study = await writeQuickStudy(path.join(shared, 'study'), 3)
    const run = await runCli(['run', study, '--participant', '9', '--simulate'], { PULSE_SERVER: pulse.server, ENTRAIN_DATA_DIR: path.join(shared, 'data') })
    if (run.code !== 0) throw new Error(run.stderr)
    session = path.join(shared, 'study', 'sessions', 'sub-9', 'ses-01')
  }, 90_000)
  afterAll(async () => {
    await pulse?.close()
    await rm(shared, { recursive: true, force: true })
  })

  it('pairs each window of audio with the EEG recorded from its onset, sample for sample', async () => {
    const out = path.join(await tempDir(), 'dataset')
    // No filtering, no wavelet steps and no scaling, so the windows can be compared with the recording itself.
    const args = ['dataset', 'build', '--session', session, '--out', out, '--window', '0.5', '--lag', '0.1', '--line', 'none', '--band', 'none', '--artifacts', 'none', '--scaling', 'none', '--semblance', 'none', '--eeg-rate', 'recorded', '--audio-scaling', 'none', '--json']
    const result = await runCli(args)
    expect(result.code, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({ windows: 6, sessions: 1, eeg: { rate: 250, channels: 16, samplesPerWindow: 125 }, shards: 1, skipped: [] })
    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as DatasetManifest
    expect(manifest.items.map((item) => item.offset)).toEqual([0, 0.5, 0, 0.5, 0, 0.5])
    expect(manifest.folds.bySubject).toEqual({ 9: expect.any(Number) })
    expect(Object.keys(manifest.folds.bySong).sort()).toEqual(['tune1', 'tune2', 'tune3'])

    const { record, parts } = await readSession(session)
    const eegStream = parts[0]!.streams.find((stream) => stream.description.type === 'EEG')!
    const eeg = await floats(path.join(out, manifest.shards[0]!.eeg))
    const audio = await floats(path.join(out, manifest.shards[0]!.audio))
    expect(eeg).toHaveLength(6 * 16 * 125)
    expect(audio).toHaveLength(6 * 11_025)
    manifest.items.forEach((item, index) => {
      const onset = record.trials.find((trial) => trial.index === item.trial)!.onset!
      // The recorded sample at onset + lag + offset, channel 3, is the window's first sample of channel 3.
      const first = eegStream.timestamps.findIndex((time) => time >= onset + 0.1 + item.offset - 0.5 / 250)
      const recorded = (eegStream.samples as Float32Array)[first * 16 + 3]!
      expect(Math.abs(eeg[index * 16 * 125 + 3 * 125]! - recorded)).toBeLessThan(1e-3)
    })
    // The audio windows hold sound (the tunes), not silence.
    for (let index = 0; index < 6; index++) expect(Math.max(...audio.subarray(index * 11_025, (index + 1) * 11_025).map(Math.abs))).toBeGreaterThan(0.05)
  })

  it('finds a study’s sessions, runs the paper’s chain by default, and refuses to write over a dataset', async () => {
    const out = path.join(await tempDir(), 'dataset')
    const result = await runCli(['dataset', 'build', '--study', path.join(shared, 'study'), '--out', out, '--window', '0.5', '--json'])
    expect(result.code, result.stderr).toBe(0)
    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as DatasetManifest
    expect(manifest.eeg.chain).toEqual({
      lineHz: 50,
      bandpass: [0.5, 49.5],
      filterOrder: 5,
      reference: 'none',
      rate: 250,
      artifacts: { wavelet: 'db8', k: 5 },
      scaling: 'minmax',
      semblance: { wavelet: 'db8', threshold: 0.5, window: 3 },
    })
    const eeg = await floats(path.join(out, manifest.shards[0]!.eeg))
    // Min–max scaled to ±1, then semblance denoising, which takes some of each channel away.
    expect(eeg.every(Number.isFinite)).toBe(true)
    const peak = Math.max(...eeg.map(Math.abs))
    expect(peak).toBeGreaterThan(0.3)
    expect(peak).toBeLessThan(1.5)
    const again = await runCli(['dataset', 'build', '--session', session, '--out', out])
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/is not empty; datasets are never written over/)
    const bad = await runCli(['dataset', 'build', '--session', session, '--out', path.join(out, 'x'), '--band', '20,10'])
    expect(bad.stderr).toMatch(/high edge must be above the low edge/)
  })

  it('takes the wavelet steps’ settings from its flags and records them', async () => {
    const out = path.join(await tempDir(), 'dataset')
    const result = await runCli(['dataset', 'build', '--session', session, '--out', out, '--window', '0.5', '--artifacts', '4', '--semblance', '0.3', '--semblance-window', '5', '--wavelet', 'db4', '--json'])
    expect(result.code, result.stderr).toBe(0)
    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as DatasetManifest
    expect(manifest.eeg.chain).toMatchObject({ artifacts: { wavelet: 'db4', k: 4 }, semblance: { wavelet: 'db4', threshold: 0.3, window: 5 } })
    const skipped = path.join(await tempDir(), 'plain')
    expect((await runCli(['dataset', 'build', '--session', session, '--out', skipped, '--window', '0.5', '--artifacts', 'none', '--semblance', 'none'])).code).toBe(0)
    const plain = JSON.parse(await readFile(path.join(skipped, 'manifest.json'), 'utf8')) as DatasetManifest
    expect(plain.eeg.chain).toMatchObject({ artifacts: null, semblance: null })
    // Without semblance the min–max scale holds exactly.
    expect(Math.max(...(await floats(path.join(skipped, plain.shards[0]!.eeg))).map(Math.abs))).toBeLessThanOrEqual(1 + 1e-6)
  })
})

describe('entrain dataset build: the wavelet steps’ flags', () => {
  it('lists them in --help, with the paper’s values as defaults', async () => {
    const help = await runCli(['dataset', '--help'])
    expect(help.code).toBe(0)
    for (const flag of [/--artifacts K\|none .*mean ± K·sd zeroed \(default 5; "none"\)/, /--semblance T\|none .*\(default 0\.5; "none"\)/, /--semblance-window N .*\(default 3\)/, /--wavelet dbN .*db1…db20 \(default db8\)/]) {
      expect(help.stdout.replace(/\s+/g, ' ')).toMatch(flag)
    }
  })

  it('names a flag it cannot use and what it takes, before reading anything', async () => {
    const cases: [string[], RegExp][] = [
      [['--semblance-window', '4'], /--semblance-window is not valid: 4/],
      [['--semblance', '1.5'], /--semblance is not valid: 1.5/],
      [['--semblance', 'none', '--semblance-window', '5'], /--semblance-window needs semblance denoising/],
      [['--artifacts', '0'], /--artifacts is not valid: 0/],
      [['--wavelet', 'db40'], /wavelet artifact removal: unknown wavelet db40: choose db1 … db20/],
    ]
    for (const [flags, message] of cases) {
      const result = await runCli(['dataset', 'build', '--session', '/nonexistent', '--out', '/nonexistent/out', ...flags])
      expect(result.code, flags.join(' ')).toBe(2)
      expect(result.stderr).toMatch(message)
    }
  })
})
