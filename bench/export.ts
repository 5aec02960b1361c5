/**
 * Export throughput: a long 64-channel 1 kHz recording exported to EDF+, BrainVision (float32 and
 * int16) and CSV by `entrain export`, beside a plain copy of the same file (cp, and a Node stream
 * copy) in the same run. MB/s count the XDF's bytes; peak memory is each process's VmHWM, which
 * shows the recording is never held whole. The file is read from the page cache by all of them
 * (the copies run first, warming it).
 * Usage: npm run build && npx tsx bench/export.ts [--minutes 10] [--channels 64] [--rate 1000]
 * (results in bench/results/export.json; with other minutes, export-<minutes>min.json).
 */
import { spawn } from 'node:child_process'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { parseArgs } from 'node:util'
import { writeTestXdf } from '../test/support/xdf'
import { entrain, writeResult } from './support'

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, channels: { type: 'string', default: '64' }, rate: { type: 'string', default: '1000' } } })
const minutes = Number(values.minutes)
const channels = Number(values.channels)
const rate = Number(values.rate)

/** Peak resident memory of a running process, polled from /proc (Linux); null elsewhere. */
function watchPeakMemory(pid: number): () => number | null {
  let peak: number | null = null
  const timer = setInterval(async () => {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '')
    const match = /VmHWM:\s+(\d+) kB/.exec(status)
    if (match) peak = Math.max(peak ?? 0, Number(match[1]) * 1024)
  }, 20)
  return () => {
    clearInterval(timer)
    return peak
  }
}

async function timed(label: string, command: string, args: string[]): Promise<{ seconds: number; peakMemoryMB: number | null }> {
  const started = process.hrtime.bigint()
  const child = command === 'entrain' ? entrain(args) : spawn(command, args)
  const peak = watchPeakMemory(child.pid!)
  let stderr = ''
  child.stderr!.on('data', (chunk) => (stderr += chunk))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const memory = peak()
  if (code !== 0) throw new Error(`${label} failed (${code}): ${stderr}`)
  process.stderr.write(`${label}: ${seconds.toFixed(2)} s\n`)
  return { seconds, peakMemoryMB: memory === null ? null : Math.round(memory / 1e6) }
}

async function main() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'entrain-export-bench-'))
  try {
    const file = path.join(dir, 'long.xdf')
    const samples = Math.round(minutes * 60 * rate)
    // A table of pink-ish values keeps generation fast; markers every 2 s, as stimulus onsets.
    const table = Float32Array.from({ length: 4096 * channels }, (_, i) => Math.sin(i * 0.013) * 40 + Math.sin(i * 0.0007) * 80)
    process.stderr.write(`writing ${minutes} min of ${channels} channels at ${rate} Hz…\n`)
    const bytes = await writeTestXdf(file, {
      channels,
      rate,
      samples,
      chunkSamples: 32,
      value: (i, c) => table[((i % 4096) * channels + c) % table.length]!,
      markers: Array.from({ length: Math.floor((minutes * 60) / 2) }, (_, i) => ({ time: 1000 + 1 + i * 2, text: `{"event":"stimulus_onset","stimulus":"s${i % 8}"}` })),
    })
    const megabytes = bytes / 1e6
    const row = async (name: string, command: string, args: string[], output: string) => {
      const run = await timed(name, command, args)
      const written = await stat(output).then(
        (stats) => (stats.isDirectory() ? null : stats.size),
        () => null,
      )
      return { name, seconds: Number(run.seconds.toFixed(3)), mbPerSecond: Number((megabytes / run.seconds).toFixed(1)), peakMemoryMB: run.peakMemoryMB, outputMB: written === null ? null : Number((written / 1e6).toFixed(1)) }
    }
    const rows = []
    rows.push(await row('cp (reference)', 'cp', ['--reflink=never', file, path.join(dir, 'copy.xdf')], path.join(dir, 'copy.xdf')))
    const started = process.hrtime.bigint()
    await pipeline(createReadStream(file), createWriteStream(path.join(dir, 'stream-copy.xdf')))
    const streamSeconds = Number(process.hrtime.bigint() - started) / 1e9
    rows.push({ name: 'Node stream copy (reference)', seconds: Number(streamSeconds.toFixed(3)), mbPerSecond: Number((megabytes / streamSeconds).toFixed(1)), peakMemoryMB: null, outputMB: Number(megabytes.toFixed(1)) })
    // The whole-file reader needs several times the file in memory: only for files it can hold.
    if (bytes < 1e9) rows.push(await row('xdf-info (whole-file reader, for scale)', 'entrain', ['xdf-info', file, '--json'], file))
    rows.push(await row('export edf', 'entrain', ['export', 'edf', file, '--out', path.join(dir, 'out.edf')], path.join(dir, 'out.edf')))
    rows.push(await row('export brainvision float32', 'entrain', ['export', 'brainvision', file, '--out', path.join(dir, 'f32')], path.join(dir, 'f32.eeg')))
    rows.push(await row('export brainvision int16', 'entrain', ['export', 'brainvision', file, '--out', path.join(dir, 'i16'), '--format', 'int16'], path.join(dir, 'i16.eeg')))
    rows.push(await row('export csv', 'entrain', ['export', 'csv', file, '--out', path.join(dir, 'csv')], path.join(dir, 'csv', 'TestEEG.csv')))
    const result = writeResult(minutes === 10 ? 'export' : `export-${minutes}min`, {
      recording: { minutes, channels, rate, samples, xdfMB: Number(megabytes.toFixed(1)) },
      note: 'MB/s of the XDF file; every process reads it from the page cache (the copies warm it). Peak memory is the process’s VmHWM.',
      rows,
    })
    console.table(rows)
    process.stderr.write(`wrote ${result}\n`)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
