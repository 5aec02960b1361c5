import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export const repoRoot = path.resolve(__dirname, '..')
export const resultsDir = path.join(repoRoot, 'bench', 'results')
/** HOME with a loopback-only lsl_api.cfg, so benchmark streams stay on this machine. */
export const lslHome = path.join(repoRoot, 'test', 'fixtures', 'lsl-home')

export function machine() {
  return { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.versions.node, platform: `${process.platform}-${process.arch}` }
}

export function writeResult(name: string, result: object): string {
  mkdirSync(resultsDir, { recursive: true })
  const file = path.join(resultsDir, `${name}.json`)
  writeFileSync(file, `${JSON.stringify({ benchmark: name, date: new Date().toISOString(), machine: machine(), ...result }, null, 2)}\n`)
  return file
}

/** Runs the built CLI (`npm run build` first). */
export function entrain(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [path.join(repoRoot, 'bin', 'entrain.js'), ...args], { cwd: repoRoot, env: { ...process.env, HOME: lslHome, ...env } })
}

export function percentile(values: number[], quantile: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] ?? Number.NaN
}

/** Progress on stderr for benchmarks that take a minute. */
export function progress(label: string, seconds: number): () => void {
  const started = Date.now()
  const timer = setInterval(() => {
    const elapsed = (Date.now() - started) / 1000
    const filled = Math.round((Math.min(elapsed, seconds) / seconds) * 30)
    process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${elapsed.toFixed(0)}/${seconds} s`)
  }, 1000)
  return () => {
    clearInterval(timer)
    process.stderr.write('\n')
  }
}
