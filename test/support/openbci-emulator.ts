/**
 * A stand-in for an OpenBCI Cyton (with or without Daisy) behind its dongle, on one end of a pty
 * pair: it answers the commands Entrain sends as firmware v3 does and streams 33-byte packets at a
 * chosen rate. It stands in for the amplifier only; the serial path (pty, socat, serialport) is real.
 *
 * Every packet describes itself: channel 1 carries the packet's running number, the others a known
 * function of it (`expectedCounts`), so a test can check every value that reaches an LSL inlet.
 * Faults on request: dropped packets, garbage between packets, silence.
 *
 * Also a program: `tsx test/support/openbci-emulator.ts --port PATH [--daisy] [--rate R] [--packets N]`
 * streams N packets at R packets/s once started, then prints `{"sent":N,"seconds":S}` and exits.
 */
import { SerialPort } from 'serialport'

export interface EmulatorOptions {
  daisy?: boolean
  /** Packets per second while streaming (a real board: 250). */
  rate?: number
  /** Stop streaming after this many packets. */
  packets?: number
  /** Answer nothing (a board that is switched off). */
  silent?: boolean
}

/** The ADC count of `channel` (0–7) in packet `packet` (its running number). */
export function expectedCounts(packet: number, channel: number): number {
  if (channel === 0) return packet
  // Spread over the whole signed 24-bit range, negative values included (sign extension).
  return ((packet * 7919 + channel * 1_299_709) % 16_777_215) - 8_388_607
}

/** Every tenth packet carries an accelerometer reading, the others zeros (as the firmware sends). */
export function expectedAcceleration(packet: number): [number, number, number] | null {
  return packet % 10 === 0 ? [((packet / 10) % 2000) - 1000, 300 + ((packet / 10) % 7), 8000] : null
}

/** A packet with the given sample number (0–255), channel counts, accelerometer values and stop byte. */
export function buildPacket(counter: number, counts: readonly number[], acceleration: readonly number[] | null = null, stop = 0xc0): Uint8Array {
  const bytes = new Uint8Array(33)
  const view = new DataView(bytes.buffer)
  bytes[0] = 0xa0
  bytes[1] = counter & 0xff
  counts.forEach((value, channel) => {
    const counts24 = value & 0xffffff
    bytes[2 + channel * 3] = counts24 >> 16
    bytes[3 + channel * 3] = (counts24 >> 8) & 0xff
    bytes[4 + channel * 3] = counts24 & 0xff
  })
  acceleration?.forEach((value, axis) => view.setInt16(26 + axis * 2, value, false))
  bytes[32] = stop
  return bytes
}

export function encodePacket(packet: number): Uint8Array {
  return buildPacket(
    packet,
    Array.from({ length: 8 }, (_, channel) => expectedCounts(packet, channel)),
    expectedAcceleration(packet),
  )
}

/** The reset banner of firmware v3.1.2. */
export const banner = (daisy: boolean) =>
  `OpenBCI V3 8-16 channel\nOn Board ADS1299 Device ID: 0x3E\n${daisy ? 'On Daisy ADS1299 Device ID: 0x3E\n' : ''}LIS3DH Device ID: 0x33\nFirmware: v3.1.2\n$$$`

export class CytonEmulator {
  /** Packets written since the board was switched on (their running numbers). */
  sent = 0
  streaming = false
  readonly commands: string[] = []
  private readonly port: SerialPort
  private timer: NodeJS.Timeout | null = null
  private startedAt = 0
  private startedWith = 0
  private skip = 0
  private garbage: Uint8Array | null = null
  private input = ''
  private daisy: boolean
  private streamedAt: { start: number; end: number } | null = null
  private finished: (() => void) | null = null

  private constructor(
    port: SerialPort,
    private readonly options: EmulatorOptions,
  ) {
    this.port = port
    this.daisy = options.daisy ?? false
    port.on('data', (data: Buffer) => this.receive(data.toString('latin1')))
    port.on('close', () => this.halt())
    // Writes after an unplug fail (EIO), as they would on a board whose dongle was pulled.
    port.on('error', () => this.halt())
  }

