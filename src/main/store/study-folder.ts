import { promises as fs } from 'node:fs'
import path from 'node:path'
import type { StudyFolder } from '../../shared/contract'
import { EntrainError } from '../../shared/errors'

export const studyFileName = 'study.json'
/** Where a study keeps its audio files, relative to its folder. */
export const stimulusFolderName = 'stimuli'

/** Checks that `folder` is a directory Entrain can use as a study folder and describes it. */
export async function inspectStudyFolder(folder: string): Promise<StudyFolder> {
  const resolved = path.resolve(folder)
  let stats
  try {
    stats = await fs.stat(resolved)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new EntrainError('NOT_FOUND', `study folder not found: ${resolved}`)
    if (code === 'EACCES') throw new EntrainError('PERMISSION_DENIED', `no permission to read ${resolved}`)
    throw new EntrainError('IO_ERROR', `cannot read ${resolved}: ${(error as Error).message}`)
  }
  if (!stats.isDirectory()) throw new EntrainError('NOT_A_DIRECTORY', `not a folder: ${resolved}`)
  try {
    await fs.access(resolved, fs.constants.R_OK | fs.constants.X_OK)
  } catch {
    throw new EntrainError('PERMISSION_DENIED', `no permission to read ${resolved}`)
  }
  const hasStudyFile = await fs
    .stat(path.join(resolved, studyFileName))
    .then((file) => file.isFile())
    .catch(() => false)
  return { path: resolved, name: path.basename(resolved), hasStudyFile }
}

/**
 * Makes a new study folder with its stimuli/ folder inside. The parent must exist (a typo should
 * not grow a tree of folders); an existing folder is used only if it is empty.
 */
export async function createStudyFolder(folder: string): Promise<StudyFolder> {
  const resolved = path.resolve(folder)
  const parent = path.dirname(resolved)
  const parentIsFolder = await fs
    .stat(parent)
    .then((stats) => stats.isDirectory())
    .catch(() => false)
  if (!parentIsFolder) throw new EntrainError('NOT_FOUND', `cannot create ${resolved}: there is no folder ${parent}`)
  try {
    await fs.mkdir(resolved)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EACCES' || code === 'EPERM') throw new EntrainError('PERMISSION_DENIED', `no permission to create ${resolved}`)
    if (code !== 'EEXIST') throw new EntrainError('IO_ERROR', `cannot create ${resolved}: ${(error as Error).message}`)
    const entries = await fs.readdir(resolved).catch(() => null)
    if (entries === null) throw new EntrainError('NOT_A_DIRECTORY', `${resolved} exists and is not a folder`)
    if (entries.length) throw new EntrainError('CONFLICT', `${resolved} already exists and is not empty: open it instead`)
  }
  await fs.mkdir(path.join(resolved, stimulusFolderName), { recursive: true })
  return inspectStudyFolder(resolved)
}
