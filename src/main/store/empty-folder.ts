/**
 * Folders Entrain fills (exports, datasets, the demo) must be new or empty: it never writes over
 * files that are there already.
 */
import fs from 'node:fs/promises'
import { EntrainError } from '../../shared/errors'

/** Refuses a folder that holds anything; `refusal` says why, after "<folder> is not empty; ". */
export async function assertEmptyFolder(folder: string, refusal: string): Promise<void> {
  const entries = await fs.readdir(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return []
    throw new EntrainError('IO_ERROR', `cannot use ${folder}: ${error.message}`)
  })
  if (entries.length > 0) throw new EntrainError('INVALID_INPUT', `${folder} is not empty; ${refusal}`)
}

/** assertEmptyFolder, then creates the folder if it does not exist. */
export async function prepareEmptyFolder(folder: string, refusal: string): Promise<void> {
  await assertEmptyFolder(folder, refusal)
  await fs.mkdir(folder, { recursive: true })
}
