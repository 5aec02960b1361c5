/**
 * An evaluation folder: audio files and lyrics `.txt` files paired by name (`song01.mp3` with
 * `song01.txt`), and optionally `labels.csv` giving each song's class. Pure: the names in, the
 * pairs and problems out.
 */
import { isAudioFileName, parseCsv } from '../study/import'

export const labelsFileName = 'labels.csv'

const stem = (file: string) => file.replace(/\.[^.]*$/, '')

export interface FolderPairs {
  /** Sorted by name; row i of every feature matrix is pair i. */
  pairs: { name: string; audio: string; text: string }[]
  /** Files without a partner, which the evaluation leaves out. */
  unpaired: string[]
}

/** Pairs the folder's audio and lyrics files by name; two audio files of one name are an error. */
export function pairFolderFiles(files: string[]): FolderPairs {
  const audio = new Map<string, string>()
  const text = new Map<string, string>()
  for (const file of [...files].sort()) {
    const name = stem(file)
    if (isAudioFileName(file)) {
      if (audio.has(name)) throw new RangeError(`${audio.get(name)} and ${file} are both audio for '${name}'; keep one`)
      audio.set(name, file)
    } else if (file.toLowerCase().endsWith('.txt')) {
      text.set(name, file)
    }
  }
  const pairs = [...audio.keys()].filter((name) => text.has(name)).map((name) => ({ name, audio: audio.get(name)!, text: text.get(name)! }))
  const unpaired = [...[...audio.entries()].filter(([name]) => !text.has(name)), ...[...text.entries()].filter(([name]) => !audio.has(name))].map(([, file]) => file).sort()
  return { pairs, unpaired }
}

export interface FolderLabels {
  /** Class index of each pair, in the pairs' order. */
  values: Int32Array
  /** Class names, index = class. */
  classes: string[]
}

const nameColumns = ['file', 'name', 'song', 'id', 'stimulus']
const labelColumns = ['label', 'class', 'genre', 'category', 'mood']

/** Reads labels.csv (a header with a name column and a label column) for the given pairs; every gap is named. */
export function parseLabels(csv: string, pairNames: string[]): FolderLabels {
  const [header, ...rows] = parseCsv(csv).filter((row) => row.some((cell) => cell.trim() !== ''))
  if (!header) throw new RangeError(`${labelsFileName} is empty`)
  const columns = header.map((cell) => cell.trim().toLowerCase())
  const nameColumn = columns.findIndex((column) => nameColumns.includes(column))
  const labelColumn = columns.findIndex((column) => labelColumns.includes(column))
  if (nameColumn < 0 || labelColumn < 0) throw new RangeError(`${labelsFileName} needs a header with a name column (${nameColumns.join(', ')}) and a label column (${labelColumns.join(', ')}); it has ${header.join(', ')}`)
  const byName = new Map<string, string>()
  rows.forEach((row, index) => {
    const name = stem((row[nameColumn] ?? '').trim())
    const label = (row[labelColumn] ?? '').trim()
    if (!name || !label) throw new RangeError(`${labelsFileName} line ${index + 2} lacks a ${name ? 'label' : 'name'}`)
    byName.set(name, label)
  })
  const missing = pairNames.filter((name) => !byName.has(name))
  if (missing.length) throw new RangeError(`${labelsFileName} has no label for ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`)
  const classes = [...new Set(pairNames.map((name) => byName.get(name)!))].sort()
  return { values: Int32Array.from(pairNames, (name) => classes.indexOf(byName.get(name)!)), classes }
}

/**
 * A numeric matrix from CSV text (rows × columns), e.g. precomputed lyrics vectors. A first line
 * that is not all numbers is a header and skipped; every other cell must be a number, or the error
 * names its line and column.
 */
export function parseNumericCsv(text: string, name: string): { rows: number; cols: number; data: Float64Array; names: string[] | null } {
  const lines = parseCsv(text)
  const isNumber = (cell: string) => cell.trim() !== '' && Number.isFinite(Number(cell))
  const header = lines.length && !lines[0]!.every(isNumber) ? lines[0]! : null
  const body = header ? lines.slice(1) : lines
  // A first column headed `file` names the rows (as `entrain embed` writes its CSV).
  const named = header?.[0]?.trim().toLowerCase() === 'file'
  const offset = lines.length - body.length + 1
  if (body.length === 0) throw new RangeError(`${name} holds no rows of numbers`)
  const width = body[0]!.length
  const cols = width - (named ? 1 : 0)
  const data = new Float64Array(body.length * cols)
  body.forEach((row, index) => {
    if (row.length !== width) throw new RangeError(`${name} line ${index + offset} has ${row.length} values; the first row has ${width}`)
    row.slice(named ? 1 : 0).forEach((cell, column) => {
      if (!isNumber(cell)) throw new RangeError(`${name} line ${index + offset}, column ${column + (named ? 2 : 1)} holds '${cell}', not a number`)
      data[index * cols + column] = Number(cell)
    })
  })
  return { rows: body.length, cols, data, names: named ? body.map((row) => songName(row[0]!)) : null }
}

/** A song's name from a file path: its file name without extension (`/a/song01.mp3` → `song01`). */
export function songName(file: string): string {
  return stem(file.trim().replace(/^.*[\\/]/, ''))
}

/**
 * The row index beside a matrix `X.npy`: `X.rows.csv` with a `file` column (as `entrain embed` and
 * `entrain features` write it); the songs' names in row order.
 */
export function parseRowIndex(text: string, name: string): string[] {
  const [header, ...rows] = parseCsv(text)
  const column = header?.findIndex((cell) => cell.trim().toLowerCase() === 'file') ?? -1
  if (column < 0) throw new RangeError(`${name} has no 'file' column`)
  return rows.map((row) => songName(row[column] ?? ''))
}
