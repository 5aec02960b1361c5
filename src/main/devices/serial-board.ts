import { existsSync } from 'node:fs'
import path from 'node:path'
import { SerialPort } from 'serialport'
import type { SerialBoardHealth, SerialBoardStatus } from '../../shared/contract'
import { EntrainError } from '../../shared/errors'
import type { DecoderStats } from '../../shared/openbci/decoder'
import { accelerometerChannels, baudRate, boards, defaultChannelLabels, defaultGain, type BoardKind, type Gain } from '../../shared/openbci/protocol'
import { localClock, lsl } from '../lsl/bindings'
import { Outlet } from '../lsl/outlet'
import type { OutletDescription } from '../lsl/streaminfo'
import { CytonDriver, type SerialLink } from './openbci'

export interface SerialBoardOptions {
  path: string
  board: BoardKind
  /** LSL stream name (default `OpenBCI-<board>-<port>`). */
  name?: string
  gain?: Gain
  /** EEG channel labels (default EEG1…); the accelerometer's follow. */
  labels?: string[]
  replyTimeoutMs?: number
  /** Called on every change of state; health changes are read with `status()`. */
  onChange?: (status: SerialBoardStatus) => void
}

/** How often a vanished port is looked for. */
const portPollMs = 500
/**
 * Samples pushed just before an unplug are still on their way to the inlets; the outlet stays a
 * moment longer so that they arrive, and so that a short glitch does not end the stream at all.
 */
const outletLingerMs = 1000
/**
 * A returning stream is a new outlet, and LSL hands an inlet only what is pushed after it connects:
 * when the old stream had consumers (a recording), the board starts once they are back, so that
 * they miss nothing it sends, or after this long without them.
 */
const consumersReturnMs = 15_000

const zeroStats: DecoderStats = { packets: 0, samples: 0, drops: 0, resyncs: 0, discardedBytes: 0 }

/**
 * One OpenBCI board as an LSL outlet. When the port vanishes (unplugged) the stream ends, so that
 * LSL consumers and recordings mark it disconnected; the board is looked for until the port returns,
 * then prepared again and published under the same source id, so a recording continues it.
 */
export class SerialBoard {
  readonly path: string
  readonly board: BoardKind
  readonly name: string
  private readonly gain: Gain
  private readonly labels: string[]
  private driver: CytonDriver | null = null
  private outlet: Outlet | null = null
  private outletCloser: NodeJS.Timeout | null = null
  private pollTimer: NodeJS.Timeout | null = null
  private state: SerialBoardStatus['state'] = 'connecting'
  private problem: string | null = null
  private firmware: string | null = null
  private totals: DecoderStats = { ...zeroStats }
  private reconnects = 0
  private pushed = 0
  private closed = false
  /** The stream had consumers when its port vanished. */
  private awaitConsumers = false

  private constructor(private readonly options: SerialBoardOptions) {
    this.path = options.path
    this.board = options.board
    this.name = options.name ?? `OpenBCI-${options.board}-${path.basename(options.path)}`
    this.gain = options.gain ?? defaultGain
    const spec = boards[options.board]
    const eegLabels = options.labels ?? defaultChannelLabels(spec).slice(0, spec.eegChannels)
    if (eegLabels.length !== spec.eegChannels) {
      throw new EntrainError('INVALID_INPUT', `labels: a ${spec.model} has ${spec.eegChannels} EEG channels, ${eegLabels.length} labels were given`)
    }
    this.labels = [...eegLabels, ...accelerometerChannels]
  }

  /** Connects and starts streaming; fails with a clear error (within the reply timeout) if the board does not answer. */
  static async open(options: SerialBoardOptions): Promise<SerialBoard> {
    lsl() // without liblsl there is nothing to publish to: say so before touching the board
    const board = new SerialBoard(options)
    try {
      await board.connect()
    } catch (error) {
      await board.close()
      throw error
    }
    return board
  }

  get sourceId(): string {
    return `openbci-${this.board}-${this.path}`
  }

  status(): SerialBoardStatus {
    const spec = boards[this.board]
    return {
      path: this.path,
      board: this.board,
      name: this.name,
      state: this.state,
      problem: this.problem,
      firmware: this.firmware,
      channelCount: this.labels.length,
      rate: spec.sampleRate,
      gain: this.gain,
      health: this.health(),
    }
  }

  health(): SerialBoardHealth {
    const current = this.driver?.stats() ?? zeroStats
    return {
      packets: this.totals.packets + current.packets,
      samples: this.totals.samples + current.samples,
      drops: this.totals.drops + current.drops,
      resyncs: this.totals.resyncs + current.resyncs,
      discardedBytes: this.totals.discardedBytes + current.discardedBytes,
      reconnects: this.reconnects,
      pushed: this.pushed,
    }
  }

