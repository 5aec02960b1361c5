/**
 * IIR filters as cascades of second-order sections (biquads). The designs are bilinear transforms
 * with the edge frequency pre-warped (the RBJ "audio EQ cookbook" forms), so an edge lands exactly
 * where it is asked for at any sample rate.
 */

/** One section y = (b0 + b1·z⁻¹ + b2·z⁻²) / (1 + a1·z⁻¹ + a2·z⁻²) · x, normalised so that a0 = 1. */
export interface BiquadSection {
  readonly b0: number
  readonly b1: number
  readonly b2: number
  readonly a1: number
  readonly a2: number
}

function section(b0: number, b1: number, b2: number, a0: number, a1: number, a2: number): BiquadSection {
  return { b0: b0 / a0, b1: b1 / a0, b2: b2 / a0, a1: a1 / a0, a2: a2 / a0 }
}

/** The edge as a digital angular frequency in (0, π); anything at or beyond Nyquist cannot be designed. */
function angularFrequency(frequency: number, sampleRate: number, what: string): number {
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) throw new RangeError(`sample rate must be a positive number, got ${sampleRate}`)
  if (!(frequency > 0 && frequency < sampleRate / 2)) {
    throw new RangeError(`${what} must lie between 0 and the Nyquist frequency (${sampleRate / 2} Hz), got ${frequency}`)
  }
  return (2 * Math.PI * frequency) / sampleRate
}

function assertOrder(order: number): void {
  if (!Number.isInteger(order) || order < 1) throw new RangeError(`filter order must be a positive integer, got ${order}`)
}

/** A notch (band-stop) at `frequency` whose −3 dB width is frequency/q. */
export function notchSections(frequency: number, sampleRate: number, q = 30): BiquadSection[] {
  if (!(q > 0)) throw new RangeError(`notch q must be positive, got ${q}`)
  const w0 = angularFrequency(frequency, sampleRate, 'notch frequency')
  const alpha = Math.sin(w0) / (2 * q)
  const cos = Math.cos(w0)
  return [section(1, -2 * cos, 1, 1 + alpha, -2 * cos, 1 - alpha)]
}

/**
 * Quality factors of the conjugate pole pairs of an analogue Butterworth filter of this order: the
 * poles sit evenly on the unit circle, and a pair at angle θ from the negative real axis has
 * Q = 1/(2·cos θ). An odd order leaves one real pole, which becomes a first-order section.
 */
function butterworthPoleQs(order: number): number[] {
  const qs: number[] = []
  for (let k = 1; k <= Math.floor(order / 2); k++) qs.push(-1 / (2 * Math.cos(((2 * k + order - 1) * Math.PI) / (2 * order))))
  return qs
}

/** Butterworth low-pass of any order ≥ 1, −3 dB at `cutoff`. */
export function butterworthLowpassSections(cutoff: number, sampleRate: number, order: number): BiquadSection[] {
  assertOrder(order)
  const w0 = angularFrequency(cutoff, sampleRate, 'low-pass cutoff')
  const cos = Math.cos(w0)
  const sections = butterworthPoleQs(order).map((q) => {
    const alpha = Math.sin(w0) / (2 * q)
    return section((1 - cos) / 2, 1 - cos, (1 - cos) / 2, 1 + alpha, -2 * cos, 1 - alpha)
  })
  if (order % 2 === 1) {
    const k = Math.tan(w0 / 2)
    sections.push(section(k, k, 0, k + 1, k - 1, 0))
  }
  return sections
}

/** Butterworth high-pass of any order ≥ 1, −3 dB at `cutoff`. */
export function butterworthHighpassSections(cutoff: number, sampleRate: number, order: number): BiquadSection[] {
  assertOrder(order)
  const w0 = angularFrequency(cutoff, sampleRate, 'high-pass cutoff')
  const cos = Math.cos(w0)
  const sections = butterworthPoleQs(order).map((q) => {
    const alpha = Math.sin(w0) / (2 * q)
    return section((1 + cos) / 2, -(1 + cos), (1 + cos) / 2, 1 + alpha, -2 * cos, 1 - alpha)
  })
  if (order % 2 === 1) {
    const k = Math.tan(w0 / 2)
    sections.push(section(1, -1, 0, k + 1, k - 1, 0))
  }
  return sections
}

