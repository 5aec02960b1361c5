import { SerialPortMock } from 'serialport'
import { afterEach, describe, expect, it } from 'vitest'
import { CytonDriver } from '../../../../src/main/devices/openbci'
import type { DecodedSamples } from '../../../../src/shared/openbci/decoder'
import type { BoardKind, Gain } from '../../../../src/shared/openbci/protocol'
import { banner, buildPacket } from '../../../support/openbci-emulator'

/**
 * The driver and its parser on serialport's mock binding (SerialPortMock): a scripted board answers
 * the handshake, then the test feeds packet bytes exactly as a port would deliver them.
 */

const microvolts = (counts: number, gain = 24) => Math.fround(counts * ((4.5 / gain / (2 ** 23 - 1)) * 1e6))
const eight = (value: (channel: number) => number) => Array.from({ length: 8 }, (_, channel) => value(channel))

let nextPort = 0
const drivers: CytonDriver[] = []
afterEach(async () => {
  for (const driver of drivers.splice(0)) await driver.close()
  SerialPortMock.binding.reset()
})

interface Board {
  driver: CytonDriver
  port: SerialPortMock
  samples: DecodedSamples[]
  written: () => string
  /** Delivers bytes as one read, arriving at `arrival` seconds. */
  feed(bytes: Uint8Array[], arrival?: number): void
  lost: string[]
}

async function connect(board: BoardKind, options: { daisy?: boolean; gain?: Gain; silent?: boolean; replyTimeoutMs?: number } = {}): Promise<Board> {
  const path = `/dev/ttyMOCK${nextPort++}`
  SerialPortMock.binding.createPort(path, { record: true })
  const port = await new Promise<SerialPortMock>((resolve, reject) => {
    const opened: SerialPortMock = new SerialPortMock({ path, baudRate: 115_200 }, (error) => (error ? reject(error) : resolve(opened)))
  })
  const binding = port.port!
  const write = binding.write.bind(binding)
  // The board's side: firmware v3 answers a reset with its banner and confirms channel settings.
  binding.write = async (buffer: Buffer) => {
    await write(buffer)
    if (options.silent) return
    const text = buffer.toString('latin1')
    if (text === 'v') setImmediate(() => binding.emitData(banner(options.daisy ?? board === 'cyton-daisy')))
    if (text === 'c') setImmediate(() => binding.emitData('daisy removed$$$'))
    if (text.startsWith('x')) setImmediate(() => binding.emitData(`Success: Channel set for ${text[1]}$$$`))
  }
  let arrival = 1000
  const samples: DecodedSamples[] = []
  const lost: string[] = []
  const driver = await CytonDriver.connect(port, {
    board,
    gain: options.gain ?? 24,
    replyTimeoutMs: options.replyTimeoutMs,
    clock: () => arrival,
    onSamples: (chunk) => samples.push({ count: chunk.count, values: chunk.values.slice(), timestamps: chunk.timestamps.slice() }),
    onLost: (reason) => lost.push(reason),
  })
  drivers.push(driver)
  await driver.start()
  return {
    driver,
    port,
    samples,
    lost,
    written: () => binding.recording.toString('latin1'),
    feed(bytes, at) {
      arrival = at ?? arrival + 0.004 * bytes.length
      const joined = Buffer.concat(bytes)
      binding.emitData(joined)
    },
  }
}

