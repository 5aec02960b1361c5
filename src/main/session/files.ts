import { createHash } from 'node:crypto'
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { EntrainError } from '../../shared/errors'
import { eventsTsv, type EventsTableContext, type LogLine } from '../../shared/session/events'
import { parseSessionRecord, type SessionRecord } from '../../shared/session/record'
import { readJsonFile, writeJsonAtomic } from '../store/json-file'

export const sessionFiles = { record: 'session.json', events: 'events.tsv', log: 'log.jsonl', lock: 'session.lock' } as const

/** The session folders of a study folder: sessions/sub-P/ses-S. */
export async function sessionFolders(studyFolder: string): Promise<string[]> {
  const root = path.join(studyFolder, 'sessions')
  const folders: string[] = []
  for (const subject of await fs.readdir(root, { withFileTypes: true }).catch(() => [])) {
    if (!subject.isDirectory() || !subject.name.startsWith('sub-')) continue
    for (const session of await fs.readdir(path.join(root, subject.name), { withFileTypes: true })) {
      if (session.isDirectory() && session.name.startsWith('ses-')) folders.push(path.join(root, subject.name, session.name))
    }
  }
  return folders.sort()
}

/** SHA-256 of a file's bytes: session.json names the exact protocol a session ran. */
export async function fileSha256(file: string): Promise<string> {
  return createHash('sha256').update(await fs.readFile(file)).digest('hex')
}

/** The session.json of a folder: null when there is none; INVALID_INPUT naming the field when it is damaged. */
export async function readSessionRecord(folder: string): Promise<SessionRecord | null> {
  const file = path.join(folder, sessionFiles.record)
  const read = await readJsonFile(file)
  if (read.status === 'missing') return null
  if (read.status === 'corrupt') throw new EntrainError('INVALID_INPUT', `${file} was not valid JSON (${read.reason}); it was kept as ${read.movedTo}`)
  const parsed = parseSessionRecord(read.value)
  if (!parsed.ok) throw new EntrainError('INVALID_INPUT', `${file}: ${parsed.problem}`)
  return parsed.record
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Who holds a session folder's lock: null when nobody does, or when the process that took it has
 * died (a crash), so the session can be taken over. A lock from another machine counts as held.
 */
export async function lockHolder(folder: string): Promise<string | null> {
  const text = await fs.readFile(path.join(folder, sessionFiles.lock), 'utf8').catch(() => null)
  if (text === null) return null
  const [pid, host] = text.trim().split(' ')
  const holder = Number(pid)
  if (host !== os.hostname()) return `${host ?? 'another machine'} (process ${pid})`
  return Number.isInteger(holder) && holder !== process.pid && processAlive(holder) ? `process ${holder}` : null
}

/**
 * The files of one session folder. A lock file holds the running process's id so that two
 * runners never write the same session; a lock left by a process that died (a crash) is taken over.
 */
export class SessionFolder {
  private log: fs.FileHandle | null = null
  /** Log lines are written one after another, in the order they were made. */
  private logQueue: Promise<void> = Promise.resolve()

  private constructor(readonly folder: string) {}

  static async lock(folder: string): Promise<SessionFolder> {
    await fs.mkdir(folder, { recursive: true })
    const lockFile = path.join(folder, sessionFiles.lock)
    const owner = `${process.pid} ${os.hostname()}\n`
    const holder = await lockHolder(folder)
    if (holder) throw new EntrainError('INVALID_INPUT', `the session in ${folder} is being run by ${holder}; remove ${lockFile} if that run is over`)
    await fs.rm(lockFile, { force: true })
    try {
      await fs.writeFile(lockFile, owner, { flag: 'wx' })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new EntrainError('INVALID_INPUT', `another process took the session in ${folder} just now`)
      throw error
    }
    return new SessionFolder(folder)
  }

  file(name: string): string {
    return path.join(this.folder, name)
  }

  /** session.json, then events.tsv derived from it, each replaced atomically. */
  async writeRecord(record: SessionRecord, table: EventsTableContext): Promise<void> {
    await writeJsonAtomic(this.file(sessionFiles.record), record)
    const temporary = `${this.file(sessionFiles.events)}.${process.pid}.tmp`
    await fs.writeFile(temporary, eventsTsv(record.events, table))
    await fs.rename(temporary, this.file(sessionFiles.events))
  }

  /** One line of log.jsonl, on disk before this resolves. */
  appendLog(line: LogLine): Promise<void> {
    const write = async () => {
      this.log ??= await fs.open(this.file(sessionFiles.log), 'a')
      await this.log.appendFile(`${JSON.stringify(line)}\n`)
      await this.log.datasync()
    }
    this.logQueue = this.logQueue.then(write, write)
    return this.logQueue
  }

  async release(): Promise<void> {
    await this.logQueue.catch(() => {})
    await this.log?.close()
    this.log = null
    await fs.rm(this.file(sessionFiles.lock), { force: true })
  }
}