/**
 * Band-pass as a Butterworth high-pass at `low` followed by a Butterworth low-pass at `high`, each of
 * `order` (so the default 4 gives 24 dB/octave skirts on both sides, like scipy's butter(4, …, 'bandpass')).
 */
export function bandpassSections(low: number, high: number, sampleRate: number, order = 4): BiquadSection[] {
  if (!(low < high)) throw new RangeError(`band-pass needs low < high, got ${low} and ${high}`)
  return [...butterworthHighpassSections(low, sampleRate, order), ...butterworthLowpassSections(high, sampleRate, order)]
}

/** |H| of the cascade at `frequency` (linear, not dB); for checks and for drawing a filter's response. */
export function magnitudeResponse(sections: readonly BiquadSection[], frequency: number, sampleRate: number): number {
  const w = (2 * Math.PI * frequency) / sampleRate
  const c1 = Math.cos(w)
  const s1 = Math.sin(w)
  const c2 = Math.cos(2 * w)
  const s2 = Math.sin(2 * w)
  let gain = 1
  for (const { b0, b1, b2, a1, a2 } of sections) {
    // Evaluated at z⁻¹ = e^(−iw): real and imaginary parts of numerator and denominator.
    const nr = b0 + b1 * c1 + b2 * c2
    const ni = -(b1 * s1 + b2 * s2)
    const dr = 1 + a1 * c1 + a2 * c2
    const di = -(a1 * s1 + a2 * s2)
    gain *= Math.hypot(nr, ni) / Math.hypot(dr, di)
  }
  return gain
}

const coefficientsPerSection = 5

function packCoefficients(sections: readonly BiquadSection[]): Float64Array {
  const packed = new Float64Array(sections.length * coefficientsPerSection)
  sections.forEach(({ b0, b1, b2, a1, a2 }, s) => packed.set([b0, b1, b2, a1, a2], s * coefficientsPerSection))
  return packed
}

/**
 * Runs one section (direct form II transposed) over buffer[0…length) in place, starting from and
 * updating the two state values at state[stateOffset…+2).
 */
function runSection(coefficients: Float64Array, s: number, state: Float64Array, stateOffset: number, buffer: Float64Array, length: number): void {
  const c = s * coefficientsPerSection
  const b0 = coefficients[c]!
  const b1 = coefficients[c + 1]!
  const b2 = coefficients[c + 2]!
  const a1 = coefficients[c + 3]!
  const a2 = coefficients[c + 4]!
  let z1 = state[stateOffset]!
  let z2 = state[stateOffset + 1]!
  for (let i = 0; i < length; i++) {
    const x = buffer[i]!
    const y = b0 * x + z1
    z1 = b1 * x - a1 * y + z2
    z2 = b2 * x - a2 * y
    buffer[i] = y
  }
  state[stateOffset] = z1
  state[stateOffset + 1] = z2
}

/**
 * A cascade of sections applied to every channel of interleaved (sample-major) chunks, keeping each
 * channel's filter state between chunks: filtering a stream chunk by chunk gives exactly the same
 * samples as filtering it in one piece. Each channel is filtered in double precision and rounded to
 * Float32 only on output.
 */
export class FilterChain {
  readonly channelCount: number
  readonly sectionCount: number
  private readonly coefficients: Float64Array
  /** Two values per section per channel: state[(channel·sectionCount + section)·2 …]. */
  private readonly state: Float64Array
  private scratch = new Float64Array(0)

  constructor(sections: readonly BiquadSection[], channelCount: number) {
    if (!Number.isInteger(channelCount) || channelCount < 1) throw new RangeError(`channel count must be a positive integer, got ${channelCount}`)
    this.channelCount = channelCount
    this.sectionCount = sections.length
    this.coefficients = packCoefficients(sections)
    this.state = new Float64Array(channelCount * sections.length * 2)
  }

