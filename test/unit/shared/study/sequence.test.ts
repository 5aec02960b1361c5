import { describe, expect, it } from 'vitest'
import { checkStudy } from '../../../../src/shared/study/check'
import type { Study, StudyInput } from '../../../../src/shared/study/schema'
import { expectedDurationSeconds, participantNumber, phaseSeconds, realiseSequence, williamsRows } from '../../../../src/shared/study/sequence'
import { exampleStudy } from '../../../support/study'

function study(change: (input: StudyInput) => void = () => {}): Study {
  const input = exampleStudy()
  change(input)
  const checked = checkStudy(input)
  if (!checked.ok) throw new Error(JSON.stringify(checked.issues))
  return checked.study
}

const tags: Record<string, string> = { s1: 'happy', s2: 'happy', s3: 'sad', s4: 'sad' }

describe('realiseSequence', () => {
  it('is a pure function of study, participant and session', () => {
    const s = study()
    expect(realiseSequence(s, '07', 1)).toEqual(realiseSequence(s, '07', 1))
    const orders = new Set(['01', '02', '03', '04', '05'].map((participant) => realiseSequence(s, participant, 1).map((trial) => trial.stimulus).join()))
    expect(orders.size).toBeGreaterThan(1)
    expect(realiseSequence(s, '07', 2).map((trial) => trial.stimulus)).not.toEqual(realiseSequence(s, '07', 1).map((trial) => trial.stimulus))
  })

  it('keeps every constraint, every repetition and the breaks over 1000 seeds', () => {
    for (let seed = 0; seed < 1000; seed++) {
      const trials = realiseSequence(study((input) => (input.seed = seed)), 'P1', 1)
      expect(trials).toHaveLength(8)
      const stimuli = trials.map((trial) => trial.stimulus)
      for (const id of ['s1', 's2', 's3', 's4']) expect(stimuli.filter((stimulus) => stimulus === id)).toHaveLength(2)
      for (let index = 1; index < stimuli.length; index++) {
        expect(tags[stimuli[index]!], `seed ${seed}: ${stimuli}`).not.toBe(tags[stimuli[index - 1]!])
        expect(stimuli.slice(Math.max(0, index - 2), index), `seed ${seed}: ${stimuli}`).not.toContain(stimuli[index])
      }
      expect(trials.map((trial) => trial.breakBefore)).toEqual([false, false, false, false, true, false, false, false])
      expect(trials.map((trial) => trial.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    }
  })

  it('plays fixed blocks in the listed order and counts repetitions', () => {
    const trials = realiseSequence(study((input) => (input.blocks = [{ id: 'b', stimuli: ['s2', 's1'], order: 'fixed', repetitions: 2 }])), '1')
    expect(trials.map((trial) => [trial.stimulus, trial.repetition])).toEqual([['s2', 1], ['s1', 1], ['s2', 2], ['s1', 2]])
  })

  it('counterbalances block order across participants with a balanced Latin square', () => {
    const s = study((input) => {
      input.blocks = ['A', 'B', 'C', 'D'].map((id, index) => ({ id, stimuli: [`s${index + 1}`] }))
      input.blockOrder = 'latin-square'
    })
    const orders = ['1', '2', '3', '4'].map((participant) => realiseSequence(s, participant).map((trial) => trial.block).join(''))
    // Williams: first row 0, n−1, 1, n−2, …; each participant's row shifts it by one.
    expect(orders).toEqual(['ADBC', 'BACD', 'CBDA', 'DCAB'])
    expect(realiseSequence(s, '5').map((trial) => trial.block).join('')).toBe(orders[0])
    expect(realiseSequence(s, '2').map((trial) => trial.breakBefore)).toEqual([false, true, true, true])
  })

  it('builds Williams rows where each block is once in each position and follows each other block once', () => {
    for (const count of [2, 3, 4, 5, 6]) {
      const rows = williamsRows(count)
      for (let position = 0; position < count; position++) {
        const column = rows.map((row) => row[position])
        for (let value = 0; value < count; value++) expect(column.filter((entry) => entry === value)).toHaveLength(rows.length / count)
      }
      const pairs = new Map<string, number>()
      for (const row of rows) for (let index = 1; index < count; index++) pairs.set(`${row[index - 1]}>${row[index]}`, (pairs.get(`${row[index - 1]}>${row[index]}`) ?? 0) + 1)
      expect(new Set(pairs.values())).toEqual(new Set([rows.length / count]))
    }
  })

  it('reads participant numbers from ids', () => {
    expect(participantNumber('sub-07')).toBe(7)
    expect(participantNumber('12')).toBe(12)
    expect(participantNumber('anna')).toBe(participantNumber('anna'))
  })

  it('estimates the session length from phases, stimuli, ratings and breaks', () => {
    const s = study()
    const trials = realiseSequence(s, '1')
    // 8 trials × (2 fixation + 10 stimulus + 3 ratings × 5 + 3 rest) + one 30 s break
    expect(expectedDurationSeconds(s, trials, () => 10)).toBe(8 * 30 + 30)
  })

  it('gives each phase its expected length: timed phases their seconds, the stimulus its own, ratings 5 s a scale', () => {
    const [fixation, stimulus, rating, rest] = study().trial.phases
    expect([fixation, stimulus, rating, rest].map((phase) => phaseSeconds(phase!, 7.5))).toEqual([2, 7.5, 15, 3])
  })
})
