import path from 'node:path'
import type { StudyOverview } from '../../shared/contract'
import { EntrainError } from '../../shared/errors'
import type { StudyIssue } from '../../shared/study/check'
import { expectedDurationSeconds, realiseSequence } from '../../shared/study/sequence'
import { examineStudy, readStudyFile } from './load'

/**
 * A study checked and planned for the Study view: the study in `file`, or `draft` (the study as
 * it is being edited, its files relative to the folder of `file`). Problems come back as data,
 * not errors.
 */
export async function studyOverview(file: string, participant: string, session: number, draft?: unknown): Promise<StudyOverview> {
  const resolved = path.resolve(file)
  let value = draft
  if (value === undefined) {
    try {
      value = (await readStudyFile(resolved)).value
    } catch (error) {
      if (!(error instanceof EntrainError) || error.code !== 'INVALID_INPUT') throw error
      return { valid: false, file: resolved, issues: (error.details as { issues: StudyIssue[] }).issues, stimulusSeconds: {} }
    }
  }
  const { study, issues, stimulusSeconds } = await examineStudy(resolved, value)
  if (!study) return { valid: false, file: resolved, issues, stimulusSeconds: Object.fromEntries(stimulusSeconds) }
  const sequence = realiseSequence(study, participant, session)
  return {
    valid: true,
    file: resolved,
    study,
    stimulusSeconds: Object.fromEntries(stimulusSeconds),
    participant,
    session,
    sequence,
    expectedDurationSeconds: expectedDurationSeconds(study, sequence, (id) => stimulusSeconds.get(id) ?? 0),
  }
}
