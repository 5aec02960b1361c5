/**
 * Timestamps for a board that numbers its samples, from those numbers and the times the data
 * arrived. USB serial adapters deliver bytes in bursts (an FTDI chip holds them up to 16 ms), so an
 * arrival time is the sample time plus a delay that is small only now and then. The earliest
 * arrival of each block of samples is close to that small delay; a line through those minima, over
 * the last half minute, gives the board's sample period (its crystal drifts from the nominal rate)
 * and the offset to the local clock. Every sample is then stamped on that line: regular, immune to
 * bursts, and never later than its own arrival.
 */

export interface CounterClockOptions {
  /** Samples per second, nominal. */
  rate: number
  /** Seconds of samples whose earliest arrival is one point of the line. */
  blockSeconds?: number
  /** Blocks the line is fitted through. */
  blocks?: number
  /** Least delay from a sample to its arrival that is known (serial transmission of its packet). */
  transportSeconds?: number
}

interface Point {
  index: number
  offset: number
}

export class CounterClock {
  private readonly period: number
  private readonly blockSamples: number
  private readonly maxPoints: number
  private readonly transport: number
  private block: number | null = null
  private blockMinimum: Point = { index: 0, offset: Number.POSITIVE_INFINITY }
  private readonly points: Point[] = []
  private line: { intercept: number; slope: number } | null = null
  private lowestOffset = Number.POSITIVE_INFINITY
  private previous: number | null = null
  private newest: { index: number; arrival: number } | null = null

  constructor(options: CounterClockOptions) {
    this.period = 1 / options.rate
    this.blockSamples = Math.max(1, Math.round(options.rate * (options.blockSeconds ?? 1)))
    this.maxPoints = options.blocks ?? 30
    this.transport = options.transportSeconds ?? 0
  }

  /** Takes note that sample `index` (increasing; gaps for lost samples) had arrived by `arrival`. */
  observe(index: number, arrival: number): void {
    const offset = arrival - index * this.period
    const block = Math.floor(index / this.blockSamples)
    if (block !== this.block) {
      if (this.block !== null) this.closeBlock()
      this.block = block
      this.blockMinimum = { index, offset }
    } else if (offset < this.blockMinimum.offset) {
      this.blockMinimum = { index, offset }
    }
    this.lowestOffset = Math.min(this.lowestOffset, offset)
    this.newest = { index, arrival }
  }

  /**
   * The time of sample `index`, at or before the newest observed sample (observe the newest of
   * the samples that arrived together first: it carries the least delay of them all).
   */
  stamp(index: number): number {
    const newest = this.newest
    if (!newest || index > newest.index) throw new RangeError(`sample ${index} has not been observed`)
    const fitted = this.line ? this.line.intercept + this.line.slope * index : this.lowestOffset
    // A sample was taken before its packet left, and whole periods before the newest sample.
    const latest = newest.arrival - (newest.index - index) * this.period - this.transport
    let time = Math.min(index * this.period + fitted - this.transport, latest)
    // When the line moves down (a new, smaller delay), close ranks over a few samples instead of
    // stepping back in time.
    if (this.previous !== null && time <= this.previous) time = Math.min(this.previous + this.period / 2, (this.previous + Math.max(latest, this.previous)) / 2)
    this.previous = time
    return time
  }

  private closeBlock(): void {
    this.points.push(this.blockMinimum)
    if (this.points.length > this.maxPoints) this.points.shift()
    if (this.points.length >= 2) this.line = fitLine(this.points)
  }
}

/** Least-squares line offset = intercept + slope · index, centred so large indices keep precision. */
function fitLine(points: Point[]): { intercept: number; slope: number } {
  const n = points.length
  const meanIndex = points.reduce((sum, point) => sum + point.index, 0) / n
  const meanOffset = points.reduce((sum, point) => sum + point.offset, 0) / n
  let sxx = 0
  let sxy = 0
  for (const point of points) {
    sxx += (point.index - meanIndex) ** 2
    sxy += (point.index - meanIndex) * (point.offset - meanOffset)
  }
  const slope = sxx > 0 ? sxy / sxx : 0
  return { intercept: meanOffset - slope * meanIndex, slope }
}
