import { promises as fs } from 'node:fs'
import path from 'node:path'

/**
 * Writes JSON so that a crash leaves either the old file or the new one, never half of either:
 * write a temporary file beside it, flush it to disk, then rename over the target. Returns the
 * text written.
 */
export async function writeJsonAtomic(file: string, value: unknown): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true })
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`
  const text = `${JSON.stringify(value, null, 2)}\n`
  const handle = await fs.open(temporary, 'w')
  try {
    await handle.writeFile(text)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await fs.rename(temporary, file)
  return text
}

export type JsonReadResult =
  | { status: 'missing' }
  | { status: 'ok'; value: unknown }
  /** The file did not parse; it was moved to `movedTo` so that nothing is lost or overwritten. */
  | { status: 'corrupt'; movedTo: string; reason: string }

export async function readJsonFile(file: string): Promise<JsonReadResult> {
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' }
    throw error
  }
  try {
    return { status: 'ok', value: JSON.parse(text) }
  } catch (error) {
    const movedTo = await setAside(file)
    return { status: 'corrupt', movedTo, reason: (error as Error).message }
  }
}

/** Renames an unusable file out of the way under a name that says when and why. */
export async function setAside(file: string): Promise<string> {
  const movedTo = `${file}.unreadable-${new Date().toISOString().replace(/[:.]/g, '-')}`
  await fs.rename(file, movedTo)
  return movedTo
}
