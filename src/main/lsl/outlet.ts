import { EntrainError } from '../../shared/errors'
import type { NumericSamples } from '../../shared/xdf/types'
import { lsl, numericArrays, type NumericFormat, type Pointer } from './bindings'
import { createStreamInfo, type OutletDescription } from './streaminfo'

/** An LSL outlet: publishes chunks with explicit timestamps in the LSL clock. */
export class Outlet {
  private handle: Pointer | null
  private readonly info: Pointer
  readonly description: OutletDescription
  /** The stream's uid, which liblsl assigns anew to every outlet (a restarted source keeps its source id, not its uid). */
  readonly uid: string

  constructor(description: OutletDescription, maxBufferedSeconds = 360) {
    this.description = description
    const { fn } = lsl()
    this.info = createStreamInfo(description)
    this.handle = fn.createOutlet(this.info, 0, maxBufferedSeconds)
    if (!this.handle) throw new EntrainError('INTERNAL', `liblsl could not create the outlet ${description.name}`)
    const own = fn.getOutletInfo(this.handle)
    this.uid = lsl().readString(fn.getUid(own))
    fn.destroyStreamInfo(own)
  }

  /** Pushes `timestamps.length` samples; `values` is sample-major (or one string per channel per sample). */
  push(values: NumericSamples | string[], timestamps: Float64Array): void {
    const { fn } = lsl()
    const { channelCount, channelFormat } = this.description
    if (values.length !== timestamps.length * channelCount) {
      throw new EntrainError('INVALID_INPUT', `expected ${timestamps.length * channelCount} values, got ${values.length}`)
    }
    if (!this.handle || timestamps.length === 0) return
    const code =
      channelFormat === 'string'
        ? fn.pushChunkStrings(this.handle, values as string[], values.length, timestamps, 1)
        : fn.pushChunk[channelFormat as NumericFormat](this.handle, values, values.length, timestamps, 1)
    if (code !== 0) throw new EntrainError('INTERNAL', `liblsl push failed with code ${code}`)
  }

  /** A buffer of the right type for this outlet's numeric format. */
  allocate(samples: number): NumericSamples {
    const format = this.description.channelFormat
    if (format === 'string') throw new EntrainError('INVALID_INPUT', 'string outlets take string arrays')
    return new numericArrays[format](samples * this.description.channelCount)
  }

  hasConsumers(): boolean {
    return this.handle !== null && lsl().fn.haveConsumers(this.handle) !== 0
  }

  close(): void {
    if (!this.handle) return
    const { fn } = lsl()
    fn.destroyOutlet(this.handle)
    fn.destroyStreamInfo(this.info)
    this.handle = null
  }
}
