/**
 * The serial path at rising packet rates: a board emulator (its own process) streams Cyton packets
 * through a socat pty pair into `entrain serial stream` (its own process: serialport, decoding,
 * timestamps, the LSL outlet), and an LSL inlet here checks every packet arrives. For each rate:
 * packets sent and received, drops, resyncs, whether the emulator could keep its rate (a pty pushes
 * back when the reader falls behind), and the CPU of the `serial stream` process. Beside it, the
 * reference: what a real dongle can carry, 115 200 baud / 330 bits ≈ 349 packets/s; and, as a floor
 * for the CPU, `entrain simulate` publishing a stream of the same shape without a serial port.
 * Usage: npm run bench:serial [-- --seconds 10 --rates 250,1000,5000,20000,80000]
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { StreamService, type StreamChunk } from '../src/main/lsl/stream-service'
import { startPtyPair } from '../test/support/pty'
import { entrain, lslHome, progress, repoRoot, writeResult } from './support'

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, rates: { type: 'string', default: '250,1000,5000,20000,80000' } } })
const seconds = Number(values.seconds)
const rates = values.rates.split(',').map(Number)
const dongleLimit = 115_200 / (33 * 10)
const microvoltsPerCount = (4.5 / 24 / (2 ** 23 - 1)) * 1e6
const clockTicks = 100

/** User + system CPU seconds of a process so far, from /proc. */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(')').at(-1)!.trim().split(' ')
  return (Number(fields[11]) + Number(fields[12])) / clockTicks
}

function lines(child: ChildProcessWithoutNullStreams, onLine: (line: string) => void): void {
  let buffer = ''
  child.stdout.on('data', (chunk) => {
    buffer += chunk
    for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
      onLine(buffer.slice(0, end))
      buffer = buffer.slice(end + 1)
    }
  })
}

async function runRate(rate: number, service: StreamService) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'entrain-bench-serial-'))
  const pair = await startPtyPair(dir)
  const packets = Math.round(rate * seconds)
  const emulator = spawn(process.execPath, [path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(repoRoot, 'test', 'support', 'openbci-emulator.ts'), '--port', pair.board, '--rate', String(rate), '--packets', String(packets)])
  emulator.stderr.pipe(process.stderr)
  const emulated = new Promise<{ sent: number; seconds: number }>((resolve) => lines(emulator, (line) => line.startsWith('{') && resolve(JSON.parse(line))))
  await new Promise<void>((resolve) => lines(emulator, (line) => line === 'ready' && resolve()))

  const name = `bench-serial-${process.pid}-${rate}`
  const streamer = entrain(['serial', 'stream', '--port', pair.dongle, '--board', 'cyton', '--name', name, '--json'])
  streamer.stderr.resume()
  let final: { health: { packets: number; drops: number; resyncs: number; discardedBytes: number; pushed: number } } | null = null
  const streaming = new Promise<void>((resolve) =>
    lines(streamer, (line) => {
      const event = JSON.parse(line) as { event: string; state: string }
      if (event.event === 'state' && event.state === 'streaming') resolve()
      if (event.event === 'stopped') final = event as unknown as typeof final
    }),
  )
  const exited = new Promise((resolve) => streamer.on('exit', resolve))
  await streaming
  const cpuStart = await cpuSeconds(streamer.pid!)
  const wallStart = performance.now()

  // The inlet: every packet number from the first it sees on must arrive, in order.
  const packetsSeen: number[] = []
  const stream = await service.waitFor((candidate) => candidate.description.name === name, 15)
  if (!stream) throw new Error(`${name} did not appear`)
  const off = service.on('chunk', (chunk: StreamChunk) => {
    if (chunk.key !== stream.key) return
    const values = chunk.values as Float32Array
    for (let row = 0; row < chunk.timestamps.length; row++) packetsSeen.push(Math.round(values[row * 11]! / microvoltsPerCount))
  })

  const sent = await emulated
  const cpu = (await cpuSeconds(streamer.pid!)) - cpuStart
  const wall = (performance.now() - wallStart) / 1000
  // Let the last packets through, then stop the streamer and read its own count.
  const deadline = Date.now() + 5000
  while (packetsSeen.at(-1) !== packets - 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
  off()
  streamer.kill('SIGTERM')
  await exited
  emulator.kill('SIGTERM')
  await pair.unplug()
  await rm(dir, { recursive: true, force: true })

  const health = final!.health
  const gapsAtInlet = packetsSeen.slice(1).filter((packet, index) => packet !== packetsSeen[index]! + 1).length
  const achieved = sent.sent / sent.seconds
  return {
    targetPacketsPerSecond: rate,
    achievedPacketsPerSecond: Math.round(achieved),
    packetsSent: sent.sent,
    packetsDecoded: health.packets,
    dropped: health.drops,
    resyncs: health.resyncs,
    discardedBytes: health.discardedBytes,
    samplesPushedToLsl: health.pushed,
    inlet: { firstPacket: packetsSeen[0] ?? null, lastPacket: packetsSeen.at(-1) ?? null, gaps: gapsAtInlet },
    zeroLoss: health.packets === sent.sent && health.drops === 0 && health.resyncs === 0 && gapsAtInlet === 0 && packetsSeen.at(-1) === packets - 1 && achieved >= rate * 0.98,
    cpuPercentOfOneCore: (cpu / wall) * 100,
  }
}

