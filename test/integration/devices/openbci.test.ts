import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SerialBoard } from '../../../src/main/devices/serial-board'
import { localClock } from '../../../src/main/lsl/bindings'
import { StreamService, type StreamChunk } from '../../../src/main/lsl/stream-service'
import { Recording } from '../../../src/main/recorder/recording'
import { parseStreamInfoXml } from '../../../src/shared/xdf/info'
import { readXdf } from '../../../src/shared/xdf/reader'
import { assertBuilt } from '../../support/cli'
import { uniqueName, until, waitForStream } from '../../support/lsl'
import { CytonEmulator, expectedAcceleration, expectedCounts } from '../../support/openbci-emulator'
import { startPtyPair, type PtyPair } from '../../support/pty'
import { useTempDirs } from '../../support/temp-dir'

/**
 * A real serial path (socat's pty pair, serialport) from the board emulator to a real LSL inlet:
 * every value that arrives is checked against what the emulator put in its packet.
 */

const tempDir = useTempDirs()
const microvolts = (counts: number) => Math.fround(counts * ((4.5 / 24 / (2 ** 23 - 1)) * 1e6))
const g = (counts: number) => Math.fround(counts * 0.000125)

let service: StreamService
const cleanups: (() => Promise<void>)[] = []

beforeEach(() => {
  assertBuilt()
  service = new StreamService()
  service.start()
})

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  await service.close()
})

async function plug(dir: string, daisy = false): Promise<{ pair: PtyPair; emulator: CytonEmulator }> {
  const pair = await startPtyPair(dir)
  const emulator = await CytonEmulator.open(pair.board, { daisy })
  cleanups.push(async () => {
    await emulator.close()
    await pair.unplug()
  })
  return { pair, emulator }
}

async function connect(pair: PtyPair, board: 'cyton' | 'cyton-daisy'): Promise<SerialBoard> {
  const opened = await SerialBoard.open({ path: pair.dongle, board, name: uniqueName('openbci') })
  cleanups.push(() => opened.close())
  return opened
}

/** Every sample the inlet delivers for `key`, as rows. */
function collect(key: string): { rows: number[][]; times: number[] } {
  const received = { rows: [] as number[][], times: [] as number[] }
  const off = service.on('chunk', (chunk: StreamChunk) => {
    if (chunk.key !== key) return
    const values = chunk.values as Float32Array
    const width = values.length / chunk.timestamps.length
    for (let row = 0; row < chunk.timestamps.length; row++) {
      received.rows.push(Array.from(values.subarray(row * width, (row + 1) * width)))
      received.times.push(chunk.timestamps[row]!)
    }
  })
  cleanups.push(async () => void off())
  return received
}

/** The packet number the emulator wrote into channel 1. */
const packetOf = (row: number[]) => Math.round(row[0]! / microvolts(1))

/**
 * What the emulator sent, as the inlet should show it: EEG in µV, the accelerometer held since the
 * last reading that arrived (one in every ten packets, unless `lost`).
 */
function expectedRow(packet: number, daisy: boolean, lost = new Set<number>()): number[] {
  const eeg = Array.from({ length: 8 }, (_, channel) => microvolts(expectedCounts(packet, channel)))
  const daisyEeg = daisy ? Array.from({ length: 8 }, (_, channel) => microvolts(expectedCounts(packet + 1, channel))) : []
  let lastReading = Math.floor((daisy ? packet + 1 : packet) / 10) * 10
  while (lost.has(lastReading)) lastReading -= 10
  return [...eeg, ...daisyEeg, ...expectedAcceleration(lastReading)!.map(g)]
}

