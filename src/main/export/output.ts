import { promises as fs } from 'node:fs'
import path from 'node:path'
import { EntrainError } from '../../shared/errors'

/** Reports how far a long export got: `fraction` in 0…1 and a line for people. */
export type ExportProgress = (fraction: number, detail: string) => void

const flushBytes = 4 << 20

/**
 * A file an export writes: never over an existing file, written as `<name>.partial` in big
 * buffered writes and renamed into place only when complete, so a failed or interrupted export
 * leaves no file that looks finished.
 */
export class OutputFile {
  private pending: Uint8Array[] = []
  private pendingBytes = 0
  bytes = 0

  private constructor(
    readonly file: string,
    private readonly handle: fs.FileHandle,
  ) {}

  static async create(file: string): Promise<OutputFile> {
    await assertAbsent(file)
    await fs.mkdir(path.dirname(file), { recursive: true })
    const handle = await fs.open(`${file}.partial`, 'w').catch((error: NodeJS.ErrnoException) => {
      throw new EntrainError('IO_ERROR', `cannot write ${file}: ${error.message}`)
    })
    return new OutputFile(file, handle)
  }

  async write(data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
    this.pending.push(bytes)
    this.pendingBytes += bytes.length
    this.bytes += bytes.length
    if (this.pendingBytes >= flushBytes) await this.flush()
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending)
    this.pending = []
    this.pendingBytes = 0
    await this.handle.write(data)
  }

  async commit(): Promise<void> {
    await this.flush()
    await this.handle.close()
    await fs.rename(`${this.file}.partial`, this.file)
  }

  async discard(): Promise<void> {
    await this.handle.close().catch(() => {})
    await fs.rm(`${this.file}.partial`, { force: true })
  }
}

/** Why exports refuse a folder that is not empty. */
export const exportRefusal = 'exports never overwrite files, so choose a new or empty folder'

export async function assertAbsent(file: string): Promise<void> {
  const exists = await fs.stat(file).then(
    () => true,
    () => false,
  )
  if (exists) throw new EntrainError('INVALID_INPUT', `${file} already exists; exports never overwrite a file, so choose another name or remove it`)
}

/** Writes several files as one step: all of them are committed, or none is left behind. */
export async function writeAll<T>(files: OutputFile[], work: () => Promise<T>): Promise<T> {
  try {
    const result = await work()
    for (const file of files) await file.commit()
    return result
  } catch (error) {
    for (const file of files) await file.discard()
    throw error
  }
}