/** The floor: the same CLI publishing a stream of the same shape from a timer, without serial. */
async function simulatorBaseline(): Promise<{ cpuPercentOfOneCore: number }> {
  const simulator = entrain(['simulate', '--name', `bench-simulator-${process.pid}`, '--channels', '11', '--rate', '250'])
  simulator.stderr.resume()
  const exited = new Promise((resolve) => simulator.on('exit', resolve))
  await new Promise((resolve) => setTimeout(resolve, 2000))
  const cpuStart = await cpuSeconds(simulator.pid!)
  const wallStart = performance.now()
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
  const cpu = (await cpuSeconds(simulator.pid!)) - cpuStart
  const wall = (performance.now() - wallStart) / 1000
  simulator.kill('SIGTERM')
  await exited
  return { cpuPercentOfOneCore: (cpu / wall) * 100 }
}

async function main() {
  process.env.HOME = lslHome
  const service = new StreamService()
  service.start()
  const results = []
  for (const rate of rates) {
    const done = progress(`${rate} packets/s`, seconds)
    results.push(await runRate(rate, service))
    done()
    const last = results.at(-1)!
    process.stderr.write(`  ${last.achievedPacketsPerSecond} packets/s, ${last.packetsDecoded}/${last.packetsSent} decoded, ${last.dropped} dropped, zero loss: ${last.zeroLoss}, CPU ${last.cpuPercentOfOneCore.toFixed(1)} %\n`)
  }
  const done = progress('simulator baseline, 11 channels at 250 Hz', seconds)
  const baseline = await simulatorBaseline()
  done()
  await service.close()
  const sustained = results.filter((result) => result.zeroLoss).map((result) => result.achievedPacketsPerSecond)
  const maxSustained = sustained.length ? Math.max(...sustained) : 0
  const file = writeResult('serial', {
    configuration: { board: 'cyton', secondsPerRate: seconds, rates },
    reference: { dongleMaxPacketsPerSecond: Math.round(dongleLimit), note: '115 200 baud, 33-byte packets of 10 bits per byte: the most a real dongle can carry; a Cyton streams 250.' },
    entrain: { maxSustainedPacketsPerSecondWithZeroLoss: maxSustained, headroomOverDongle: maxSustained / dongleLimit, rates: results },
    simulatorBaseline: { ...baseline, note: '`entrain simulate --channels 11 --rate 250`: the same kind of process publishing a stream of the same shape from a timer, with no serial port.' },
    notes: [
      'CPU is user+system time of the `entrain serial stream` process (serialport, packet decoding, timestamps, LSL outlet) per wall second while streaming, in percent of one core.',
      'Zero loss: every packet the emulator sent was decoded, none dropped or resynchronised, the LSL inlet saw consecutive packets up to the last, and the emulator kept 98 % of its rate (a pty blocks the writer when the reader falls behind, so a slow reader shows as a lower achieved rate, not as lost bytes).',
    ],
  })
  process.stderr.write(`wrote ${file}\n`)
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`)
  process.exit(1)
})
