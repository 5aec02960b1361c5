import { promises as fs } from 'node:fs'
import path from 'node:path'
import { checkStudy, type StudyIssue } from '../../shared/study/check'
import { parseCsv, stimuliFromFiles, stimuliFromTable } from '../../shared/study/import'
import { studyVersion, type StimulusInputRow, type StudyInput } from '../../shared/study/schema'
import { EntrainError } from '../../shared/errors'
import { readJsonFile, writeJsonAtomic } from '../store/json-file'

/** A protocol to start from when the study file does not exist yet; the editor refines it. */
function newStudy(name: string): StudyInput {
  return {
    version: studyVersion,
    name,
    stimuli: [],
    trial: {
      phases: [
        { kind: 'fixation', seconds: 2 },
        { kind: 'stimulus' },
        { kind: 'rating', scales: [{ kind: 'sam-valence' }, { kind: 'sam-arousal' }, { kind: 'liking' }] },
        { kind: 'rest', seconds: 2 },
      ],
    },
    blocks: [{ id: 'main', stimuli: 'all', order: 'random' }],
  }
}

function problem(source: string, issues: StudyIssue[]): EntrainError {
  const [first] = issues
  return new EntrainError('INVALID_INPUT', `${source}: ${first!.path ? `${first!.path}: ` : ''}${first!.message}`, { issues })
}

/**
 * Adds the stimuli of a folder of audio files or of a CSV table to a study file (creating it with
 * a starting protocol if it does not exist). Files are stored relative to the study's folder. The
 * study is checked before it is written, atomically; on any problem nothing is written.
 */
export async function importStimuli(studyFile: string, source: string): Promise<{ file: string; added: StimulusInputRow[] }> {
  const target = path.resolve(studyFile)
  const studyFolder = path.dirname(target)
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
    if (table.issues.length) throw problem(from, table.issues)
    rows = table.stimuli
    baseFolder = path.dirname(from)
  }

  const existing = await readJsonFile(target)
  if (existing.status === 'corrupt') throw new EntrainError('INVALID_INPUT', `${target} is not valid JSON (${existing.reason}); kept as ${existing.movedTo}`)
  const study = existing.status === 'ok' ? (existing.value as StudyInput) : newStudy(path.basename(studyFolder))
  if (!Array.isArray(study.stimuli)) throw problem(target, [{ path: 'stimuli', message: 'is not a list' }])
  const taken = new Set(study.stimuli.map((stimulus) => stimulus.id))
  const added = rows.map((row) => {
    let id = row.id
    for (let count = 2; taken.has(id); count++) id = `${row.id}_${count}`
    taken.add(id)
    const file = path.relative(studyFolder, path.resolve(baseFolder, row.file)).split(path.sep).join('/')
    return { ...row, id, file }
  })
  const updated = { ...study, stimuli: [...study.stimuli, ...added] }
  const checked = checkStudy(updated)
  if (!checked.ok) throw problem(target, checked.issues)
  await writeJsonAtomic(target, updated)
  return { file: target, added }
}
