import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'

/** Two connected pseudo-terminals made by socat: Entrain opens `dongle`, the board emulator `board`. */
export interface PtyPair {
  dongle: string
  board: string
  /** Ends socat: both ends vanish, as a dongle does when it is unplugged. */
  unplug(): Promise<void>
}

export function assertSocat(): void {
  if (spawnSync('socat', ['-V']).error) throw new Error('socat is not installed (Debian: apt-get install socat); the serial tests need its pty pairs')
}

/** A pty pair with its links in `dir` (named `name`-dongle and `name`-board). */
export async function startPtyPair(dir: string, name = 'openbci'): Promise<PtyPair> {
  assertSocat()
  const dongle = path.join(dir, `${name}-dongle`)
  const board = path.join(dir, `${name}-board`)
  const socat = spawn('socat', [`pty,raw,echo=0,link=${dongle}`, `pty,raw,echo=0,link=${board}`], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  socat.stderr.on('data', (chunk) => (stderr += chunk))
  const exited = new Promise<void>((resolve) => socat.on('exit', () => resolve()))
  const deadline = Date.now() + 5000
  while (!(existsSync(dongle) && existsSync(board))) {
    if (Date.now() > deadline || socat.exitCode !== null) throw new Error(`socat made no pty pair: ${stderr}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return {
    dongle,
    board,
    unplug: async () => {
      if (socat.exitCode === null) socat.kill('SIGTERM')
      await exited
    },
  }
}
