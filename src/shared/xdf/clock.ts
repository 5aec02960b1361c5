/**
 * Timestamp post-processing for XDF streams: clock synchronisation from the recorded clock offsets
 * and removal of per-sample jitter for regularly sampled streams.
 */

export interface LinearFit {
  intercept: number
  slope: number
}

export interface RobustFitOptions {
  /**
   * Residuals larger than this (seconds) count linearly instead of quadratically (Huber loss). The
   * default, 0.1 ms, is well above the sub-millisecond spread of good LSL offset measurements and
   * well below the spikes a busy network produces, so the spikes barely pull the line.
   */
  huberThreshold?: number
  maxIterations?: number
}

/** Least squares line through (x, y) with weights; a zero x spread gives a constant (slope 0). */
function weightedLine(x: ArrayLike<number>, y: ArrayLike<number>, w: ArrayLike<number>): LinearFit {
  let sw = 0
  let sx = 0
  let sy = 0
  for (let i = 0; i < x.length; i++) {
    const wi = w[i] ?? 0
    sw += wi
    sx += wi * (x[i] ?? 0)
    sy += wi * (y[i] ?? 0)
  }
  const mx = sx / sw
  const my = sy / sw
  let sxx = 0
  let sxy = 0
  for (let i = 0; i < x.length; i++) {
    const wi = w[i] ?? 0
    const dx = (x[i] ?? 0) - mx
    sxx += wi * dx * dx
    sxy += wi * dx * ((y[i] ?? 0) - my)
  }
  const slope = sxx > 0 ? sxy / sxx : 0
  return { intercept: my - slope * mx, slope }
}

/**
 * Fits `value ≈ intercept + slope * time` to a stream's clock offset measurements with a Huber-loss
 * regression (iteratively reweighted least squares), so occasional offset spikes from delayed
 * network round trips do not tilt the line. One measurement gives a constant, none gives zero.
 * Apply the result as `t + intercept + slope * t`.
 */
export function fitClockOffsets(times: ArrayLike<number>, values: ArrayLike<number>, options: RobustFitOptions = {}): LinearFit {
  const n = Math.min(times.length, values.length)
  if (n === 0) return { intercept: 0, slope: 0 }
  if (n === 1) return { intercept: values[0] ?? 0, slope: 0 }
  const threshold = options.huberThreshold ?? 1e-4
  const maxIterations = options.maxIterations ?? 200
  // Centre the times: LSL clocks count seconds since boot (1e5…1e7), and squaring them would cost
  // the precision needed for slopes of a few parts per million.
  let centre = 0
  for (let i = 0; i < n; i++) centre += times[i] ?? 0
  centre /= n
  const x = new Float64Array(n)
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    x[i] = (times[i] ?? 0) - centre
    y[i] = values[i] ?? 0
  }
  const weights = new Float64Array(n).fill(1)
  let fit = weightedLine(x, y, weights)
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    for (let i = 0; i < n; i++) {
      const residual = Math.abs((y[i] ?? 0) - fit.intercept - fit.slope * (x[i] ?? 0))
      weights[i] = residual <= threshold ? 1 : threshold / residual
    }
    const next = weightedLine(x, y, weights)
    const settled =
      Math.abs(next.intercept - fit.intercept) <= 1e-12 * Math.max(1, Math.abs(fit.intercept)) &&
      Math.abs(next.slope - fit.slope) * Math.max(1, Math.abs(x[0] ?? 0), Math.abs(x[n - 1] ?? 0)) <= 1e-12
    fit = next
    if (settled) break
  }
  return { intercept: fit.intercept - fit.slope * centre, slope: fit.slope }
}

/** Maps stream timestamps to the recorder's clock in place: `t + intercept + slope * t`. */
export function applyClockFit(timestamps: Float64Array, fit: LinearFit): void {
  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i] ?? 0
    timestamps[i] = t + fit.intercept + fit.slope * t
  }
}

/** Samples per second over the span of `timestamps`; 0 when it cannot be told (fewer than 2, no span). */
export function spanSrate(timestamps: ArrayLike<number>): number {
  const n = timestamps.length
  if (n < 2) return 0
  const span = (timestamps[n - 1] ?? 0) - (timestamps[0] ?? 0)
  return span > 0 ? (n - 1) / span : 0
}

export interface Segment {
  /** Index of the first sample. */
  first: number
  /** Index of the last sample (inclusive). */
  last: number
}

export interface DejitterResult {
  timestamps: Float64Array
  effectiveSrate: number
  segments: Segment[]
}

/**
 * Splits where consecutive timestamps are further apart than both `breakSeconds` and
 * `breakSamples` sample periods (a pause in the data, not jitter).
 */
export function findSegments(timestamps: ArrayLike<number>, nominalSrate: number, breakSeconds: number, breakSamples: number): Segment[] {
  const n = timestamps.length
  if (n === 0) return []
  const gap = Math.max(breakSeconds, nominalSrate > 0 ? breakSamples / nominalSrate : 0)
  const segments: Segment[] = []
  let first = 0
  for (let i = 1; i < n; i++) {
    if ((timestamps[i] ?? 0) - (timestamps[i - 1] ?? 0) > gap) {
      segments.push({ first, last: i - 1 })
      first = i
    }
  }
  segments.push({ first, last: n - 1 })
  return segments
}

/**
 * Replaces jittered timestamps of a regularly sampled stream by a least squares line
 * `t ≈ a + b * index` per segment. Irregular streams (nominal rate 0) are returned unchanged.
 * `effectiveSrate` is the sample-weighted rate of the fitted segments, i.e.
 * Σ(nᵢ − 1) / Σ(nᵢ − 1)·bᵢ, or the span rate when nothing could be fitted.
 */
export function dejitter(timestamps: ArrayLike<number>, nominalSrate: number, breakSeconds = 1, breakSamples = 500): DejitterResult {
  const result = Float64Array.from(timestamps)
  if (!(nominalSrate > 0)) return { timestamps: result, effectiveSrate: spanSrate(result), segments: findSegments(result, 0, Infinity, 0) }
  const segments = findSegments(result, nominalSrate, breakSeconds, breakSamples)
  let intervals = 0
  let duration = 0
  for (const segment of segments) {
    const count = segment.last - segment.first + 1
    if (count < 2) continue
    const step = fitSegment(result, segment)
    intervals += count - 1
    duration += (count - 1) * step
  }
  return { timestamps: result, effectiveSrate: duration > 0 ? intervals / duration : spanSrate(result), segments }
}

/** Fits and overwrites one segment in place; returns the fitted seconds per sample. */
function fitSegment(timestamps: Float64Array, { first, last }: Segment): number {
  const count = last - first + 1
  // Relative to the first timestamp so the sums keep sub-microsecond precision.
  const origin = timestamps[first] ?? 0
  const meanIndex = (count - 1) / 2
  let meanTime = 0
  for (let k = 0; k < count; k++) meanTime += (timestamps[first + k] ?? 0) - origin
  meanTime /= count
  let sxy = 0
  let sxx = 0
  for (let k = 0; k < count; k++) {
    const dk = k - meanIndex
    sxy += dk * ((timestamps[first + k] ?? 0) - origin - meanTime)
    sxx += dk * dk
  }
  const step = sxy / sxx
  for (let k = 0; k < count; k++) timestamps[first + k] = origin + meanTime + step * (k - meanIndex)
  return step
}
