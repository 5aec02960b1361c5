import { EntrainError } from '../../shared/errors'
import { CytonDecoder, type DecodedSamples, type DecoderStats } from '../../shared/openbci/decoder'
import {
  boards,
  channelSettingsCommand,
  commands,
  parseBanner,
  replyEnd,
  type Banner,
  type BoardKind,
  type Gain,
} from '../../shared/openbci/protocol'

/** What the driver needs of an open serial port (serialport's SerialPort, or SerialPortMock in tests). */
export interface SerialLink {
  readonly path: string
  readonly isOpen: boolean
  write(data: string, callback?: (error: Error | null | undefined) => void): boolean
  drain(callback: (error: Error | null) => void): void
  close(callback?: (error?: Error | null) => void): void
  on(event: 'data', listener: (data: Buffer) => void): unknown
  on(event: 'close', listener: (error?: Error & { disconnected?: boolean }) => void): unknown
  on(event: 'end', listener: () => void): unknown
  off(event: 'data', listener: (data: Buffer) => void): unknown
}

export interface CytonOptions {
  board: BoardKind
  gain: Gain
  /** How long the board may take to answer a command (the reset takes the longest). */
  replyTimeoutMs?: number
  /** Arrival times for the samples' timestamps (the LSL clock in the app). */
  clock: () => number
  onSamples: (samples: DecodedSamples) => void
  /** The port closed without `close()`: unplugged (`disconnected`) or failed. */
  onLost: (reason: string) => void
}

const defaultReplyTimeoutMs = 3000
/** Firmware before v3 does not confirm channel settings; give it a moment per command instead. */
const unconfirmedCommandPauseMs = 50
/** After a stop, packets already on their way still arrive for a moment. */
const stopSettleMs = 150

/**
 * A Cyton or Cyton+Daisy on an open serial port: stops a stream left running, resets the board and
 * checks its banner (and the Daisy), sets every channel's gain so that the scaling is known, then
 * streams decoded samples until closed.
 */
export class CytonDriver {
  readonly banner: Banner
  private readonly decoder: CytonDecoder
  private streaming = false
  private closing = false
  private gone = false

  private constructor(
    private readonly link: SerialLink,
    private readonly options: CytonOptions,
    banner: Banner,
  ) {
    this.banner = banner
    this.decoder = new CytonDecoder(options.board, options.gain)
    link.on('close', (error) => this.lost(error?.disconnected ? `${link.path} was disconnected` : `${link.path} closed${error ? `: ${error.message}` : ''}`))
    // A pty (and some adapters) reports a vanished peer as the end of the data rather than an error.
    link.on('end', () => this.lost(`${link.path} was disconnected (end of data)`))
  }

  /** Prepares the board on `link`; a board that does not answer fails within the reply timeout. */
  static async connect(link: SerialLink, options: CytonOptions): Promise<CytonDriver> {
    const replies = new ReplyReader(link, options.replyTimeoutMs ?? defaultReplyTimeoutMs)
    try {
      await replies.send(commands.stop)
      await pause(stopSettleMs)
      replies.clear()
      const bannerText = await replies.command(
        commands.reset,
        `no answer from the board on ${link.path} to a reset ("v"): is it switched on (PC), and is the dongle's switch on GPIO6?`,
      )
      const banner = parseBanner(bannerText)
      const spec = boards[options.board]
      if (spec.packetsPerSample === 2 && !banner.daisy) {
        throw new EntrainError('NOT_AVAILABLE', `the board on ${link.path} has no Daisy module (its reset banner names none); connect it as a Cyton`)
      }
      const confirms = (banner.firmwareMajor ?? 0) >= 3
      if (spec.packetsPerSample === 1 && banner.daisy) await replies.maybeCommand(commands.withoutDaisy, confirms)
      for (let channel = 1; channel <= spec.eegChannels; channel++) {
        const reply = await replies.maybeCommand(channelSettingsCommand(channel, options.gain), confirms)
        if (confirms && !/success/i.test(reply)) {
          throw new EntrainError('NOT_AVAILABLE', `the board on ${link.path} refused the settings of channel ${channel}: ${reply.replace(replyEnd, '').trim()}`)
        }
      }
      return new CytonDriver(link, options, banner)
    } finally {
      replies.detach()
    }
  }

  stats(): DecoderStats {
    return this.decoder.stats()
  }

  get channelCount(): number {
    return this.decoder.channelCount
  }

  /** Starts the stream; samples arrive through `onSamples`. */
  async start(): Promise<void> {
    if (this.streaming) return
    this.decoder.resetInput()
    this.link.on('data', this.receive)
    await writeAll(this.link, commands.start)
    this.streaming = true
  }

  /** Stops the stream (when the port is still there) and closes the port. */
  async close(): Promise<void> {
    if (this.closing) return
    this.closing = true
    this.link.off('data', this.receive)
    if (this.link.isOpen && this.streaming) await writeAll(this.link, commands.stop).catch(() => {})
    this.streaming = false
    if (this.link.isOpen) await new Promise<void>((resolve) => this.link.close(() => resolve()))
  }

  private lost(reason: string): void {
    if (this.closing || this.gone) return
    this.gone = true
    this.streaming = false
    this.options.onLost(reason)
  }

  private readonly receive = (data: Buffer) => {
    const samples = this.decoder.decode(data, this.options.clock())
    if (samples.count > 0) this.options.onSamples(samples)
  }
}

/** The board's text answers, each ending in `$$$`. */
class ReplyReader {
  private text = ''
  private waiting: (() => void) | null = null
  private readonly receive = (data: Buffer) => {
    this.text += data.toString('latin1')
    this.waiting?.()
  }

  constructor(
    private readonly link: SerialLink,
    private readonly timeoutMs: number,
  ) {
    link.on('data', this.receive)
  }

  send(command: string): Promise<void> {
    return writeAll(this.link, command)
  }

  clear(): void {
    this.text = ''
  }

  /** Sends a command and returns the board's answer up to `$$$`. */
  async command(command: string, silence: string): Promise<string> {
    this.clear()
    await this.send(command)
    const deadline = Date.now() + this.timeoutMs
    while (!this.text.includes(replyEnd)) {
      const left = deadline - Date.now()
      if (left <= 0) throw new EntrainError('NOT_AVAILABLE', silence)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiting = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      this.waiting = null
    }
    const reply = this.text.slice(0, this.text.indexOf(replyEnd) + replyEnd.length)
    this.text = this.text.slice(reply.length)
    return reply
  }

  /** A command whose answer only firmware v3 and later sends. */
  async maybeCommand(command: string, confirms: boolean): Promise<string> {
    if (confirms) return this.command(command, `the board on ${this.link.path} did not confirm the command "${command}"`)
    await this.send(command)
    await pause(unconfirmedCommandPauseMs)
    return ''
  }

  detach(): void {
    this.link.off('data', this.receive)
  }
}

function writeAll(link: SerialLink, data: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: Error) => reject(new EntrainError('IO_ERROR', `cannot write to ${link.path}: ${error.message}`))
    link.write(data, (error) => error && failed(error))
    link.drain((error) => (error ? failed(error) : resolve()))
  })
}

function pause(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds))
}