describe('OpenBCI boards over a pty pair, as LSL streams', () => {
  it('publishes a Cyton with its metadata, and every value arrives at the inlet in exact µV and g', async () => {
    const { pair } = await plug(await tempDir())
    const board = await connect(pair, 'cyton')
    const stream = await waitForStream(service, board.name)
    const info = service.fullXml(stream.key)!
    expect(parseStreamInfoXml(info)).toMatchObject({ type: 'EEG', channelCount: 11, nominalSrate: 250, channelFormat: 'float32', sourceId: `openbci-cyton-${pair.dongle}` })
    expect(stream.channels.slice(0, 2)).toEqual([{ label: 'EEG1', unit: 'microvolts', type: 'EEG' }, { label: 'EEG2', unit: 'microvolts', type: 'EEG' }])
    expect(stream.channels.slice(8)).toEqual(['AccelX', 'AccelY', 'AccelZ'].map((label) => ({ label, unit: 'g', type: 'ACC' })))
    for (const field of ['<manufacturer>OpenBCI</manufacturer>', '<model>Cyton</model>', `<serial_port>${pair.dongle}</serial_port>`, '<firmware>v3.1.2</firmware>', '<gain>24</gain>']) {
      expect(info).toContain(field)
    }

    const received = collect(stream.key)
    await until(() => received.rows.length >= 500, 10, '500 samples at the inlet')
    const first = packetOf(received.rows[0]!)
    received.rows.forEach((row, index) => {
      expect(packetOf(row)).toBe(first + index)
      expect(row).toEqual(expectedRow(first + index, false))
    })
    // Regular timestamps in the LSL clock, each a sample period apart.
    const intervals = received.times.slice(1).map((time, index) => time - received.times[index]!)
    expect(Math.min(...intervals)).toBeGreaterThan(0.5 / 250)
    expect(Math.max(...intervals)).toBeLessThan(1.5 / 250)
    expect(Math.abs(localClock() - received.times.at(-1)!)).toBeLessThan(0.5)
    expect(board.health()).toMatchObject({ drops: 0, resyncs: 0, discardedBytes: 0 })
  })

  it('joins a Cyton+Daisy into 16 channels at 125 Hz, exactly', async () => {
    const { pair } = await plug(await tempDir(), true)
    const board = await connect(pair, 'cyton-daisy')
    const stream = await waitForStream(service, board.name)
    expect(stream.description).toMatchObject({ channelCount: 19, nominalSrate: 125 })
    const received = collect(stream.key)
    await until(() => received.rows.length >= 200, 10, '200 samples at the inlet')
    const first = packetOf(received.rows[0]!)
    expect(first % 2).toBe(1)
    received.rows.forEach((row, index) => expect(row).toEqual(expectedRow(first + 2 * index, true)))
  })

  it('reports dropped packets and garbage, and the samples around them stay exact', async () => {
    const { pair, emulator } = await plug(await tempDir())
    const board = await connect(pair, 'cyton')
    const stream = await waitForStream(service, board.name)
    const received = collect(stream.key)
    await until(() => received.rows.length >= 100, 10, '100 samples')
    emulator.drop(7)
    await until(() => board.health().drops > 0, 5, 'the drop')
    emulator.inject(Uint8Array.from([0xa0, 0x55, 0xc0, 0x24, 0x24, 0x24, 0xa0, 0x01, 0xc1, 0xff, 0x00]))
    await until(() => board.health().resyncs > 0, 5, 'the resync')
    const count = received.rows.length
    await until(() => received.rows.length >= count + 100, 10, '100 more samples')

    expect(board.health()).toMatchObject({ drops: 7, resyncs: 1, discardedBytes: 11 })
    const packets = received.rows.map(packetOf)
    const jumps = packets.slice(1).flatMap((packet, index) => (packet - packets[index]! === 1 ? [] : [packet - packets[index]!]))
    expect(jumps).toEqual([8])
    const gap = packets.findIndex((packet, index) => index > 0 && packet - packets[index - 1]! === 8)
    const lost = new Set(Array.from({ length: 7 }, (_, index) => packets[gap - 1]! + 1 + index))
    received.rows.forEach((row) => expect(row).toEqual(expectedRow(packetOf(row), false, lost)))
    expect((received.times[gap]! - received.times[gap - 1]!) * 250).toBeCloseTo(8, 0)
  })

  it('keeps recording through an unplug: the stream goes offline, the board comes back by itself, nothing pushed is lost', async () => {
    const dir = await tempDir()
    const first = await plug(dir)
    const board = await connect(first.pair, 'cyton')
    const stream = await waitForStream(service, board.name)
    const file = path.join(await tempDir(), 'unplugged.xdf')
    const recording = await Recording.start(service, { file, keys: [stream.key] })
    cleanups.push(async () => void (await recording.stop().catch(() => {})))
    await until(() => (recording.stats()?.streams[0]?.samples ?? 0) >= 250, 10, 'a second of samples recorded')

    await first.pair.unplug()
    // Generous: on a loaded machine (CI shares its cores) the port's hangup can take a while to surface.
    await until(() => board.status().state === 'waiting', 15, 'the board to notice the unplug').catch((error: Error) => {
      throw new Error(`${error.message}; the board: ${JSON.stringify(board.status())}`)
    })
    const beforeUnplug = board.health().samples
    await until(() => service.get(stream.key)?.online === false, 10, 'the stream to go offline')
    await until(() => recording.stats()?.streams[0]?.connected === false, 5, 'the recording to mark the stream disconnected')

    await plug(dir)
    await until(() => board.status().state === 'streaming', 10, 'the board to reconnect')
    expect(board.health().reconnects).toBe(1)
    await until(() => service.get(stream.key)?.online === true, 10, 'the stream to return')
    await until(() => (recording.stats()?.streams[0]?.samples ?? 0) >= beforeUnplug + 250, 15, 'a second of samples after the replug')
    await recording.stop()

    const xdf = readXdf(new Uint8Array(await readFile(file)), { synchronizeClocks: false })
    expect(xdf.problems).toEqual([])
    expect(xdf.streams).toHaveLength(1)
    const recorded = xdf.streams[0]!
    const rows = Array.from({ length: recorded.sampleCount }, (_, row) => Array.from((recorded.samples as Float32Array).subarray(row * 11, (row + 1) * 11)))
    const packets = rows.map(packetOf)
    const restart = packets.findIndex((packet, index) => index > 0 && packet < packets[index - 1]!)
    expect(restart).toBeGreaterThan(0)
    // Before the unplug: consecutive packets up to the very last one the board delivered.
    expect(packets[restart - 1]).toBe(beforeUnplug - 1)
    for (let index = 1; index < restart; index++) expect(packets[index]).toBe(packets[index - 1]! + 1)
    // After it: every packet of the new connection, from its first, consecutive again, later in time.
    expect(packets[restart]).toBe(0)
    for (let index = restart + 1; index < packets.length; index++) expect(packets[index]).toBe(packets[index - 1]! + 1)
    rows.forEach((row) => expect(row).toEqual(expectedRow(packetOf(row), false)))
    expect(recorded.timestamps[restart]! - recorded.timestamps[restart - 1]!).toBeGreaterThan(0.5)
  }, 60_000)

  it('says clearly within seconds when no board answers on the port', async () => {
    const pair = await startPtyPair(await tempDir())
    cleanups.push(() => pair.unplug())
    const started = Date.now()
    await expect(SerialBoard.open({ path: pair.dongle, board: 'cyton' })).rejects.toThrow(`no answer from the board on ${pair.dongle} to a reset ("v")`)
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('names a port that does not exist', async () => {
    const missing = path.join(await tempDir(), 'ttyNOPE')
    await expect(SerialBoard.open({ path: missing, board: 'cyton' })).rejects.toThrow(`cannot open ${missing}: there is no such port`)
  })
})
