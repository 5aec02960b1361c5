import { describe, expect, it } from 'vitest'
import { checkStudy } from '../../../../src/shared/study/check'
import {
  addStimuli,
  draftShapeIssues,
  freeId,
  issuesAt,
  moveItem,
  parseTags,
  phaseOfKind,
  removeStimulus,
  renameStimulus,
  setStandardScale,
  startingStudy,
  stimulusPath,
} from '../../../../src/shared/study/edit'
import type { RatingScale, StudyInput } from '../../../../src/shared/study/schema'
import { exampleStudy } from '../../../support/study'

/** The example study with a block that names its stimuli. */
function studyWithList(): StudyInput {
  const study = exampleStudy()
  study.blocks.push({ id: 'pair', stimuli: ['s2', 's3'] })
  return study
}

describe('the starting protocol', () => {
  it('lacks only stimuli to be a valid study', () => {
    const study = startingStudy('pilot')
    expect(checkStudy(study)).toEqual({ ok: false, issues: [{ path: 'stimuli', message: 'needs at least one stimulus' }] })
    addStimuli(study, [{ id: 'a', file: 'stimuli/a.wav' }])
    expect(checkStudy(study).ok).toBe(true)
  })
})

describe('stimulus operations', () => {
  it('adds stimuli, numbering ids that are taken', () => {
    const study = exampleStudy()
    const added = addStimuli(study, [
      { id: 's1', file: 'x.wav' },
      { id: 's1', file: 'y.wav' },
      { id: 'new', file: 'z.wav' },
    ])
    expect(added.map((row) => row.id)).toEqual(['s1_2', 's1_3', 'new'])
    expect(study.stimuli.map((row) => row.id)).toEqual(['s1', 's2', 's3', 's4', 's1_2', 's1_3', 'new'])
    expect(checkStudy(study).ok).toBe(true)
  })

  it('finds the first free id', () => {
    const taken = new Set(['a', 'a_2'])
    expect(freeId('a', taken)).toBe('a_3')
    expect(taken.has('a_3')).toBe(true)
    expect(freeId('b', taken)).toBe('b')
  })

  it('removes a stimulus together with the blocks’ references to it', () => {
    const study = studyWithList()
    expect(removeStimulus(study, 1)).toMatchObject({ id: 's2' })
    expect(study.stimuli.map((row) => row.id)).toEqual(['s1', 's3', 's4'])
    expect(study.blocks[1]!.stimuli).toEqual(['s3'])
    study.blocks[0]!.order = 'random' // two "sad" for one "happy" cannot alternate any more
    expect(checkStudy(study).ok).toBe(true)
    expect(() => removeStimulus(study, 9)).toThrow(RangeError)
  })

  it('keeps references to an id another stimulus still has', () => {
    const study = studyWithList()
    study.stimuli[0]!.id = 's2'
    removeStimulus(study, 1)
    expect(study.blocks[1]!.stimuli).toEqual(['s2', 's3'])
  })

  it('renames a stimulus and the references that named it', () => {
    const study = studyWithList()
    renameStimulus(study, 1, 'song')
    expect(study.stimuli[1]!.id).toBe('song')
    expect(study.blocks[1]!.stimuli).toEqual(['song', 's3'])
    expect(checkStudy(study).ok).toBe(true)
  })

  it('leaves references alone when the old id was ambiguous', () => {
    const study = studyWithList()
    study.stimuli[0]!.id = 's2'
    renameStimulus(study, 1, 'song')
    expect(study.blocks[1]!.stimuli).toEqual(['s2', 's3'])
  })

  it('moves items within a list, clamped to its ends', () => {
    const list = ['a', 'b', 'c', 'd']
    moveItem(list, 3, 0)
    expect(list).toEqual(['d', 'a', 'b', 'c'])
    moveItem(list, 0, 99)
    expect(list).toEqual(['a', 'b', 'c', 'd'])
    moveItem(list, 7, 0)
    expect(list).toEqual(['a', 'b', 'c', 'd'])
  })

  it('reads tags separated by commas, semicolons or spaces', () => {
    expect(parseTags(' happy, fast;major  live ,')).toEqual(['happy', 'fast', 'major', 'live'])
    expect(parseTags('  ')).toEqual([])
  })

  it('makes a stimulus file a path in its study folder unless it is absolute', () => {
    expect(stimulusPath('/studies/pilot/', 'stimuli/a.wav')).toBe('/studies/pilot/stimuli/a.wav')
    expect(stimulusPath('/studies/pilot', '/music/a.wav')).toBe('/music/a.wav')
    expect(stimulusPath('C:\\studies\\pilot', 'D:\\music\\a.wav')).toBe('D:\\music\\a.wav')
  })
})