  /**
   * Filters the next chunk of the stream. Writes into `output`, a new array unless one is given;
   * passing `interleaved` itself filters in place. Returns `output`.
   */
  process(interleaved: Float32Array, output: Float32Array = new Float32Array(interleaved.length)): Float32Array {
    const { channelCount } = this
    if (interleaved.length % channelCount !== 0) {
      throw new RangeError(`chunk of ${interleaved.length} values is not a whole number of ${channelCount}-channel samples`)
    }
    if (output.length !== interleaved.length) throw new RangeError(`output length ${output.length} differs from input length ${interleaved.length}`)
    const frames = interleaved.length / channelCount
    if (this.scratch.length < frames) this.scratch = new Float64Array(frames)
    const scratch = this.scratch
    for (let channel = 0; channel < channelCount; channel++) {
      for (let i = 0, j = channel; i < frames; i++, j += channelCount) scratch[i] = interleaved[j]!
      for (let s = 0; s < this.sectionCount; s++) runSection(this.coefficients, s, this.state, (channel * this.sectionCount + s) * 2, scratch, frames)
      for (let i = 0, j = channel; i < frames; i++, j += channelCount) output[j] = scratch[i]!
    }
    return output
  }

  /** Forgets the past, e.g. after a gap in the stream or a change of stream. */
  reset(): void {
    this.state.fill(0)
  }
}

/**
 * The state each section would have after a long constant input `level`: starting there instead of
 * at zero avoids the step response a sudden jump from 0 to the first sample would cause.
 */
function steadyState(coefficients: Float64Array, sectionCount: number, level: number): Float64Array {
  const state = new Float64Array(sectionCount * 2)
  let input = level
  for (let s = 0; s < sectionCount; s++) {
    const c = s * coefficientsPerSection
    const b0 = coefficients[c]!
    const b2 = coefficients[c + 2]!
    const a2 = coefficients[c + 4]!
    const dcGain = (b0 + coefficients[c + 1]! + b2) / (1 + coefficients[c + 3]! + a2)
    const output = input * dcGain
    state[2 * s] = output - b0 * input
    state[2 * s + 1] = b2 * input - a2 * output
    input = output
  }
  return state
}

function filterFromSteadyState(coefficients: Float64Array, sectionCount: number, buffer: Float64Array): void {
  const state = steadyState(coefficients, sectionCount, buffer[0]!)
  for (let s = 0; s < sectionCount; s++) runSection(coefficients, s, state, 2 * s, buffer, buffer.length)
}

/**
 * Point-symmetric ("odd") reflection at both ends, as scipy's default padtype: the padding continues
 * the signal's value and slope, so the edges add no step.
 */
function oddExtension(signal: ArrayLike<number>, padLength: number): Float64Array {
  const n = signal.length
  const extended = new Float64Array(n + 2 * padLength)
  const first = signal[0]!
  const last = signal[n - 1]!
  for (let i = 0; i < padLength; i++) {
    extended[padLength - 1 - i] = 2 * first - signal[i + 1]!
    extended[padLength + n + i] = 2 * last - signal[n - 2 - i]!
  }
  for (let i = 0; i < n; i++) extended[padLength + i] = signal[i]!
  return extended
}

/**
 * Zero-phase filtering of one channel: forwards, then backwards, so the magnitude response is |H|²
 * and nothing is delayed. As scipy's sosfiltfilt: both ends are padded by odd reflection of
 * 3·(2·sections + 1) samples (fewer if the signal is shorter), and each pass starts from the steady
 * state for its first sample. With very low high-pass edges the padding is short compared with the
 * filter's memory, so keep some signal to discard at the edges.
 */
export function filtfilt(sections: readonly BiquadSection[], signal: Float64Array | Float32Array): Float64Array {
  const n = signal.length
  if (n === 0) return new Float64Array(0)
  const padLength = Math.min(3 * (2 * sections.length + 1), n - 1)
  const coefficients = packCoefficients(sections)
  const extended = oddExtension(signal, padLength)
  filterFromSteadyState(coefficients, sections.length, extended)
  extended.reverse()
  filterFromSteadyState(coefficients, sections.length, extended)
  extended.reverse()
  return extended.slice(padLength, padLength + n)
}
