import { EntrainError } from '../../shared/errors'
import type { ChannelFormat, NumericSamples } from '../../shared/xdf/types'
import { formatNames, lsl, lslErrors, numericArrays, type NumericFormat, type Pointer } from './bindings'

export interface InletOptions {
  maxBufferSeconds?: number
  /** Samples one pull can return. */
  chunkCapacity?: number
}

export interface PulledChunk {
  sampleCount: number
  /** Views into the inlet's buffers: valid until the next pull; copy what you keep. */
  timestamps: Float64Array
  values: NumericSamples | string[]
}

/**
 * A synchronous LSL inlet with preallocated pull buffers. Its calls block for up to their timeout,
 * so it lives in a worker thread (inlet-worker.ts), never on the main event loop.
 */
export class Inlet {
  private handle: Pointer | null
  private readonly info: Pointer
  private readonly errorCode = [0]
  private readonly timestampBuffer: Float64Array
  private readonly valueBuffer: NumericSamples | Pointer[]
  readonly channelCount: number
  readonly channelFormat: ChannelFormat

  /**
   * Finds the stream with this uid and opens an inlet to it. The stream info has to come from a
   * resolve in this thread: one passed as XML loses the address the resolver learned (liblsl 1.12).
   */
  static resolve(uid: string, timeout: number, options: InletOptions = {}): Inlet {
    const { fn } = lsl()
    const found: Pointer[] = [null]
    if (!/^[\w-]+$/.test(uid)) throw new EntrainError('INVALID_INPUT', `not a stream uid: ${uid}`)
    if (fn.resolveByPredicate(found, 1, `uid='${uid}'`, 1, timeout) < 1) {
      throw new EntrainError('NOT_FOUND', `the stream ${uid} is gone`, { lsl: 'lost' })
    }
    return new Inlet(found[0], options)
  }

  /** Takes ownership of `info`. */
  constructor(info: Pointer, options: InletOptions = {}) {
    const { fn } = lsl()
    this.info = info
    this.channelCount = fn.getChannelCount(this.info)
    const srate = fn.getNominalSrate(this.info)
    const format = fn.getChannelFormat(this.info)
    const channelFormat = formatNames[format]
    if (!channelFormat) throw new EntrainError('INVALID_INPUT', `unsupported LSL channel format ${format}`)
    this.channelFormat = channelFormat
    // Without recovery, a vanished source ends the inlet; the stream service opens a new one on return.
    this.handle = fn.createInlet(this.info, options.maxBufferSeconds ?? 360, 0, 0)
    if (!this.handle) throw new EntrainError('INTERNAL', 'liblsl could not create an inlet')
    const capacity = options.chunkCapacity ?? Math.max(1024, Math.ceil(srate * 0.5))
    this.timestampBuffer = new Float64Array(capacity)
    this.valueBuffer =
      this.channelFormat === 'string'
        ? new Array<Pointer>(capacity * this.channelCount).fill(null)
        : new numericArrays[this.channelFormat as NumericFormat](capacity * this.channelCount)
  }

  /** The full stream info (with `<desc>`) as XML. */
  fullInfoXml(timeout: number): string {
    const { fn, takeString } = lsl()
    const info = fn.getFullInfo(this.live(), timeout, this.errorCode)
    this.check('get the stream info')
    const xml = takeString(fn.getXml(info))
    fn.destroyStreamInfo(info)
    return xml
  }

  open(timeout: number): void {
    lsl().fn.openStream(this.live(), timeout, this.errorCode)
    this.check('open the stream')
  }

  /** Pulls what is available (waiting up to `timeout` for the first sample). Throws LOST when the source is gone. */
  pull(timeout: number): PulledChunk {
    const { fn, takeString } = lsl()
    const capacity = this.timestampBuffer.length
    let elements: number
    let values: NumericSamples | string[]
    if (this.channelFormat === 'string') {
      const pointers = this.valueBuffer as Pointer[]
      elements = Number(fn.pullChunkStrings(this.live(), pointers, this.timestampBuffer, pointers.length, capacity, timeout, this.errorCode))
      values = pointers.slice(0, elements).map((pointer) => takeString(pointer))
    } else {
      const buffer = this.valueBuffer as NumericSamples
      const pull = fn.pullChunk[this.channelFormat as NumericFormat]
      elements = Number(pull(this.live(), buffer, this.timestampBuffer, buffer.length, capacity, timeout, this.errorCode))
      values = buffer.subarray(0, elements) as NumericSamples
    }
    // A pull that waited and got nothing is not an error: the stream is merely quiet.
    this.check('pull samples', true)
    const sampleCount = elements / this.channelCount
    return { sampleCount, timestamps: this.timestampBuffer.subarray(0, sampleCount), values }
  }

  /**
   * The offset to add to this stream's timestamps to bring them into the local LSL clock. Runs on
   * a libuv thread (liblsl inlets may be used from several threads), so pulls go on meanwhile.
   */
  timeCorrectionAsync(timeout: number): Promise<number> {
    const errorCode = [0]
    return new Promise((resolve, reject) => {
      lsl().fn.timeCorrection.async(this.live(), timeout, errorCode, (error: Error | null, offset: number) => {
        if (error) return reject(error)
        const code = errorCode[0]
        if (code === lslErrors.timeout) return reject(new EntrainError('NOT_AVAILABLE', 'timed out measuring the clock offset', { lsl: 'timeout' }))
        if (code === lslErrors.lost) return reject(new EntrainError('NOT_FOUND', 'the stream was lost', { lsl: 'lost' }))
        if (code) return reject(new EntrainError('INTERNAL', `liblsl error ${code} measuring the clock offset`))
        resolve(offset)
      })
    })
  }

  close(): void {
    if (!this.handle) return
    const { fn } = lsl()
    fn.destroyInlet(this.handle)
    fn.destroyStreamInfo(this.info)
    this.handle = null
  }

  private live(): Pointer {
    if (!this.handle) throw new EntrainError('INTERNAL', 'inlet is closed')
    return this.handle
  }

  private check(action: string, timeoutIsFine = false): void {
    const code = this.errorCode[0]
    this.errorCode[0] = 0
    if (!code || (code === lslErrors.timeout && timeoutIsFine)) return
    if (code === lslErrors.timeout) throw new EntrainError('NOT_AVAILABLE', `timed out trying to ${action}`, { lsl: 'timeout' })
    if (code === lslErrors.lost) throw new EntrainError('NOT_FOUND', `the stream was lost while trying to ${action}`, { lsl: 'lost' })
    throw new EntrainError('INTERNAL', `liblsl error ${code} trying to ${action}`)
  }
}
