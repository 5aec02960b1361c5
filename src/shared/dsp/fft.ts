/**
 * Radix-2 FFT on split real/imaginary Float64Arrays. Spectra are computed over and over at one size
 * (Welch segments, live spectra), so the twiddle factors and the bit-reversal permutation of each
 * size are computed once and cached.
 */

interface FftPlan {
  /** cos(2πk/n) and sin(2πk/n) for k < n/2. */
  readonly cos: Float64Array
  readonly sin: Float64Array
  readonly reversed: Uint32Array
}

const plans = new Map<number, FftPlan>()

/** Sizes beyond this would overflow the 32-bit bit tricks below, and no spectrum here needs them. */
const maxSize = 2 ** 30

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= maxSize && (n & (n - 1)) === 0
}

/** The smallest power of two ≥ n (n ≥ 1). */
export function nextPowerOfTwo(n: number): number {
  let size = 1
  while (size < n) size *= 2
  return size
}

/** The largest power of two ≤ n (n ≥ 1). */
export function largestPowerOfTwoAtMost(n: number): number {
  let size = 1
  while (size * 2 <= n) size *= 2
  return size
}

function assertPowerOfTwo(size: number, what: string): void {
  if (!isPowerOfTwo(size)) throw new RangeError(`${what} must be a power of two (1, 2, 4, …, 2^30), got ${size}`)
}

function planFor(size: number): FftPlan {
  let plan = plans.get(size)
  if (plan === undefined) {
    plan = createPlan(size)
    plans.set(size, plan)
  }
  return plan
}

function createPlan(size: number): FftPlan {
  const half = size >> 1
  const cos = new Float64Array(half)
  const sin = new Float64Array(half)
  for (let k = 0; k < half; k++) {
    const angle = (2 * Math.PI * k) / size
    cos[k] = Math.cos(angle)
    sin[k] = Math.sin(angle)
  }
  const bits = Math.log2(size)
  const reversed = new Uint32Array(size)
  for (let i = 1; i < size; i++) reversed[i] = (reversed[i >> 1]! >> 1) | ((i & 1) << (bits - 1))
  return { cos, sin, reversed }
}

function permute(re: Float64Array, im: Float64Array, reversed: Uint32Array): void {
  for (let i = 0; i < re.length; i++) {
    const j = reversed[i]!
    if (j <= i) continue
    const r = re[i]!
    re[i] = re[j]!
    re[j] = r
    const m = im[i]!
    im[i] = im[j]!
    im[j] = m
  }
}

/**
 * Transforms (re, im) in place: X[k] = Σ x[n]·e^(−2πikn/N), or with `inverse` the inverse transform
 * including its 1/N, so that fft(…, true) undoes fft(…).
 */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length
  if (im.length !== n) throw new RangeError(`FFT real and imaginary parts differ in length (${n} and ${im.length})`)
  assertPowerOfTwo(n, 'FFT size')
  const { cos, sin, reversed } = planFor(n)
  permute(re, im, reversed)
  const sign = inverse ? 1 : -1
  for (let span = 1; span < n; span *= 2) {
    const twiddleStep = n / (2 * span)
    for (let k = 0; k < span; k++) {
      const wr = cos[k * twiddleStep]!
      const wi = sign * sin[k * twiddleStep]!
      for (let i = k; i < n; i += 2 * span) {
        const j = i + span
        const xr = re[j]! * wr - im[j]! * wi
        const xi = re[j]! * wi + im[j]! * wr
        re[j] = re[i]! - xr
        im[j] = im[i]! - xi
        re[i] = re[i]! + xr
        im[i] = im[i]! + xi
      }
    }
  }
  if (inverse) {
    for (let i = 0; i < n; i++) {
      re[i] = re[i]! / n
      im[i] = im[i]! / n
    }
  }
}

/**
 * FFT of real signals of one size: the n real samples are packed into an n/2-point complex FFT and
 * then separated, which halves the work. Only bins 0…n/2 are produced; the others are their
 * complex conjugates. Reuse one instance for many signals: it owns its scratch buffers.
 */
export class RealFft {
  readonly size: number
  /** Number of bins produced: size/2 + 1. */
  readonly binCount: number
  private readonly packedRe: Float64Array
  private readonly packedIm: Float64Array
  private readonly twiddleRe: Float64Array
  private readonly twiddleIm: Float64Array

  constructor(size: number) {
    assertPowerOfTwo(size, 'real FFT size')
    if (size < 2) throw new RangeError('real FFT size must be at least 2')
    this.size = size
    const half = size / 2
    this.binCount = half + 1
    this.packedRe = new Float64Array(half)
    this.packedIm = new Float64Array(half)
    this.twiddleRe = new Float64Array(half + 1)
    this.twiddleIm = new Float64Array(half + 1)
    for (let k = 0; k <= half; k++) {
      this.twiddleRe[k] = Math.cos((2 * Math.PI * k) / size)
      this.twiddleIm[k] = -Math.sin((2 * Math.PI * k) / size)
    }
  }

  /** Writes bins 0…size/2 of the spectrum of `input` (length ≥ size; the first size samples) into re and im. */
  transform(input: ArrayLike<number>, re: Float64Array, im: Float64Array): void {
    const { size, binCount, packedRe, packedIm, twiddleRe, twiddleIm } = this
    if (input.length < size) throw new RangeError(`real FFT of size ${size} got only ${input.length} samples`)
    if (re.length < binCount || im.length < binCount) throw new RangeError(`real FFT of size ${size} needs outputs of length ${binCount}`)
    const half = size / 2
    for (let j = 0; j < half; j++) {
      packedRe[j] = input[2 * j]!
      packedIm[j] = input[2 * j + 1]!
    }
    fft(packedRe, packedIm)
    for (let k = 0; k <= half; k++) {
      // Z[k] and conj(Z[half − k]) hold the spectra of the even and the odd samples mixed together.
      const a = k === half ? 0 : k
      const b = k === 0 ? 0 : half - k
      const zr = packedRe[a]!
      const zi = packedIm[a]!
      const cr = packedRe[b]!
      const ci = -packedIm[b]!
      const evenRe = (zr + cr) / 2
      const evenIm = (zi + ci) / 2
      const oddRe = (zi - ci) / 2
      const oddIm = -(zr - cr) / 2
      const wr = twiddleRe[k]!
      const wi = twiddleIm[k]!
      re[k] = evenRe + wr * oddRe - wi * oddIm
      im[k] = evenIm + wr * oddIm + wi * oddRe
    }
  }
}

/** Bins 0…n/2 of the spectrum of a real signal whose length n is a power of two ≥ 2. */
export function realFft(signal: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  const transform = new RealFft(signal.length)
  const re = new Float64Array(transform.binCount)
  const im = new Float64Array(transform.binCount)
  transform.transform(signal, re, im)
  return { re, im }
}
