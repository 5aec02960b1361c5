/**
 * Stimuli from the lists labs already have: a folder of audio files, or a table (a PsychoPy
 * conditions file or any CSV with a column naming the audio file).
 */
import type { StudyIssue } from './check'
import { freeId } from './edit'
import type { StimulusInputRow } from './schema'

export const audioExtensions = ['.wav', '.flac', '.mp3', '.ogg', '.opus', '.oga']

/** RFC 4180 CSV: quoted fields with doubled quotes, commas and newlines inside quotes; CRLF or LF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  const body = text.replace(/^\uFEFF/, '')
  for (let index = 0; index < body.length; index++) {
    const character = body[index]!
    if (quoted) {
      if (character === '"' && body[index + 1] === '"') {
        field += '"'
        index++
      } else if (character === '"') quoted = false
      else field += character
    } else if (character === '"') quoted = true
    else if (character === ',') {
      row.push(field)
      field = ''
    } else if (character === '\n' || character === '\r') {
      if (character === '\r' && body[index + 1] === '\n') index++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += character
  }
  if (field !== '' || row.length) {
    row.push(field)
    rows.push(row)
  }
  return rows.filter((cells) => cells.some((cell) => cell.trim() !== ''))
}

/** Text as an id or tag: anything but letters, digits, _ . - becomes _. */
export function toId(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '')
}

/** An id from a file name: its base name without extension. */
export function idFromFile(file: string): string {
  return toId(file.split(/[\\/]/).pop()!.replace(/\.[^.]+$/, '')) || 'stimulus'
}

/** Makes ids unique by numbering repeats (song, song_2, song_3). */
function unique(ids: string[]): string[] {
  const taken = new Set<string>()
  return ids.map((id) => freeId(id, taken))
}

export function isAudioFileName(file: string): boolean {
  return audioExtensions.some((extension) => file.toLowerCase().endsWith(extension))
}

export function stimuliFromFiles(files: string[]): StimulusInputRow[] {
  const sorted = files.filter(isAudioFileName).sort()
  const ids = unique(sorted.map(idFromFile))
  return sorted.map((file, index) => ({ id: ids[index]!, file }))
}

const columnNames = {
  file: ['file', 'stim_file', 'stimulus_file', 'sound', 'audio', 'stimulus', 'filename', 'path'],
  id: ['id', 'stimulus_id', 'stim_id', 'name'],
  label: ['label', 'title', 'description'],
  tags: ['tags', 'tag', 'condition', 'category'],
  gainDb: ['gain', 'gain_db', 'gaindb'],
  start: ['start', 'excerpt_start', 'onset'],
  end: ['end', 'excerpt_end', 'offset'],
} as const

/**
 * Stimuli from a table whose first row names the columns (case-insensitive; PsychoPy's usual
 * names included). Problems name the row and column as `rows[3].gain`.
 */
export function stimuliFromTable(rows: string[][]): { stimuli: StimulusInputRow[]; issues: StudyIssue[] } {
  const [header, ...body] = rows
  if (!header) return { stimuli: [], issues: [{ path: 'rows', message: 'the table is empty' }] }
  const names = header.map((name) => name.trim().toLowerCase())
  const column = (key: keyof typeof columnNames) => names.findIndex((name) => (columnNames[key] as readonly string[]).includes(name))
  const columns = Object.fromEntries(Object.keys(columnNames).map((key) => [key, column(key as keyof typeof columnNames)])) as Record<keyof typeof columnNames, number>
  if (columns.file < 0) {
    return { stimuli: [], issues: [{ path: 'columns', message: `no column names the audio file (expected one of: ${columnNames.file.join(', ')})` }] }
  }
  const issues: StudyIssue[] = []
  const cell = (row: string[], key: keyof typeof columnNames) => (columns[key] >= 0 ? (row[columns[key]] ?? '').trim() : '')
  const number = (row: string[], key: 'gainDb' | 'start' | 'end', line: number) => {
    const text = cell(row, key)
    if (text === '') return undefined
    const value = Number(text)
    if (!Number.isFinite(value)) issues.push({ path: `rows[${line}].${header[columns[key]]}`, message: `"${text}" is not a number` })
    return value
  }
  const stimuli: StimulusInputRow[] = []
  const ids = unique(body.map((row) => cell(row, 'id') || idFromFile(cell(row, 'file'))))
  body.forEach((row, index) => {
    const line = index + 2 // spreadsheet row numbers: the header is row 1
    const file = cell(row, 'file')
    if (!file) return issues.push({ path: `rows[${line}].${header[columns.file]}`, message: 'names no file' })
    const tags = cell(row, 'tags')
    const [gainDb, start, end] = [number(row, 'gainDb', line), number(row, 'start', line), number(row, 'end', line)]
    stimuli.push({
      id: ids[index]!,
      file,
      ...(cell(row, 'label') ? { label: cell(row, 'label') } : {}),
      ...(tags ? { tags: tags.split(/[;|]/).map((tag) => toId(tag.trim())).filter(Boolean) } : {}),
      ...(gainDb !== undefined ? { gainDb } : {}),
      ...(start !== undefined || end !== undefined ? { excerpt: { start: start ?? 0, ...(end !== undefined ? { end } : {}) } } : {}),
    })
  })
  return { stimuli, issues }
}
