/**
 * study.json as the editor reads and writes it. Saving is one function for every writer (the
 * editor, `entrain study import`): check, then write atomically, or write nothing.
 */
import { createHash } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import type { StudyDraft } from '../../shared/contract'
import { EntrainError } from '../../shared/errors'
import { checkStudy } from '../../shared/study/check'
import { draftShapeIssues, startingStudy } from '../../shared/study/edit'
import type { Study, StudyInput } from '../../shared/study/schema'
import { writeJsonAtomic } from '../store/json-file'
import { readStudyFile, studyProblems } from './load'

/** Names one version of a study file's text, so a save can tell whether someone else changed it. */
export function studyRevision(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16)
}

async function revisionOnDisk(file: string): Promise<string | null> {
  try {
    return studyRevision(await fs.readFile(file, 'utf8'))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new EntrainError('IO_ERROR', `cannot read ${file}: ${(error as Error).message}`)
  }
}

/**
 * The study in `file` to edit, or the starting protocol when there is no file yet. A file the
 * editor cannot show (not JSON, or its lists are not lists) is refused with its problems, and
 * left as it is.
 */
export async function readStudyDraft(file: string): Promise<StudyDraft> {
  let read: { text: string; value: unknown }
  try {
    read = await readStudyFile(file)
  } catch (error) {
    if (error instanceof EntrainError && error.code === 'NOT_FOUND') {
      return { file, exists: false, revision: null, study: startingStudy(path.basename(path.dirname(file))) }
    }
    throw error
  }
  const issues = draftShapeIssues(read.value)
  if (issues.length) throw studyProblems(file, issues)
  return { file, exists: true, revision: studyRevision(read.text), study: read.value as StudyInput }
}

/**
 * Writes a study file after checking it with the shared schema and checks; a study with a problem
 * is refused (INVALID_INPUT naming the field, all problems in `details.issues`) and nothing is
 * written, so every study.json on disk is one the rest of Entrain can read. The audio files are
 * not decoded here: they live on the disk, not in the protocol, may arrive later, and are checked
 * whenever a study is validated or run.
 *
 * `replacing` is the revision the caller read (null: there was no file). If the file has changed
 * since, the save is refused with CONFLICT (the current revision in `details.revision`), so that
 * nobody's changes are overwritten unseen. Without it, the file is replaced whatever it holds.
 */
export async function saveStudy(file: string, value: unknown, replacing?: string | null): Promise<{ study: Study; revision: string }> {
  const checked = checkStudy(value)
  if (!checked.ok) throw studyProblems(file, checked.issues)
  if (replacing !== undefined) {
    const current = await revisionOnDisk(file)
    if (current !== replacing) {
      const what = current === null ? 'was deleted' : replacing === null ? 'was created by another program' : 'was changed by another program'
      throw new EntrainError('CONFLICT', `${file} ${what} since it was opened; nothing was written`, { revision: current })
    }
  }
  return { study: checked.study, revision: studyRevision(await writeJsonAtomic(file, value)) }
}
