/**
 * Sustained acquisition + recording: 256 channels at 2 kHz for 60 s from a separate producer
 * process, through Entrain's stream service (inlet worker) and XDF recorder, side by side with a
 * bare liblsl pull loop on the same stream in the same run (the floor).
 * Usage: npm run build && npx tsx bench/acquisition.ts [--seconds 60] [--channels 256] [--rate 2000]
 */
import { readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { spawn } from 'node:child_process'
import { parseArgs } from 'node:util'
import { StreamService } from '../src/main/lsl/stream-service'
import { Recording } from '../src/main/recorder/recording'
import { readXdf } from '../src/shared/xdf/reader'
import { entrain, lslHome, progress, repoRoot, writeResult } from './support'

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, channels: { type: 'string', default: '256' }, rate: { type: 'string', default: '2000' } } })
const seconds = Number(values.seconds)
const channels = Number(values.channels)
const rate = Number(values.rate)

function lostSamples(timestamps: Float64Array, count: number): number {
  if (count === 0) return Number.NaN
  return Math.round((timestamps[count - 1]! - timestamps[0]!) * rate) + 1 - count
}

async function main() {
  process.env.HOME = lslHome
  const name = `bench-${process.pid}`
  const producer = entrain(['simulate', '--name', name, '--channels', String(channels), '--rate', String(rate), '--duration', String(seconds + 30)])
  const service = new StreamService()
  service.start()
  const stream = await service.waitFor((candidate) => candidate.description.name === name, 15)
  if (!stream) throw new Error('the producer did not appear')

  const bare = spawn(process.execPath, [path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(__dirname, 'bare-pull.ts'), name, String(seconds)], {
    env: { ...process.env, HOME: lslHome },
  })
  let bareOutput = ''
  bare.stdout.on('data', (chunk) => (bareOutput += chunk))
  bare.stderr.pipe(process.stderr)

  const file = path.join(os.tmpdir(), `entrain-bench-${process.pid}.xdf`)
  const recording = await Recording.start(service, { file, keys: [stream.key] })
  const cpuStart = process.cpuUsage()
  const wallStart = process.hrtime.bigint()
  const done = progress(`recording ${channels} ch at ${rate} Hz`, seconds)
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
  const stats = await recording.stop()
  const cpu = process.cpuUsage(cpuStart)
  const wallSeconds = Number(process.hrtime.bigint() - wallStart) / 1e9
  done()
  await new Promise((resolve) => bare.on('exit', resolve))
  producer.kill('SIGTERM')
  const gaps = service.get(stream.key)!.health.gaps
  await service.close()

  const xdf = readXdf(new Uint8Array(await readFile(file)), { synchronizeClocks: false })
  const recorded = xdf.streams[0]!
  await rm(file)
  const floor = JSON.parse(bareOutput) as { samples: number; cpuPercentOfOneCore: number; pullLatency: { p50: number; p99: number } }

  const result = {
    configuration: { channels, rate, seconds, valuesPerSecond: channels * rate },
    entrain: {
      samplesRecorded: recorded.sampleCount,
      samplesLost: lostSamples(recorded.timestamps, recorded.sampleCount),
      gapsSeen: gaps,
      fileMegabytes: stats.bytes / 1e6,
      cpuPercentOfOneCore: ((cpu.user + cpu.system) / 1e6 / wallSeconds) * 100,
      pushToDiskLatencyMs: stats.latency && { p50: stats.latency.p50 * 1000, p99: stats.latency.p99 * 1000 },
    },
    bareLiblslPullLoop: {
      samplesPulled: floor.samples,
      cpuPercentOfOneCore: floor.cpuPercentOfOneCore,
      pushToPullLatencyMs: { p50: floor.pullLatency.p50 * 1000, p99: floor.pullLatency.p99 * 1000 },
    },
    notes: [
      "Latencies are measured from the producer timestamp of a chunk's last sample; the simulator stamps samples at their nominal generation time and pushes every ~10 ms, so both columns include up to 10 ms of producer batching.",
      'CPU is user+system time of the whole consuming process (all threads) per wall second, in percent of one core.',
    ],
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
  process.stderr.write(`wrote ${writeResult('acquisition', result)}\n`)
}

void main()
