/**
 * Band-limited sample-rate conversion with a Kaiser-windowed sinc kernel.
 *
 * Every output sample j is the input convolved with the kernel centred on the input instant
 * j·from/to, so the kernel's delay is compensated by construction: an event at input time t comes
 * out at output time t. The cutoff sits just below the Nyquist frequency of the lower of the two
 * rates, with the transition band ending exactly there, so nothing aliases. Samples beyond both
 * ends of the input count as silence.
 *
 * The kernel is tabulated once per converter as a polyphase table: for integer rates whose reduced
 * ratio L/M has L ≤ maxExactPhases (44100→48000 is 160/147) the output instants fall on exactly L
 * phases and the table holds each of them; any other ratio is served by a fine table of
 * interpolationPhases phases, linearly interpolated between neighbouring phases.
 */

export interface ResampleOptions {
  /**
   * Half the kernel length, counted in samples of the lower rate (zero crossings on each side).
   * Longer kernels narrow the transition band. Default 64.
   */
  halfLength?: number
  /** Stop-band attenuation in dB that the Kaiser window is designed for, 50…200. Default 100. */
  stopbandDb?: number
}

const resampleDefaults = { halfLength: 64, stopbandDb: 100 } as const

const maxExactPhases = 4096
/** Linear interpolation between phases this fine keeps the kernel error below −120 dB. */
const interpolationPhases = 2048

export type Resampler = (samples: Float32Array) => Float32Array

function assertRate(rate: number, what: string): void {
  if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError(`${what} must be a positive number, got ${rate}`)
}

function validated(options: ResampleOptions): Required<ResampleOptions> {
  const halfLength = options.halfLength ?? resampleDefaults.halfLength
  const stopbandDb = options.stopbandDb ?? resampleDefaults.stopbandDb
  if (!Number.isInteger(halfLength) || halfLength < 8 || halfLength > 1024) throw new RangeError(`resampler half-length must be an integer in 8…1024, got ${halfLength}`)
  if (!(stopbandDb >= 50 && stopbandDb <= 200)) throw new RangeError(`resampler stop-band attenuation must be 50…200 dB, got ${stopbandDb}`)
  return { halfLength, stopbandDb }
}

/** Modified Bessel function of the first kind, order 0, by its power series. */
function besselI0(x: number): number {
  const quarterSquare = (x * x) / 4
  let term = 1
  let sum = 1
  for (let k = 1; term > sum * 1e-17; k++) {
    term *= quarterSquare / (k * k)
    sum += term
  }
  return sum
}

/**
 * The continuous kernel, with τ in input samples. Its integral is 1, so DC passes at unit gain.
 * `scale` = min(1, to/from) stretches it when downsampling so that the cutoff follows the output's
 * Nyquist frequency.
 */
function kernel(scale: number, { halfLength, stopbandDb }: Required<ResampleOptions>): { evaluate: (tau: number) => number; reach: number } {
  // Kaiser's design rules: the window's β for the attenuation, and the transition width (in cycles
  // per low-rate sample) that this length and attenuation allow. The transition band ends at Nyquist.
  const beta = 0.1102 * (stopbandDb - 8.7)
  const transition = (stopbandDb - 7.95) / (14.36 * 2 * halfLength)
  const cutoff = scale * (1 - transition)
  const reach = halfLength / scale
  const windowNorm = besselI0(beta)
  const evaluate = (tau: number): number => {
    const u = tau / reach
    if (Math.abs(u) > 1) return 0
    const window = besselI0(beta * Math.sqrt(1 - u * u)) / windowNorm
    const x = Math.PI * cutoff * tau
    return cutoff * window * (x === 0 ? 1 : Math.sin(x) / x)
  }
  return { evaluate, reach }
}

/**
 * Kernel taps for `phases` evenly spaced fractional positions (plus the position 1 if `closed`,
 * the right neighbour that interpolation needs), phase-major so that each dot product reads
 * contiguous memory. Tap m of phase q weighs input sample i0 − half + 1 + m for an output instant
 * at i0 + q/phases.
 */
