import { promises as fs } from 'node:fs'
import path from 'node:path'
import { checkStudy, type StudyIssue } from '../../shared/study/check'
import type { Study } from '../../shared/study/schema'
import { durationSeconds } from '../../shared/audio/types'
import { EntrainError } from '../../shared/errors'
import { decodeAudioFile } from '../audio/decode'

export interface LoadedStudy {
  file: string
  folder: string
  study: Study
  /** Seconds each stimulus plays (its excerpt, or the whole file). */
  stimulusSeconds: Map<string, number>
}

/**
 * Seconds of audio per file, keyed by path, size and modification time: planning a session for
 * another participant must not decode every stimulus again.
 */
const durations = new Map<string, number>()

async function audioDuration(file: string): Promise<number> {
  const stats = await fs.stat(file).catch(() => null)
  const key = stats ? `${file}|${stats.size}|${stats.mtimeMs}` : null
  const known = key ? durations.get(key) : undefined
  if (known !== undefined) return known
  const seconds = durationSeconds(await decodeAudioFile(file))
  if (key) durations.set(key, seconds)
  return seconds
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position)
  const line = before.split('\n').length
  return `line ${line}, column ${position - before.lastIndexOf('\n')}`
}

function invalid(file: string, issues: StudyIssue[]): EntrainError {
  const [first] = issues
  const where = first!.path ? `${first!.path}: ` : ''
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : ''
  return new EntrainError('INVALID_INPUT', `${file}: ${where}${first!.message}${more}`, { issues })
}

/**
 * Reads and checks a study file, then its stimuli: every file must exist and decode, and every
 * excerpt must lie inside its file. Throws INVALID_INPUT naming the first problem's field, with all
 * problems in `details.issues`. Reads only; writes nothing.
 */
export async function loadStudy(file: string, onStimulus?: (done: number, total: number) => void): Promise<LoadedStudy> {
  const resolved = path.resolve(file)
  let text: string
  try {
    text = await fs.readFile(resolved, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new EntrainError(code === 'ENOENT' ? 'NOT_FOUND' : 'IO_ERROR', `cannot read the study file ${resolved}: ${(error as Error).message}`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message)
    const where = position ? ` at ${lineAndColumn(text, Number(position[1]))}` : ''
    throw invalid(resolved, [{ path: '', message: `not valid JSON${where}: ${(error as Error).message}` }])
  }
  const checked = checkStudy(value)
  if (!checked.ok) throw invalid(resolved, checked.issues)

  const folder = path.dirname(resolved)
  const issues: StudyIssue[] = []
  const stimulusSeconds = new Map<string, number>()
  const { stimuli } = checked.study
  for (const [index, stimulus] of stimuli.entries()) {
    const audioFile = path.resolve(folder, stimulus.file)
    try {
      const length = await audioDuration(audioFile)
      const { excerpt } = stimulus
      if (excerpt && excerpt.start >= length) issues.push({ path: `stimuli[${index}].excerpt.start`, message: `is past the end of ${stimulus.file} (${length.toFixed(3)} s)` })
      else if (excerpt?.end !== undefined && excerpt.end > length) issues.push({ path: `stimuli[${index}].excerpt.end`, message: `is past the end of ${stimulus.file} (${length.toFixed(3)} s)` })
      else stimulusSeconds.set(stimulus.id, (excerpt?.end ?? length) - (excerpt?.start ?? 0))
    } catch (error) {
      const problem = error as EntrainError
      issues.push({ path: `stimuli[${index}].file`, message: problem.code === 'NOT_FOUND' ? `file not found: ${audioFile}` : problem.message })
    }
    onStimulus?.(index + 1, stimuli.length)
  }
  if (issues.length) throw invalid(resolved, issues)
  return { file: resolved, folder, study: checked.study, stimulusSeconds }
}