  static open(path: string, options: EmulatorOptions = {}): Promise<CytonEmulator> {
    return new Promise((resolve, reject) => {
      const port = new SerialPort({ path, baudRate: 115_200 }, (error) => (error ? reject(error) : resolve(new CytonEmulator(port, options))))
    })
  }

  /** Leaves out the next `count` packets (their numbers still advance, as when the radio loses them). */
  drop(count: number): void {
    this.skip += count
  }

  /** Writes `bytes` between the next two packets. */
  inject(bytes: Uint8Array): void {
    this.garbage = bytes
  }

  /** Resolves when `packets` (the option) have been streamed, with the seconds it took. */
  done(): Promise<number> {
    return new Promise((resolve) => {
      this.finished = () => resolve(this.streamedAt ? this.streamedAt.end - this.streamedAt.start : 0)
      if (this.streamedAt?.end) this.finished()
    })
  }

  close(): Promise<void> {
    this.halt()
    return new Promise((resolve) => (this.port.isOpen ? this.port.close(() => resolve()) : resolve()))
  }

  private receive(text: string): void {
    if (this.options.silent) return
    this.input += text
    while (this.input.length) {
      const command = this.input[0]!
      if (command === 'x') {
        const end = this.input.indexOf('X')
        if (end < 0) return
        const settings = this.input.slice(0, end + 1)
        this.input = this.input.slice(end + 1)
        this.commands.push(settings)
        const channel = '12345678QWERTYUI'.indexOf(settings[1]!) + 1
        this.reply(settings.length === 9 && channel > 0 ? `Success: Channel set for ${channel}$$$` : 'Failure: too few chars$$$')
        continue
      }
      this.input = this.input.slice(1)
      this.commands.push(command)
      if (command === 'v') {
        this.halt()
        this.reply(banner(this.daisy))
      } else if (command === 'c') {
        this.daisy = false
        this.reply('daisy removed$$$')
      } else if (command === 'b') this.startStreaming()
      else if (command === 's') this.halt()
    }
  }

  private reply(text: string): void {
    if (this.port.isOpen) this.port.write(text)
  }

  private startStreaming(): void {
    if (this.streaming) return
    this.streaming = true
    this.startedAt = performance.now()
    this.startedWith = this.sent
    this.streamedAt = { start: this.startedAt / 1000, end: 0 }
    const rate = this.options.rate ?? 250
    const tick = () => {
      if (!this.streaming) return
      const due = Math.floor(((performance.now() - this.startedAt) / 1000) * rate) - (this.sent - this.startedWith)
      const limit = this.options.packets === undefined ? due : Math.min(due, this.options.packets - (this.sent - this.startedWith))
      if (limit > 0) this.port.write(this.packets(limit))
      if (this.options.packets !== undefined && this.sent - this.startedWith >= this.options.packets) {
        this.streamedAt!.end = performance.now() / 1000
        this.halt()
        this.port.drain(() => this.finished?.())
        return
      }
      this.timer = setTimeout(tick, 2)
    }
    tick()
  }

  private packets(count: number): Buffer {
    const parts: Uint8Array[] = []
    for (let index = 0; index < count; index++) {
      const packet = this.sent++
      if (this.skip > 0) {
        this.skip -= 1
        continue
      }
      if (this.garbage) {
        parts.push(this.garbage)
        this.garbage = null
      }
      parts.push(encodePacket(packet))
    }
    return Buffer.concat(parts)
  }

  private halt(): void {
    this.streaming = false
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }
}

if (require.main === module) {
  const args = process.argv.slice(2)
  const option = (name: string) => {
    const at = args.indexOf(`--${name}`)
    return at < 0 ? undefined : args[at + 1]
  }
  const port = option('port')
  if (!port) throw new Error('--port PATH is required')
  const packets = option('packets') === undefined ? undefined : Number(option('packets'))
  void CytonEmulator.open(port, { daisy: args.includes('--daisy'), rate: Number(option('rate') ?? 250), packets }).then(async (emulator) => {
    process.stdout.write('ready\n')
    // The port stays open until SIGTERM: closing it would end socat before the reader has everything.
    process.once('SIGTERM', () => void emulator.close().then(() => process.exit(0)))
    if (packets === undefined) return
    const seconds = await emulator.done()
    process.stdout.write(`${JSON.stringify({ sent: emulator.sent, seconds })}\n`)
  })
}
