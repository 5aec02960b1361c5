import { describe, expect, it } from 'vitest'
import { nextTrialIndex, parseSessionRecord, participantProblem, partFileName, sessionFolderName, type SessionRecord } from '../../../../src/shared/session/record'

function record(): SessionRecord {
  return {
    format: 'entrain-session',
    version: 1,
    study: { name: 'Pilot', file: '/study/study.json', sha256: 'ab'.repeat(32) },
    participant: '01',
    session: 1,
    seed: 123,
    simulated: true,
    status: 'running',
    createdAt: '2026-11-24T10:00:00.000Z',
    updatedAt: '2026-11-24T10:00:00.000Z',
    software: { entrain: '0.1.0' },
    audio: null,
    sequence: [0, 1, 2].map((index) => ({ index, block: 'main', repetition: 1, stimulus: `s${index}`, breakBefore: false })),
    parts: [],
    trials: [],
    events: [],
  }
}

describe('session record', () => {
  it('continues at the first trial that is neither completed nor skipped', () => {
    const value = record()
    expect(nextTrialIndex(value)).toBe(0)
    value.trials.push({ index: 0, stimulus: 's0', status: 'completed', part: 1, onset: 1, ratings: {} })
    value.trials.push({ index: 2, stimulus: 's2', status: 'skipped', part: 1, onset: null, ratings: {} })
    expect(nextTrialIndex(value)).toBe(1)
    value.trials.push({ index: 1, stimulus: 's1', status: 'completed', part: 2, onset: 9, ratings: { valence: 3 } })
    expect(nextTrialIndex(value)).toBeNull()
  })

  it('reads back what it writes, and names the field of a damaged file', () => {
    const value = record()
    value.events.push({ event: 'session_start', participant: '01', session: 1, time: 5, part: 1 })
    expect(parseSessionRecord(JSON.parse(JSON.stringify(value)))).toEqual({ ok: true, record: value })
    const damaged = { ...value, trials: [{ index: 'one' }] }
    const parsed = parseSessionRecord(damaged)
    expect(parsed.ok).toBe(false)
    expect(!parsed.ok && parsed.problem).toMatch(/^trials\[0\]\.index: /)
    const badEvent = parseSessionRecord({ ...value, events: [{ event: 'phase' }] })
    expect(!badEvent.ok && badEvent.problem).toMatch(/^events\[0\]: must be an event/)
  })

  it('names folders and parts as BIDS does', () => {
    expect(sessionFolderName('01', 1)).toBe('sub-01/ses-01')
    expect(sessionFolderName('P7', 12)).toBe('sub-P7/ses-12')
    expect(partFileName(1)).toBe('recording.xdf')
    expect(partFileName(3)).toBe('recording-part3.xdf')
    expect(participantProblem('07')).toBeNull()
    expect(participantProblem('P-07')).toMatch(/letters and digits/)
    expect(participantProblem('')).toMatch(/letters and digits/)
    expect(participantProblem('../x')).toMatch(/letters and digits/)
  })
})
