import { promises as fs } from 'node:fs'
import path from 'node:path'
import { addStimuli } from '../../shared/study/edit'
import { isAudioFileName, parseCsv, stimuliFromFiles, stimuliFromTable } from '../../shared/study/import'
import type { StimulusInputRow } from '../../shared/study/schema'
import { EntrainError } from '../../shared/errors'
import { stimulusFolderName } from '../store/study-folder'
import { readStudyDraft, saveStudy } from './edit'
import { studyProblems } from './load'

/**
 * Stimuli from a folder of audio files or from a CSV table, with files relative to
 * `studyFolder` and ids unique among themselves. Reads only.
 */
export async function stimuliFromSource(source: string, studyFolder: string): Promise<StimulusInputRow[]> {
  const from = path.resolve(source)
  const stats = await fs.stat(from).catch(() => {
    throw new EntrainError('NOT_FOUND', `nothing to import at ${from}`)
  })
  let rows: StimulusInputRow[]
  let baseFolder: string
  if (stats.isDirectory()) {
    rows = stimuliFromFiles(await fs.readdir(from))
    baseFolder = from
    if (rows.length === 0) throw new EntrainError('INVALID_INPUT', `${from} holds no audio files (WAV, FLAC, MP3, Ogg)`)
  } else {
    const table = stimuliFromTable(parseCsv(await fs.readFile(from, 'utf8')))
    if (table.issues.length) throw studyProblems(from, table.issues)
    rows = table.stimuli
    baseFolder = path.dirname(from)
  }
  return rows.map((row) => ({ ...row, file: path.relative(studyFolder, path.resolve(baseFolder, row.file)).split(path.sep).join('/') }))
}

/** The audio files in a study's stimuli/ folder and below, relative to the study folder, sorted. */
export async function stimulusFiles(studyFolder: string): Promise<string[]> {
  const entries = await fs.readdir(path.join(studyFolder, stimulusFolderName), { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return []
    throw new EntrainError('IO_ERROR', `cannot list ${path.join(studyFolder, stimulusFolderName)}: ${error.message}`)
  })
  return entries
    .filter(isAudioFileName)
    .map((entry) => [stimulusFolderName, ...entry.split(path.sep)].join('/'))
    .sort()
}

/**
 * Adds the stimuli of a folder of audio files or of a CSV table to a study file (creating it with
 * the starting protocol if it does not exist). Saved with saveStudy: checked first, written
 * atomically, and on any problem nothing is written.
 */
export async function importStimuli(studyFile: string, source: string): Promise<{ file: string; added: StimulusInputRow[] }> {
  const target = path.resolve(studyFile)
  const rows = await stimuliFromSource(source, path.dirname(target))
  const draft = await readStudyDraft(target)
  const added = addStimuli(draft.study, rows)
  await saveStudy(target, draft.study, draft.revision)
  return { file: target, added }
}
