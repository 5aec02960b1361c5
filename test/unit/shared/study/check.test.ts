import { describe, expect, it } from 'vitest'
import { checkStudy, formatPath } from '../../../../src/shared/study/check'
import type { StudyInput } from '../../../../src/shared/study/schema'
import { exampleStudy } from '../../../support/study'

function issuesOf(change: (study: StudyInput & Record<string, unknown>) => void) {
  const study = exampleStudy() as StudyInput & Record<string, unknown>
  change(study)
  const checked = checkStudy(study)
  if (checked.ok) throw new Error('expected the study to be refused')
  return checked.issues
}

describe('checkStudy', () => {
  it('accepts a valid study and fills in defaults', () => {
    const checked = checkStudy(exampleStudy())
    expect(checked.ok).toBe(true)
    if (checked.ok) expect(checked.study).toMatchObject({ blockOrder: 'fixed', breakSeconds: 30, devices: { streams: [] } })
  })

  it.each([
    ['a wrong type', (s: StudyInput) => ((s as { name: unknown }).name = 5), 'name'],
    ['a missing file field', (s: StudyInput) => delete (s.stimuli[1] as { file?: string }).file, 'stimuli[1].file'],
    ['an unknown field (a typo)', (s: StudyInput) => ((s.stimuli[0] as Record<string, unknown>).gain = 3), 'stimuli[0]'],
    ['a bad id', (s: StudyInput) => (s.stimuli[2]!.id = 'has space'), 'stimuli[2].id'],
    ['an excerpt ending before it starts', (s: StudyInput) => (s.stimuli[0]!.excerpt = { start: 5, end: 2 }), 'stimuli[0].excerpt.end'],
    ['a Likert scale with the wrong number of labels', (s: StudyInput) => {
      const rating = s.trial.phases[2] as { scales: Record<string, unknown>[] }
      rating.scales[2]!.labels = ['a', 'b']
    }, 'trial.phases[2].scales[2].labels'],
    ['the wrong version', (s: StudyInput) => ((s as { version: unknown }).version = 2), 'version'],
    ['a negative duration', (s: StudyInput) => ((s.trial.phases[0] as { seconds: number }).seconds = -1), 'trial.phases[0].seconds'],
  ])('names the field for %s', (_what, change, path) => {
    const issues = issuesOf(change as (study: StudyInput) => void)
    expect(issues.map((issue) => issue.path)).toContain(path)
  })

  it('finds duplicate ids, unknown references and a trial without exactly one stimulus phase', () => {
    expect(issuesOf((s) => (s.stimuli[3]!.id = 's1'))).toEqual([{ path: 'stimuli[3].id', message: '"s1" is also the id of stimuli[0]' }])
    expect(issuesOf((s) => (s.blocks[0]!.stimuli = ['s1', 'nope']))).toEqual([{ path: 'blocks[0].stimuli[1]', message: 'no stimulus has the id "nope"' }])
    expect(issuesOf((s) => s.trial.phases.push({ kind: 'stimulus' }))).toEqual([{ path: 'trial.phases', message: 'needs exactly one stimulus phase, has 2' }])
  })

  it('refuses constraints no order can meet', () => {
    const issues = issuesOf((s) => {
      s.stimuli[1]!.tags = ['sad']
      s.blocks[0]!.order = { kind: 'constrained', maxConsecutiveTag: 1 }
      s.blocks[0]!.repetitions = 1
    })
    expect(issues).toEqual([{ path: 'blocks[0].order', message: 'the constraints cannot be met: no order of these stimuli meets the constraints' }])
  })

  it('formats paths as people write them', () => {
    expect(formatPath(['blocks', 0, 'stimuli', 2])).toBe('blocks[0].stimuli[2]')
    expect(formatPath([])).toBe('')
  })
})
