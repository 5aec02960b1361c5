import { promises as fs } from 'node:fs'
import path from 'node:path'
import { checkStudy, type StudyIssue } from '../../shared/study/check'
import type { Study } from '../../shared/study/schema'
import { durationSeconds } from '../../shared/audio/types'
import { EntrainError } from '../../shared/errors'
import { decodeOffThread } from '../audio/decode-off-thread'

export interface LoadedStudy {
  file: string
  folder: string
  study: Study
  /** Seconds each stimulus plays (its excerpt, or the whole file). */
  stimulusSeconds: Map<string, number>
}

/** A study checked with its stimuli: the study when it is valid, and every problem by field. */
export interface StudyExamination {
  study: Study | null
  issues: StudyIssue[]
  /** Seconds each stimulus whose file decodes plays, by id (also while the study has problems). */
  stimulusSeconds: Map<string, number>
}

/**
 * Seconds of audio per file, keyed by path, size and modification time: planning a session for
 * another participant, or checking a study being edited, must not decode every stimulus again.
 * Decodes in progress are shared, so checks that overlap decode a file once.
 */
const durations = new Map<string, Promise<number>>()

async function audioDuration(file: string): Promise<number> {
  const stats = await fs.stat(file).catch(() => null)
  if (!stats) return durationSeconds(await decodeOffThread(file))
  const key = `${file}|${stats.size}|${stats.mtimeMs}`
  let seconds = durations.get(key)
  if (!seconds) {
    seconds = decodeOffThread(file).then(durationSeconds)
    durations.set(key, seconds)
    seconds.catch(() => durations.delete(key))
  }
  return seconds
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position)
  const line = before.split('\n').length
  return `line ${line}, column ${position - before.lastIndexOf('\n')}`
}

/** A study's problems as one error: the first problem's field and message, all of them in `details.issues`. */
export function studyProblems(file: string, issues: StudyIssue[]): EntrainError {
  const [first] = issues
  const where = first!.path ? `${first!.path}: ` : ''
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : ''
  return new EntrainError('INVALID_INPUT', `${file}: ${where}${first!.message}${more}`, { issues })
}

/**
 * Reads and parses a study file: NOT_FOUND or IO_ERROR when it cannot be read, INVALID_INPUT with
 * the line and column when it is not JSON. Returns the text too (its hash is the file's revision).
 */
export async function readStudyFile(file: string): Promise<{ text: string; value: unknown }> {
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new EntrainError(code === 'ENOENT' ? 'NOT_FOUND' : 'IO_ERROR', `cannot read the study file ${file}: ${(error as Error).message}`)
  }
  try {
    return { text, value: JSON.parse(text) }
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message)
    const where = position ? ` at ${lineAndColumn(text, Number(position[1]))}` : ''
    throw studyProblems(file, [{ path: '', message: `not valid JSON${where}: ${(error as Error).message}` }])
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null

/**
 * Checks a study value (from its file, or as it is being edited) and its stimuli: every file must
 * exist and decode, and every excerpt must lie inside its file. Files are relative to the folder
 * of `file`. The stimulus files are checked even when the rest has problems, so that every
 * problem shows at once. Reads only; writes nothing.
 */
export async function examineStudy(file: string, value: unknown, onStimulus?: (done: number, total: number) => void): Promise<StudyExamination> {
  const checked = checkStudy(value)
  const issues = checked.ok ? [] : [...checked.issues]
  const folder = path.dirname(file)
  const stimulusSeconds = new Map<string, number>()
  const stimuli = isRecord(value) && Array.isArray(value.stimuli) ? (value.stimuli as unknown[]) : []
  for (const [index, stimulus] of stimuli.entries()) {
    if (!isRecord(stimulus) || typeof stimulus.file !== 'string' || stimulus.file === '') continue
    const audioFile = path.resolve(folder, stimulus.file)
    try {
      const length = await audioDuration(audioFile)
      const excerpt = isRecord(stimulus.excerpt) ? stimulus.excerpt : {}
      const start = typeof excerpt.start === 'number' ? excerpt.start : 0
      const end = typeof excerpt.end === 'number' ? excerpt.end : undefined
      if (start > 0 && start >= length) issues.push({ path: `stimuli[${index}].excerpt.start`, message: `is past the end of ${stimulus.file} (${length.toFixed(3)} s)` })
      else if (end !== undefined && end > length) issues.push({ path: `stimuli[${index}].excerpt.end`, message: `is past the end of ${stimulus.file} (${length.toFixed(3)} s)` })
      else if (typeof stimulus.id === 'string') stimulusSeconds.set(stimulus.id, (end ?? length) - start)
    } catch (error) {
      const problem = error as EntrainError
      issues.push({ path: `stimuli[${index}].file`, message: problem.code === 'NOT_FOUND' ? `file not found: ${audioFile}` : problem.message })
    }
    onStimulus?.(index + 1, stimuli.length)
  }
  return { study: checked.ok && issues.length === 0 ? checked.study : null, issues, stimulusSeconds }
}

/**
 * Reads and checks a study file with its stimuli (see examineStudy). Throws INVALID_INPUT naming
 * the first problem's field, with all problems in `details.issues`. Reads only; writes nothing.
 */
export async function loadStudy(file: string, onStimulus?: (done: number, total: number) => void): Promise<LoadedStudy> {
  const resolved = path.resolve(file)
  const { value } = await readStudyFile(resolved)
  const examined = await examineStudy(resolved, value, onStimulus)
  if (!examined.study) throw studyProblems(resolved, examined.issues)
  return { file: resolved, folder: path.dirname(resolved), study: examined.study, stimulusSeconds: examined.stimulusSeconds }
}
