import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'

export const repoRoot = path.resolve(__dirname, '../..')
const entry = path.join(repoRoot, 'bin', 'entrain.js')

/** Integration tests run the built CLI exactly as a user would; the test script builds first. */
export function assertBuilt(): void {
  if (!existsSync(path.join(repoRoot, 'out', 'main', 'cli.js'))) {
    throw new Error('out/main/cli.js is missing: run `npm run build` before the integration tests')
  }
}

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const child = startCli(args, env)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcessWithoutNullStreams {
  assertBuilt()
  return spawn(process.execPath, [entry, ...args], { cwd: repoRoot, env: { ...process.env, ...env } })
}

/** The first stdout line of a long-running command, parsed as JSON (e.g. `entrain web --json`). */
export function firstJsonLine<T>(child: ChildProcessWithoutNullStreams): Promise<T> {
  return new Promise((resolve, reject) => {
    let buffer = ''
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('exit', (code) => reject(new Error(`exited with ${code} before printing JSON: ${stderr}`)))
    child.stdout.on('data', (chunk) => {
      buffer += chunk
      try {
        resolve(JSON.parse(buffer) as T)
      } catch {
        // not a whole JSON document yet
      }
    })
  })
}