describe('phases and scales', () => {
  it('keeps the standard scales in their usual order, before the lab’s own questions', () => {
    const groove: RatingScale = { kind: 'likert', id: 'groove', prompt: 'Groove?', points: 5 }
    const scales: RatingScale[] = [{ kind: 'liking' }, groove]
    setStandardScale(scales, 'sam-arousal', true)
    setStandardScale(scales, 'familiarity', true)
    setStandardScale(scales, 'sam-valence', true)
    setStandardScale(scales, 'sam-valence', true)
    expect(scales.map((scale) => scale.kind)).toEqual(['sam-valence', 'sam-arousal', 'liking', 'familiarity', 'likert'])
    setStandardScale(scales, 'liking', false)
    setStandardScale(scales, 'liking', false)
    expect(scales.map((scale) => scale.kind)).toEqual(['sam-valence', 'sam-arousal', 'familiarity', 'likert'])
  })

  it('changes a phase’s kind, keeping its length where both kinds have one', () => {
    expect(phaseOfKind('rest', { kind: 'fixation', seconds: 1.5 })).toEqual({ kind: 'rest', seconds: 1.5 })
    expect(phaseOfKind('stimulus', { kind: 'fixation', seconds: 1.5 })).toEqual({ kind: 'stimulus' })
    expect(phaseOfKind('baseline', { kind: 'stimulus' })).toEqual({ kind: 'baseline', seconds: 60 })
    expect(phaseOfKind('rating', { kind: 'rating', scales: [{ kind: 'liking' }] })).toEqual({ kind: 'rating', scales: [{ kind: 'liking' }] })
    expect(checkStudy({ ...exampleStudy(), trial: { phases: [phaseOfKind('fixation'), phaseOfKind('stimulus'), phaseOfKind('rating')] } }).ok).toBe(true)
  })
})

describe('problems by field', () => {
  const issues = [
    { path: 'stimuli', message: 'a' },
    { path: 'stimuli[1].id', message: 'b' },
    { path: 'stimuli[10].excerpt.end', message: 'c' },
    { path: 'stimuli[1]', message: 'd' },
    { path: 'name', message: 'e' },
  ]

  it('finds the problems at a field and inside it, and no other field’s', () => {
    expect(issuesAt(issues, 'stimuli[1]').map((issue) => issue.message)).toEqual(['b', 'd'])
    expect(issuesAt(issues, 'stimuli[10].excerpt').map((issue) => issue.message)).toEqual(['c'])
    expect(issuesAt(issues, 'stimuli', true).map((issue) => issue.message)).toEqual(['a'])
    expect(issuesAt(issues, 'stimuli[1].id').map((issue) => issue.message)).toEqual(['b'])
    expect(issuesAt(issues, '', true)).toEqual([])
  })
})

describe('what the editor needs to show a study file', () => {
  it('accepts any study whose lists are lists of objects, whatever else is wrong', () => {
    expect(draftShapeIssues(exampleStudy())).toEqual([])
    expect(draftShapeIssues({ ...startingStudy('x'), name: 5, seed: 'no' })).toEqual([])
  })

  it('names every list that is not one', () => {
    expect(draftShapeIssues([])).toEqual([{ path: '', message: 'is not a JSON object' }])
    expect(
      draftShapeIssues({
        stimuli: [{ id: 'a', tags: 'x' }, 'b.wav'],
        trial: { phases: [{ kind: 'rating', scales: 'all' }, { kind: 'dance' }] },
        blocks: { id: 'b' },
      }),
    ).toEqual([
      { path: 'stimuli[1]', message: 'is not an object' },
      { path: 'stimuli[0].tags', message: 'is not a list' },
      { path: 'trial.phases[0].scales', message: 'is not a list' },
      { path: 'trial.phases[1].kind', message: 'must be one of baseline, fixation, stimulus, rating, rest' },
      { path: 'blocks', message: 'is not a list' },
    ])
    expect(draftShapeIssues({ stimuli: [], trial: null, blocks: [{ stimuli: 'some' }] })).toEqual([
      { path: 'trial', message: 'is not an object' },
      { path: 'blocks[0].stimuli', message: 'must be "all" or a list of stimulus ids' },
    ])
  })
})
