import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, startCli } from '../../support/cli'
import { pulseAvailable, startPulse, type TestPulse } from '../../support/pulse'
import { markersOf, readSession, rowType } from '../../support/session'
import { writeQuickStudy } from '../../support/study'
import { useTempDirs } from '../../support/temp-dir'

const tempDir = useTempDirs()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.runIf(pulseAvailable)('entrain run after a crash', () => {
  let pulse: TestPulse
  beforeAll(async () => (pulse = await startPulse()))
  afterAll(async () => pulse?.close())

  it('resumes a session killed mid-trial at the next unfinished trial, into a second part, losing and repeating nothing', { timeout: 120_000 }, async () => {
    const study = await writeQuickStudy(await tempDir(), 5)
    const out = await tempDir()
    const env = { PULSE_SERVER: pulse.server, ENTRAIN_DATA_DIR: await tempDir() }
    const args = ['run', study, '--participant', '7', '--simulate', '--out', out]
    const folder = path.join(out, 'sub-7', 'ses-01')

    const first = startCli(args, env)
    let stderr = ''
    first.stderr.on('data', (chunk) => (stderr += chunk))
    const trialsDone = async () => {
      const text = await readFile(path.join(folder, 'session.json'), 'utf8').catch(() => null)
      return text ? (JSON.parse(text) as { trials: unknown[] }).trials.length : 0
    }
    const deadline = Date.now() + 60_000
    while ((await trialsDone()) < 2) {
      if (Date.now() > deadline || first.exitCode !== null) throw new Error(`no two trials done in time: ${stderr}`)
      await sleep(50)
    }
    await sleep(1200) // into the next trial's stimulus
    first.kill('SIGKILL')
    await new Promise((resolve) => first.on('exit', resolve))
    const killed = await readSession(folder)
    expect(killed.record.status).toBe('running')
    const doneBeforeCrash = killed.record.trials.length
    expect(doneBeforeCrash).toBeGreaterThanOrEqual(2)
    expect(doneBeforeCrash).toBeLessThan(5)

    // Not without saying so, and not a different protocol.
    const refused = await runCli(args, env)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/exists \(\d of 5 trials done, running\); resume it/)

    const resumed = await runCli([...args, '--resume', '--json'], env)
    expect(resumed.code, resumed.stderr).toBe(0)
    expect(JSON.parse(resumed.stdout)).toMatchObject({ status: 'completed', completed: 5, parts: ['recording.xdf', 'recording-part2.xdf'] })
    expect(existsSync(path.join(folder, 'session.lock'))).toBe(false)

    const { record, events, parts } = await readSession(folder)
    expect(record.status).toBe('completed')
    expect(record.trials.map((trial) => trial.index).sort()).toEqual([0, 1, 2, 3, 4])
    expect(record.trials.map((trial) => trial.part)).toEqual([...Array(doneBeforeCrash).fill(1), ...Array(5 - doneBeforeCrash).fill(2)])
    // events.tsv: each trial's onset exactly once, in the part that completed it.
    const onsetRows = events.filter((row) => row.trial_type === 'stimulus_onset')
    expect(onsetRows.map((row) => Number(row.trial))).toEqual(record.sequence.map((trial) => trial.index))
    expect(onsetRows.map((row) => row.recording)).toEqual(record.trials.map((trial) => (trial.part === 1 ? 'recording.xdf' : 'recording-part2.xdf')))

    // Both parts load; the killed one ends where the crash was. Every row of events.tsv is a marker of its part.
    expect(parts).toHaveLength(2)
    for (const [index, xdf] of parts.entries()) {
      const part = index + 1
      expect(xdf.streams.find((stream) => stream.description.name === 'EntrainSimulator')!.sampleCount).toBeGreaterThan(250)
      const markers = markersOf(xdf, part)
      const clockStart = record.parts[index]!.clockStart
      for (const row of events.filter((candidate) => candidate.recording === record.parts[index]!.file)) {
        const match = markers.find((marker) => rowType(marker) === row.trial_type && Math.abs(marker.time - clockStart - Number(row.onset)) < 1e-6)
        expect(match, `${row.trial_type} at ${row.onset} in part ${part}`).toBeDefined()
      }
    }
    expect(markersOf(parts[1]!, 2)[0]).toMatchObject({ event: 'session_resume', participant: '7', session: 1 })
  })

  it('refuses bad input before writing anything', async () => {
    const study = await writeQuickStudy(await tempDir(), 2)
    const out = await tempDir()
    const env = { PULSE_SERVER: pulse.server, ENTRAIN_DATA_DIR: await tempDir() }
    const badLabel = await runCli(['run', study, '--participant', 'P-1', '--simulate', '--out', out], env)
    expect(badLabel.code).toBe(1)
    expect(badLabel.stderr).toMatch(/participant label must be 1–64 letters and digits/)
    const nothingToResume = await runCli(['run', study, '--participant', '1', '--simulate', '--resume', '--out', out], env)
    expect(nothingToResume.stderr).toMatch(/there is no sub-1 ses-1 to resume/)
    const missing = await runCli(['run', path.join(out, 'nope.json'), '--participant', '1', '--out', out], env)
    expect(missing.stderr).toMatch(/cannot read the study file/)
    const usage = await runCli(['run', study, '--simulate'], env)
    expect(usage.code).toBe(2)
    expect(usage.stderr).toMatch(/--participant P is required/)
    expect(existsSync(path.join(out, 'sub-1'))).toBe(false)
    expect(existsSync(path.join(out, 'sub-P1'))).toBe(false)
  })
})
