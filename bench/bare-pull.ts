/**
 * The floor for the acquisition benchmark: the least a consumer can do with liblsl — one inlet,
 * one thread, blocking pulls into preallocated buffers, nothing else. Prints one JSON line.
 * Usage: tsx bench/bare-pull.ts NAME SECONDS
 */
import { localClock, lsl } from '../src/main/lsl/bindings'
import { Inlet } from '../src/main/lsl/inlet'
import { ContinuousResolver } from '../src/main/lsl/resolver'

const [name, secondsText] = process.argv.slice(2)
const seconds = Number(secondsText)

async function main() {
  lsl()
  const resolver = new ContinuousResolver()
  let uid: string | undefined
  const deadline = Date.now() + 15_000
  while (!uid && Date.now() < deadline) {
    uid = resolver.current().find((stream) => stream.name === name)?.uid
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  resolver.close()
  if (!uid) throw new Error(`no stream ${name}`)
  const inlet = Inlet.resolve(uid, 5)
  inlet.open(5)
  const cpuStart = process.cpuUsage()
  const wallStart = process.hrtime.bigint()
  const end = localClock() + seconds
  let samples = 0
  let first: number | null = null
  let last = 0
  const latencies: number[] = []
  while (localClock() < end) {
    const chunk = inlet.pull(0.1)
    if (chunk.sampleCount === 0) continue
    first ??= chunk.timestamps[0]!
    last = chunk.timestamps[chunk.sampleCount - 1]!
    samples += chunk.sampleCount
    latencies.push(localClock() - last)
  }
  const cpu = process.cpuUsage(cpuStart)
  const wallSeconds = Number(process.hrtime.bigint() - wallStart) / 1e9
  inlet.close()
  latencies.sort((a, b) => a - b)
  process.stdout.write(
    `${JSON.stringify({
      samples,
      firstTimestamp: first,
      lastTimestamp: last,
      cpuPercentOfOneCore: ((cpu.user + cpu.system) / 1e6 / wallSeconds) * 100,
      pullLatency: { p50: latencies[Math.floor(latencies.length / 2)], p99: latencies[Math.floor(latencies.length * 0.99)] },
    })}\n`,
  )
}

void main()
