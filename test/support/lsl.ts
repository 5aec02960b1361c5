import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { StreamService } from '../../src/main/lsl/stream-service'
import { repoRoot } from './cli'

/** HOME for processes that use LSL in tests: its lsl_api.cfg keeps traffic on the loopback address. */
export const lslHome = path.join(repoRoot, 'test', 'fixtures', 'lsl-home')

/** A stream name no other test (or test run) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`
}

export async function waitForStream(service: StreamService, name: string, seconds = 10) {
  const found = await service.waitFor((stream) => stream.description.name === name, seconds)
  if (!found) throw new Error(`stream ${name} did not appear within ${seconds} s`)
  return found
}

export async function until(condition: () => boolean, seconds: number, what: string): Promise<void> {
  const deadline = Date.now() + seconds * 1000
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds} s waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