  /** Stops the board, closes the port and ends the stream. */
  async close(): Promise<void> {
    this.closed = true
    if (this.pollTimer) clearTimeout(this.pollTimer)
    await this.retireDriver()
    this.closeOutlet()
    this.setState('stopped', null)
  }

  private async connect(): Promise<void> {
    const link = await openLink(this.path)
    try {
      const driver = await CytonDriver.connect(link, {
        board: this.board,
        gain: this.gain,
        replyTimeoutMs: this.options.replyTimeoutMs,
        clock: localClock,
        onSamples: ({ values, timestamps }) => {
          this.outlet?.push(values, timestamps)
          this.pushed += timestamps.length
        },
        onLost: (reason) => void this.lost(reason),
      })
      if (this.closed) {
        await driver.close()
        return
      }
      this.firmware = driver.banner.firmware
      this.openOutlet()
      this.driver = driver
      if (this.awaitConsumers) await this.consumersBack()
      this.awaitConsumers = false
      await driver.start()
      this.setState('streaming', null)
    } catch (error) {
      if (link.isOpen) await new Promise<void>((resolve) => link.close(() => resolve()))
      throw error
    }
  }

  private async lost(reason: string): Promise<void> {
    if (this.closed) return
    await this.retireDriver()
    this.awaitConsumers = this.outlet?.hasConsumers() ?? false
    this.setState('waiting', `${reason}; waiting for the port to return`)
    this.outletCloser = setTimeout(() => this.closeOutlet(), outletLingerMs)
    this.schedulePoll()
  }

  private schedulePoll(): void {
    this.pollTimer = setTimeout(() => void this.poll(), portPollMs)
  }

  private async poll(): Promise<void> {
    this.pollTimer = null
    if (this.closed) return
    if (!existsSync(this.path)) return this.schedulePoll()
    this.setState('connecting', this.problem)
    try {
      await this.connect()
      this.reconnects += 1
    } catch (error) {
      if (this.closed) return
      this.setState('waiting', `${(error as Error).message}; trying again`)
      this.schedulePoll()
    }
  }

  private async consumersBack(): Promise<void> {
    this.setState('connecting', 'waiting for the stream\'s consumers (recordings) to reconnect before streaming')
    const deadline = Date.now() + consumersReturnMs
    while (!this.closed && !this.outlet?.hasConsumers() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
  }

  /** Keeps what the driver counted, then lets it go. */
  private async retireDriver(): Promise<void> {
    const driver = this.driver
    this.driver = null
    if (!driver) return
    const stats = driver.stats()
    for (const key of Object.keys(stats) as (keyof DecoderStats)[]) this.totals[key] += stats[key]
    await driver.close()
  }

  private openOutlet(): void {
    if (this.outletCloser) clearTimeout(this.outletCloser)
    this.outletCloser = null
    if (this.outlet) return
    this.outlet = new Outlet(this.description())
  }

  private closeOutlet(): void {
    if (this.outletCloser) clearTimeout(this.outletCloser)
    this.outletCloser = null
    this.outlet?.close()
    this.outlet = null
  }

  private description(): OutletDescription {
    const spec = boards[this.board]
    const eegCount = spec.eegChannels
    return {
      name: this.name,
      type: 'EEG',
      channelCount: this.labels.length,
      nominalSrate: spec.sampleRate,
      channelFormat: 'float32',
      sourceId: this.sourceId,
      channels: this.labels.map((label, index) =>
        index < eegCount ? { label, unit: 'microvolts', type: 'EEG' } : { label, unit: 'g', type: 'ACC' },
      ),
      extra: {
        manufacturer: 'OpenBCI',
        model: spec.model,
        serial_port: this.path,
        firmware: this.firmware ?? 'unknown (before v2)',
        gain: String(this.gain),
      },
    }
  }

  private setState(state: SerialBoardStatus['state'], problem: string | null): void {
    this.state = state
    this.problem = problem
    this.options.onChange?.(this.status())
  }
}

function openLink(portPath: string): Promise<SerialLink> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path: portPath, baudRate, autoOpen: false })
    // A write to a port that was just unplugged fails (EIO); the write's own callback reports it,
    // and the port's close event says it is gone: the stream's error event must not crash the process.
    port.on('error', () => {})
    port.open((error) => {
      if (!error) return resolve(port)
      const code = (error as NodeJS.ErrnoException).code
      const reason = /ENOENT|no such file/i.test(`${code} ${error.message}`)
        ? 'there is no such port (see the list of serial ports)'
        : /EACCES|permission/i.test(`${code} ${error.message}`)
          ? 'permission denied (on Linux, add yourself to the dialout group)'
          : error.message
      reject(new EntrainError(/ENOENT|no such file/i.test(`${code} ${error.message}`) ? 'NOT_FOUND' : 'NOT_AVAILABLE', `cannot open ${portPath}: ${reason}`))
    })
  })
}
