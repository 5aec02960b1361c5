import { promises as fs } from 'node:fs'
import path from 'node:path'
import type { StudyFolder } from '../../shared/contract'
import { EntrainError } from '../../shared/errors'

export const studyFileName = 'study.json'

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