function polyphaseTable(evaluate: (tau: number) => number, half: number, phases: number, closed: boolean): Float32Array {
  const taps = 2 * half
  const rows = closed ? phases + 1 : phases
  const table = new Float32Array(rows * taps)
  for (let q = 0; q < rows; q++) {
    for (let m = 0; m < taps; m++) table[q * taps + m] = evaluate(q / phases + half - 1 - m)
  }
  return table
}

/** Σ input[start + m]·table[row + m] over the taps that fall inside the input. */
function dot(input: Float32Array, start: number, table: Float32Array, row: number, taps: number): number {
  const first = Math.max(0, -start)
  const last = Math.min(taps, input.length - start)
  let sum = 0
  for (let m = first; m < last; m++) sum += input[start + m]! * table[row + m]!
  return sum
}

function greatestCommonDivisor(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b]
  return a
}

/** The reduced ratio to/from = up/down when both rates are integers and it has few enough phases. */
function exactRatio(fromRate: number, toRate: number): { up: number; down: number } | null {
  if (!Number.isInteger(fromRate) || !Number.isInteger(toRate)) return null
  const divisor = greatestCommonDivisor(fromRate, toRate)
  const up = toRate / divisor
  return up <= maxExactPhases ? { up, down: fromRate / divisor } : null
}

function outputLength(inputLength: number, fromRate: number, toRate: number): number {
  return Math.round((inputLength * toRate) / fromRate)
}

function exactResampler(evaluate: (tau: number) => number, half: number, up: number, down: number, fromRate: number, toRate: number): Resampler {
  const taps = 2 * half
  const table = polyphaseTable(evaluate, half, up, false)
  return (input) => {
    const output = new Float32Array(outputLength(input.length, fromRate, toRate))
    // Output j sits at input instant j·down/up = whole + phase/up.
    let whole = 0
    let phase = 0
    for (let j = 0; j < output.length; j++) {
      output[j] = dot(input, whole - half + 1, table, phase * taps, taps)
      phase += down
      whole += Math.floor(phase / up)
      phase %= up
    }
    return output
  }
}

function interpolatingResampler(evaluate: (tau: number) => number, half: number, fromRate: number, toRate: number): Resampler {
  const taps = 2 * half
  const table = polyphaseTable(evaluate, half, interpolationPhases, true)
  const step = fromRate / toRate
  return (input) => {
    const output = new Float32Array(outputLength(input.length, fromRate, toRate))
    for (let j = 0; j < output.length; j++) {
      const instant = j * step
      const whole = Math.floor(instant)
      const position = (instant - whole) * interpolationPhases
      const phase = Math.floor(position)
      const weight = position - phase
      const start = whole - half + 1
      const left = dot(input, start, table, phase * taps, taps)
      const right = dot(input, start, table, (phase + 1) * taps, taps)
      output[j] = left + weight * (right - left)
    }
    return output
  }
}

/**
 * A converter from one rate to another, for any number of channels or signals: the kernel table is
 * built once, here. Output length is round(n·to/from); equal rates give a copy.
 */
export function createResampler(fromRate: number, toRate: number, options: ResampleOptions = {}): Resampler {
  assertRate(fromRate, 'source sample rate')
  assertRate(toRate, 'target sample rate')
  const settings = validated(options)
  if (fromRate === toRate) return (input) => input.slice()
  const { evaluate, reach } = kernel(Math.min(1, toRate / fromRate), settings)
  const half = Math.ceil(reach)
  const ratio = exactRatio(fromRate, toRate)
  return ratio === null
    ? interpolatingResampler(evaluate, half, fromRate, toRate)
    : exactResampler(evaluate, half, ratio.up, ratio.down, fromRate, toRate)
}

/** Converts one signal from `fromRate` to `toRate`; see createResampler to convert many. */
export function resample(samples: Float32Array, fromRate: number, toRate: number, options: ResampleOptions = {}): Float32Array {
  return createResampler(fromRate, toRate, options)(samples)
}