/** Waits until the port has delivered what was fed (the mock reads asynchronously). */
async function settle(board: Board, samples: number): Promise<void> {
  const deadline = Date.now() + 2000
  while (board.samples.reduce((sum, chunk) => sum + chunk.count, 0) < samples) {
    if (Date.now() > deadline) throw new Error(`only ${board.samples.reduce((sum, chunk) => sum + chunk.count, 0)} of ${samples} samples arrived`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

function rows(board: Board, channelCount: number): number[][] {
  return board.samples.flatMap((chunk) => Array.from({ length: chunk.count }, (_, row) => Array.from(chunk.values.subarray(row * channelCount, (row + 1) * channelCount))))
}

describe('Cyton driver on a mock serial port', () => {
  it('resets the board, sets every gain, starts, and stops on close', async () => {
    const board = await connect('cyton', { gain: 8 })
    expect(board.driver.banner).toEqual({ firmware: 'v3.1.2', firmwareMajor: 3, daisy: false })
    expect(board.written()).toBe(`sv${eight((channel) => channel + 1).map((channel) => `x${channel}040110X`).join('')}b`)
    await board.driver.close()
    expect(board.written().endsWith('bs')).toBe(true)
  })

  it('scales 24-bit counts to µV with sign extension, at the gain it set', async () => {
    const board = await connect('cyton', { gain: 8 })
    const extremes = [0, 1, -1, 0x7fffff, -0x7fffff, -0x800000, 123_456, -654_321]
    // Until the parser has found the packet boundaries, a packet counts once the next one starts.
    board.feed([buildPacket(0, extremes), buildPacket(1, extremes)])
    await settle(board, 2)
    expect(rows(board, 11)[0]!.slice(0, 8)).toEqual(extremes.map((counts) => microvolts(counts, 8)))
    // The reference's figure: one count at gain 24 is 0.02235 µV.
    expect(microvolts(1)).toBeCloseTo(0.02235, 5)
  })

  it('unwraps the sample number at 255, counts drops, and leaves gaps in the timestamps', async () => {
    const board = await connect('cyton')
    const counters = [250, 251, 252, 253, 254, 255, 0, 1, 2, /* 3, 4 lost */ 5, 6]
    board.feed(counters.map((counter) => buildPacket(counter, eight(() => counter))), 1000)
    await settle(board, counters.length)
    expect(rows(board, 11).map((row) => Math.round(row[0]! / microvolts(1)))).toEqual(counters)
    expect(board.driver.stats()).toMatchObject({ packets: 11, samples: 11, drops: 2, resyncs: 0, discardedBytes: 0 })
    const times = board.samples[0]!.timestamps
    const steps = Array.from(times.subarray(1), (time, index) => Math.round((time - times[index]!) * 250))
    expect(steps).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 3, 1])
  })

  it('counts whole counter cycles lost, from the arrival times', async () => {
    const board = await connect('cyton')
    board.feed([buildPacket(9, eight(() => 0)), buildPacket(10, eight(() => 0))], 1000)
    await settle(board, 2)
    // 258 packet periods later the counter reads 12: packet 11 and a whole cycle of 256 went missing.
    board.feed([buildPacket(12, eight(() => 0))], 1000 + 258 / 250)
    await settle(board, 3)
    expect(board.driver.stats().drops).toBe(1 + 256)
  })

  it('finds the packets again after garbage, even garbage that looks like a packet start', async () => {
    const board = await connect('cyton')
    const garbage = Uint8Array.from([0xa0, 0x13, 0xc0, 0x24, 0x24, 0x24, 0xa0, 0x00, 0xff])
    const cut = buildPacket(2, eight(() => 2)).subarray(0, 20)
    board.feed([buildPacket(0, eight(() => 0)), buildPacket(1, eight(() => 1)), garbage, cut, buildPacket(3, eight(() => 3)), buildPacket(4, eight(() => 4))])
    await settle(board, 4)
    expect(rows(board, 11).map((row) => Math.round(row[0]! / microvolts(1)))).toEqual([0, 1, 3, 4])
    expect(board.driver.stats()).toMatchObject({ packets: 4, drops: 1, resyncs: 1, discardedBytes: garbage.length + cut.length })
  })

  it('joins Daisy halves: odd sample numbers carry channels 1–8, the next even one 9–16', async () => {
    const board = await connect('cyton-daisy')
    expect(board.written()).toContain('xI060110X')
    const packets = [1, 2, 3, 4, /* 5 lost */ 6, 7, 8].map((counter) => buildPacket(counter, eight((channel) => counter * 100 + channel)))
    board.feed(packets)
    await settle(board, 3)
    const decoded = rows(board, 19)
    expect(decoded).toHaveLength(3)
    expect(decoded.map((row) => row.slice(0, 16))).toEqual(
      [1, 3, 7].map((odd) => [...eight((channel) => microvolts(odd * 100 + channel)), ...eight((channel) => microvolts((odd + 1) * 100 + channel))]),
    )
    // Sample 3 (packets 5 and 6) is incomplete: dropped, and counted.
    expect(board.driver.stats()).toMatchObject({ packets: 7, samples: 3, drops: 1 })
  })

  it('scales the accelerometer to g and holds it between readings', async () => {
    const board = await connect('cyton')
    board.feed([
      buildPacket(0, eight(() => 0), [8000, -4000, 123]),
      buildPacket(1, eight(() => 0), [0, 0, 0]),
      buildPacket(2, eight(() => 0), [-1, 1, 32767]),
      // Another stop byte: the aux bytes are not the accelerometer.
      buildPacket(3, eight(() => 0), [5, 5, 5], 0xc1),
    ])
    await settle(board, 4)
    const accel = rows(board, 11).map((row) => row.slice(8))
    const g = (counts: number) => Math.fround(counts * 0.000125)
    expect(accel).toEqual([
      [g(8000), g(-4000), g(123)],
      [g(8000), g(-4000), g(123)],
      [g(-1), g(1), g(32767)],
      [g(-1), g(1), g(32767)],
    ])
    expect(g(8000)).toBe(1)
  })

  it('reports the port as lost when it closes by itself or its data ends, but not when closed on purpose', async () => {
    const ended = await connect('cyton')
    ended.port.push(null)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(ended.lost).toEqual([`${ended.port.path} was disconnected (end of data)`])
    const closed = await connect('cyton')
    closed.port.close()
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(closed.lost).toEqual([`${closed.port.path} closed`])
    const stopped = await connect('cyton')
    await stopped.driver.close()
    expect(stopped.lost).toEqual([])
  })

  it('says clearly, within the timeout, when the board does not answer', async () => {
    const started = Date.now()
    await expect(connect('cyton', { silent: true, replyTimeoutMs: 500 })).rejects.toThrow(/no answer from the board on \/dev\/ttyMOCK\d+ to a reset \("v"\)/)
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('refuses a Cyton+Daisy whose banner names no Daisy', async () => {
    await expect(connect('cyton-daisy', { daisy: false })).rejects.toThrow('has no Daisy module')
  })

  it('asks a board with a Daisy for 8 channels when it is used as a Cyton', async () => {
    const board = await connect('cyton', { daisy: true })
    expect(board.written().startsWith('svcx1060110X')).toBe(true)
  })
})
