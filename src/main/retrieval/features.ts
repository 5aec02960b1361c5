/**
 * Features of a folder's files for the retrieval evaluation: the audio descriptors of audio files
 * (decoded, mixed to mono) and the TF-IDF + SVD features of lyrics files, as matrices whose rows
 * follow the files' order; written as NPY with the row index beside (`F.rows.csv`, a `file`
 * column, as `entrain embed` writes it).
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { audioDescriptorNames, audioDescriptors } from '../../shared/dsp/descriptors'
import { EntrainError } from '../../shared/errors'
import { csvCell } from '../../shared/export/csv'
import { matrix, type Matrix } from '../../shared/linalg'
import { formatNpy } from '../../shared/npy'
import { parseRowIndex } from '../../shared/retrieval/folder'
import { isAudioFileName } from '../../shared/study/import'
import { textFeatures, type TextFeatureOptions } from '../../shared/text-features'
import { decodeAudioFile } from '../audio/decode'

export type Progress = (done: number, total: number, file: string) => void

/** The descriptor matrix (files × audioDescriptorNames) of audio files; a file that fails is named. */
export async function audioDescriptorMatrix(files: string[], onProgress?: Progress): Promise<Matrix> {
  const result = matrix(files.length, audioDescriptorNames.length)
  for (const [index, file] of files.entries()) {
    const audio = await decodeAudioFile(file)
    const mono = new Float32Array(audio.channels[0]!.length)
    for (const channel of audio.channels) for (let i = 0; i < mono.length; i++) mono[i]! += channel[i]! / audio.channels.length
    try {
      result.data.set(audioDescriptors(mono, audio.sampleRate), index * result.cols)
    } catch (error) {
      throw new EntrainError('INVALID_INPUT', `${file}: ${(error as Error).message}`)
    }
    onProgress?.(index + 1, files.length, file)
  }
  return result
}

/** TF-IDF + truncated SVD features of text files (UTF-8). */
export async function textFeatureMatrix(files: string[], options: Partial<TextFeatureOptions> = {}): Promise<{ features: Matrix; description: string }> {
  const texts = await Promise.all(files.map((file) => fs.readFile(file, 'utf8')))
  try {
    const { features, vocabularySize, emptyDocuments } = textFeatures(texts, options)
    if (emptyDocuments.length) throw new RangeError(`${emptyDocuments.map((index) => path.basename(files[index]!)).join(', ')} share no word with the other lyrics; remove them or add lyrics`)
    return { features, description: `TF-IDF (${vocabularySize} words) + truncated SVD to ${features.cols} dimensions` }
  } catch (error) {
    throw new EntrainError('INVALID_INPUT', (error as Error).message)
  }
}

/** The names in a folder, or an error that says why it cannot be read. */
export async function folderNames(folder: string): Promise<string[]> {
  try {
    return await fs.readdir(folder)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new EntrainError(code === 'ENOENT' ? 'NOT_FOUND' : code === 'ENOTDIR' ? 'NOT_A_DIRECTORY' : 'IO_ERROR', `cannot read the folder ${folder}: ${code === 'ENOENT' ? 'no such folder' : (error as Error).message}`)
  }
}

/** The audio or text files of a folder, sorted by name. */
export async function folderFiles(folder: string, kind: 'audio' | 'text'): Promise<string[]> {
  const names = await folderNames(folder)
  const files = names.filter((name) => (kind === 'audio' ? isAudioFileName(name) : name.toLowerCase().endsWith('.txt'))).sort()
  if (files.length === 0) throw new EntrainError('INVALID_INPUT', `${folder} holds no ${kind === 'audio' ? 'audio files (WAV, FLAC, MP3, Ogg)' : 'lyrics .txt files'}`)
  return files.map((name) => path.join(folder, name))
}

/** The row index beside an NPY file: `F.npy` → `F.rows.csv`. */
export function rowsFileOf(npyFile: string): string {
  return npyFile.replace(/\.npy$/i, '') + '.rows.csv'
}

/** The songs named by the row index beside an NPY file, or null when there is none. */
export async function readRowIndex(npyFile: string): Promise<string[] | null> {
  const file = rowsFileOf(npyFile)
  const text = await fs.readFile(file, 'utf8').catch(() => null)
  if (text === null) return null
  try {
    return parseRowIndex(text, path.basename(file))
  } catch (error) {
    throw new EntrainError('INVALID_INPUT', (error as Error).message)
  }
}


/** Writes a feature matrix as float32 NPY and its row index beside it; refuses to replace either. */
export async function writeFeatureFile(out: string, features: Matrix, files: string[]): Promise<string[]> {
  const rowsFile = rowsFileOf(out)
  for (const file of [out, rowsFile]) {
    if (await fs.access(file).then(() => true, () => false)) throw new EntrainError('CONFLICT', `${file} already exists; choose another --out (Entrain never replaces it)`)
  }
  await fs.writeFile(out, formatNpy({ dtype: 'float32', shape: [features.rows, features.cols], data: Float32Array.from(features.data) }), { flag: 'wx' })
  await fs.writeFile(rowsFile, `file\n${files.map((file) => csvCell(path.resolve(file))).join('\n')}\n`, { flag: 'wx' })
  return [out, rowsFile]
}
