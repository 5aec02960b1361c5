import type { StudyOverview } from '../../shared/contract'
import { EntrainError } from '../../shared/errors'
import type { StudyIssue } from '../../shared/study/check'
import { expectedDurationSeconds, realiseSequence } from '../../shared/study/sequence'
import { loadStudy } from './load'

/** A study file checked and planned for the Study view: problems come back as data, not errors. */
export async function studyOverview(file: string, participant: string, session: number): Promise<StudyOverview> {
  try {
    const loaded = await loadStudy(file)
    const sequence = realiseSequence(loaded.study, participant, session)
    const seconds = (id: string) => loaded.stimulusSeconds.get(id) ?? 0
    return {
      valid: true,
      file: loaded.file,
      study: loaded.study,
      stimulusSeconds: Object.fromEntries(loaded.stimulusSeconds),
      participant,
      session,
      sequence,
      expectedDurationSeconds: expectedDurationSeconds(loaded.study, sequence, seconds),
    }
  } catch (error) {
    if (!(error instanceof EntrainError) || error.code !== 'INVALID_INPUT') throw error
    return { valid: false, file, issues: (error.details as { issues: StudyIssue[] }).issues }
  }
}
