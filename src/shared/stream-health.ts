/** Per-stream health for the Devices view and the CLI: rate, volume, gaps, clock offset. */
export interface StreamHealth {
  samplesReceived: number
  /** Samples per second over the last few seconds of LSL timestamps; null until two chunks came. */
  measuredRate: number | null
  /** Intervals between consecutive samples much longer than the nominal period. */
  gaps: number
  gapSeconds: number
  lastTimestamp: number | null
  /** Seconds to add to the stream's timestamps for the local LSL clock (latest measurement). */
  clockOffset: number | null
  /** Standard deviation of the recent offset measurements, seconds. */
  clockOffsetSpread: number | null
}

const rateWindowSeconds = 2
const offsetHistory = 12

/**
 * A gap is an interval longer than three nominal periods and 50 ms: long enough to ignore the
 * jitter of timestamps assigned per chunk, short enough to show a dropped second.
 */
export function gapThreshold(nominalSrate: number): number {
  return nominalSrate > 0 ? Math.max(3 / nominalSrate, 0.05) : Number.POSITIVE_INFINITY
}

export class HealthTracker {
  private samples = 0
  private gaps = 0
  private gapSeconds = 0
  private last: number | null = null
  /** (timestamp of a chunk's last sample, samples received up to it), oldest first. */
  private marks: [number, number][] = []
  private offsets: number[] = []
  private readonly threshold: number

  constructor(nominalSrate: number) {
    this.threshold = gapThreshold(nominalSrate)
  }

  addChunk(timestamps: ArrayLike<number>): void {
    if (timestamps.length === 0) return
    let previous = this.last
    for (let index = 0; index < timestamps.length; index++) {
      const timestamp = timestamps[index]!
      if (previous !== null && timestamp - previous > this.threshold) {
        this.gaps += 1
        this.gapSeconds += timestamp - previous
      }
      previous = timestamp
    }
    this.last = previous
    this.samples += timestamps.length
    this.marks.push([previous!, this.samples])
    while (this.marks.length > 2 && previous! - this.marks[1]![0] >= rateWindowSeconds) this.marks.shift()
  }

  addOffset(value: number): void {
    this.offsets.push(value)
    if (this.offsets.length > offsetHistory) this.offsets.shift()
  }

  snapshot(): StreamHealth {
    const first = this.marks[0]
    const latest = this.marks[this.marks.length - 1]
    const span = first && latest ? latest[0] - first[0] : 0
    const offset = this.offsets[this.offsets.length - 1] ?? null
    return {
      samplesReceived: this.samples,
      measuredRate: first && latest && span > 0 ? (latest[1] - first[1]) / span : null,
      gaps: this.gaps,
      gapSeconds: this.gapSeconds,
      lastTimestamp: this.last,
      clockOffset: offset,
      clockOffsetSpread: this.offsets.length >= 2 ? standardDeviation(this.offsets) : null,
    }
  }
}

function standardDeviation(values: number[]): number {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length
  return Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1))
}

/**
 * The dot beside a stream: off when it is offline, a warning when its measured rate is more than
 * 5 % from the nominal one or samples went missing, otherwise ok.
 */
export function healthLevel(online: boolean, nominalSrate: number, health: StreamHealth): 'ok' | 'warn' | 'off' {
  if (!online) return 'off'
  const { measuredRate } = health
  if (nominalSrate > 0 && measuredRate !== null && Math.abs(measuredRate - nominalSrate) / nominalSrate > 0.05) return 'warn'
  return health.gaps > 0 ? 'warn' : 'ok'
}
