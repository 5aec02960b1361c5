import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { SessionStatus } from '../../../src/shared/contract'
import { createServices, type Services } from '../../../src/main/services'
import { uniqueName } from '../../support/lsl'
import { pulseAvailable, startPulse, type TestPulse } from '../../support/pulse'
import { readSession } from '../../support/session'
import { writeQuickStudy } from '../../support/study'
import { useTempDirs } from '../../support/temp-dir'

const tempDir = useTempDirs()

/**
 * The session through the contract, as the Session view and the participant window drive it: the
 * real dispatch, services, liblsl, audio engine and files; a person's clicks are the requests.
 */
describe.runIf(pulseAvailable)('session requests', () => {
  let pulse: TestPulse
  let services: Services
  let study: string
  const statuses: (SessionStatus | null)[] = []

  beforeAll(async () => {
    pulse = await startPulse()
    process.env.PULSE_SERVER = pulse.server
  })
  afterAll(async () => {
    delete process.env.PULSE_SERVER
    await pulse?.close()
  })
  beforeEach(async () => {
    services = await createServices({ kind: 'web', dataDir: await tempDir() })
    services.events.subscribe('session.changed', (status) => statuses.push(status))
    study = path.dirname(await writeQuickStudy(await tempDir(), 3))
  })
  afterEach(async () => services.close())

  const call = async (name: string, input: unknown = {}) => {
    const reply = await services.dispatch(name, input)
    if (!reply.ok) throw Object.assign(new Error(reply.error.message), reply.error)
    return reply.value as SessionStatus
  }
  const until = async (wanted: (status: SessionStatus) => boolean, seconds = 30) => {
    const deadline = Date.now() + seconds * 1000
    for (;;) {
      const status = await call('session.status')
      if (status && wanted(status)) return status
      if (Date.now() > deadline) throw new Error(`timed out; last status ${JSON.stringify(status)}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  it('runs a session with a person answering, pausing, resuming and skipping', { timeout: 90_000 }, async () => {
    await call('simulator.start', { name: uniqueName('eeg') })
    const prepared = await call('session.prepare', { path: study, participant: '3' })
    expect(prepared.state).toBe('ready')
    expect(prepared.preflight.map((check) => [check.name, check.ok])).toEqual(
      expect.arrayContaining([['study', true], ['folder', true], ['streams', true], ['audio', true], ['disk', true]]),
    )
    await expect(call('session.respond', { trial: 0, scale: 'liking', value: 3 })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    const started = await call('session.start')
    expect(started.state).toBe('running')

    // Trial 1: answer the rating (wrong answers are refused and change nothing).
    const asking = await until((status) => status.asking !== null)
    expect(asking.asking).toMatchObject({ scale: { id: 'liking', min: 1, max: 9 }, position: 0, of: 1 })
    expect(asking.phase?.name).toBe('rating')
    const first = asking.trial!.index
    await expect(call('session.respond', { trial: first, scale: 'liking', value: 12 })).rejects.toMatchObject({ message: expect.stringMatching(/between 1 and 9/) })
    await expect(call('session.respond', { trial: first + 1, scale: 'liking', value: 4 })).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await call('session.respond', { trial: first, scale: 'liking', value: 7 })

    // Trial 2: pause while the music plays, resume; the trial runs again from its start.
    const second = await until((status) => status.completed === 1 && status.phase?.name === 'stimulus')
    await new Promise((resolve) => setTimeout(resolve, 700)) // the tune is sounding
    expect((await call('session.pause')).state).toBe('paused')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect((await call('session.resume')).state).toBe('running')
    await until((status) => status.asking !== null && status.trial?.index === second.trial!.index)
    await call('session.respond', { trial: second.trial!.index, scale: 'liking', value: 2 })

    // Trial 3: skip it during its fixation.
    await until((status) => status.completed === 2 && status.trial?.index !== second.trial!.index)
    await call('session.skip')
    const done = await until((status) => status.state === 'completed')
    expect(done, done.problem ?? '').toMatchObject({ completed: 2, skipped: 1, total: 3 })

    const { record, events } = await readSession(done.folder)
    expect(record.trials.map((trial) => [trial.status, trial.ratings])).toEqual([
      ['completed', { liking: 7 }],
      ['completed', { liking: 2 }],
      ['skipped', {}],
    ])
    const types = events.map((row) => row.trial_type)
    expect(types.filter((type) => type === 'pause')).toHaveLength(1)
    expect(types.filter((type) => type === 'resume')).toHaveLength(1)
    expect(types.filter((type) => type === 'skip')).toHaveLength(1)
    // The paused attempt's onset and the stopped stimulus are kept, and the trial's full run follows.
    const secondTrial = events.filter((row) => Number(row.trial) === second.trial!.index)
    expect(secondTrial.filter((row) => row.trial_type === 'stimulus_onset')).toHaveLength(2)
    expect(secondTrial.filter((row) => row.trial_type === 'stimulus_stopped')).toHaveLength(1)
    expect(events.filter((row) => row.trial_type === 'response').map((row) => row.value)).toEqual(['7', '2'])

    const [listed] = await services.dispatch('session.list', { path: study }).then((reply) => (reply.ok ? (reply.value as { status: string; resumable: boolean }[]) : []))
    expect(listed).toMatchObject({ status: 'completed', resumable: false })
    expect((await services.dispatch('session.close', {})).ok).toBe(true)
    expect(statuses.at(-1)).toBeNull()
  })

  it('aborts into a resumable session, and resumes it only when asked to', { timeout: 90_000 }, async () => {
    await call('session.prepare', { path: study, participant: '4', simulate: true })
    await call('session.start')
    await until((status) => status.completed === 1)
    await call('session.abort')
    const aborted = await until((status) => status.state === 'aborted')
    expect(aborted.completed).toBe(1)
    const listed = await services.dispatch('session.list', { path: study })
    expect(listed).toMatchObject({ ok: true, value: [{ participant: '4', status: 'aborted', completed: 1, total: 3, resumable: true }] })

    const again = await services.dispatch('session.prepare', { path: study, participant: '4', simulate: true })
    expect(again).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', details: { resumable: true } } })
    const resumed = await call('session.prepare', { path: study, participant: '4', simulate: true, resume: true })
    expect(resumed).toMatchObject({ state: 'ready', completed: 1, part: 1 })
    await call('session.start')
    const done = await until((status) => status.state === 'completed')
    expect(done, done.problem ?? '').toMatchObject({ completed: 3, part: 2 })
    // The simulator restarted for the second part under the same source id; its EEG is recorded from the part's start.
    const { record, parts } = await readSession(done.folder)
    const eeg = parts[1]!.streams.find((stream) => stream.description.type === 'EEG')!
    expect(eeg.timestamps[0]! - record.parts[1]!.clockStart).toBeLessThan(0.5)
    expect(eeg.timestamps[eeg.sampleCount - 1]! - eeg.timestamps[0]!).toBeGreaterThan(5)
  })
})
