/**
 * The discrete wavelet transform with Daubechies wavelets, and its inverse.
 *
 * Filters: Daubechies' extremal-phase (minimum-phase) orthonormal wavelets db1 (Haar) … db20, computed
 * by spectral factorisation rather than tabulated: the scaling filter of dbN is
 * h(z) = √2 · ((1 + z⁻¹)/2)ᴺ · Q(z⁻¹), where |Q|² on the unit circle is Daubechies' polynomial
 * P(y) = Σₖ₌₀ᴺ⁻¹ C(N−1+k, k) yᵏ at y = sin²(ω/2); each root y of P gives a pair of roots z, 1/z
 * of (2 − z − z⁻¹)/4 = y, and Q takes the one inside the unit circle. The result is the filter
 * PyWavelets calls `rec_lo` (largest taps first); analysis uses it reversed. The factorisation's
 * rounding grows with the order: orthonormality holds to about 1e-15 at db8 and 6e-12 at db20.
 *
 * Boundary mode: half-sample symmetric extension (… x₁ x₀ | x₀ x₁ … xₙ₋₁ | xₙ₋₁ xₙ₋₂ …), PyWavelets'
 * default mode 'symmetric', so a level of n samples gives ⌊(n + F − 1)/2⌋ coefficients of each
 * kind (F taps), exactly as pywt.dwt does. The coefficients are those of the extended signal, and
 * the orthonormal synthesis reconstructs every sample of the signal itself exactly, whatever the
 * extension: the transform is redundant by F − 2 coefficients per level, not lossy.
 */

export interface Wavelet {
  readonly name: string
  /** Scaling (low-pass) synthesis filter h, F taps. */
  readonly lowpass: Float64Array
  /** Wavelet (high-pass) synthesis filter g[i] = (−1)ⁱ · h[F − 1 − i]. */
  readonly highpass: Float64Array
}

/** Multi-level decomposition, in PyWavelets' order: [approximation at level L, detail L, …, detail 1]. */
export interface WaveletDecomposition {
  readonly wavelet: Wavelet
  /** Length of the decomposed signal. */
  readonly length: number
  readonly coefficients: Float64Array[]
}

export const maxDaubechiesOrder = 20

const wavelets = new Map<string, Wavelet>()

/** A Daubechies wavelet by PyWavelets' name, `db1` … `db20`. */
export function wavelet(name: string): Wavelet {
  const cached = wavelets.get(name)
  if (cached) return cached
  const order = /^db([1-9]\d*)$/.exec(name)?.[1]
  if (order === undefined || Number(order) > maxDaubechiesOrder) throw new RangeError(`unknown wavelet ${name}: choose db1 … db${maxDaubechiesOrder}`)
  const lowpass = daubechiesScalingFilter(Number(order))
  const taps = lowpass.length
  const highpass = Float64Array.from({ length: taps }, (_, i) => (i % 2 === 0 ? 1 : -1) * lowpass[taps - 1 - i]!)
  const created: Wavelet = { name, lowpass, highpass }
  wavelets.set(name, created)
  return created
}

/** Complex numbers as [re, im], only for the factorisation. */
type Complex = [number, number]
const multiply = ([a, b]: Complex, [c, d]: Complex): Complex => [a * c - b * d, a * d + b * c]
const divide = ([a, b]: Complex, [c, d]: Complex): Complex => {
  const scale = c * c + d * d
  return [(a * c + b * d) / scale, (b * c - a * d) / scale]
}
const subtract = ([a, b]: Complex, [c, d]: Complex): Complex => [a - c, b - d]
const magnitude = ([a, b]: Complex): number => Math.hypot(a, b)
function squareRoot([a, b]: Complex): Complex {
  const modulus = Math.hypot(a, b)
  const re = Math.sqrt((modulus + a) / 2)
  const im = Math.sqrt(Math.max(0, (modulus - a) / 2))
  return [re, b < 0 ? -im : im]
}

/** p(x) for real coefficients, lowest power first. */
function evaluate(coefficients: number[], x: Complex): Complex {
  let value: Complex = [0, 0]
  for (let k = coefficients.length - 1; k >= 0; k--) value = multiply(value, x).map((part, index) => part + (index === 0 ? coefficients[k]! : 0)) as Complex
  return value
}

/**
 * Every root of a real polynomial (lowest power first) by the Durand–Kerner iteration, then a few
 * Newton steps on each. Daubechies' polynomials up to db20 have well-separated roots.
 */
function polynomialRoots(coefficients: number[]): Complex[] {
  const degree = coefficients.length - 1
  const lead = coefficients[degree]!
  const monic = coefficients.map((value) => value / lead)
  // Starting points on a circle of the roots' typical size, off the real axis.
  const radius = Math.abs(monic[0]!) ** (1 / degree)
  let roots: Complex[] = Array.from({ length: degree }, (_, k) => {
    const angle = (2 * Math.PI * k) / degree + 0.4
    return [radius * Math.cos(angle), radius * Math.sin(angle)]
  })
  for (let iteration = 0; iteration < 500; iteration++) {
    let largestStep = 0
    roots = roots.map((root, k) => {
      let denominator: Complex = [1, 0]
      roots.forEach((other, j) => {
        if (j !== k) denominator = multiply(denominator, subtract(root, other))
      })
      const step = divide(evaluate(monic, root), denominator)
      largestStep = Math.max(largestStep, magnitude(step) / Math.max(1, magnitude(root)))
      return subtract(root, step)
    })
    if (largestStep < 1e-15) break
  }
  const derivative = monic.slice(1).map((value, k) => value * (k + 1))
  return roots.map((start) => {
    let root = start
    for (let step = 0; step < 3; step++) {
      const slope = evaluate(derivative, root)
      if (magnitude(slope) === 0) break
      root = subtract(root, divide(evaluate(monic, root), slope))
    }
    return root
  })
}

function binomial(n: number, k: number): number {
  let value = 1
  for (let i = 1; i <= k; i++) value = (value * (n - k + i)) / i
  return value
}

/** The dbN scaling filter (2N taps, sum √2, minimum phase: largest taps first). */
function daubechiesScalingFilter(order: number): Float64Array {
  // Q(w) with w = z⁻¹, built from its roots; complex-conjugate pairs leave it real.
  let q: Complex[] = [[1, 0]]
  if (order > 1) {
    const p = Array.from({ length: order }, (_, k) => binomial(order - 1 + k, k))
    for (const y of polynomialRoots(p)) {
      // (2 − z − 1/z)/4 = y  ⇔  z² − (2 − 4y)·z + 1 = 0, whose roots are z and 1/z.
      const b: Complex = [2 - 4 * y[0], -4 * y[1]]
      const discriminant = squareRoot(subtract(multiply(b, b), [4, 0]))
      const plus: Complex = [(b[0] + discriminant[0]) / 2, (b[1] + discriminant[1]) / 2]
      const minus: Complex = [(b[0] - discriminant[0]) / 2, (b[1] - discriminant[1]) / 2]
      const inside = magnitude(plus) < magnitude(minus) ? plus : minus
      // Multiply Q by (1 − z_inside · w).
      const next: Complex[] = Array.from({ length: q.length + 1 }, () => [0, 0] as Complex)
      q.forEach((term, k) => {
        next[k] = [next[k]![0] + term[0], next[k]![1] + term[1]]
        const product = multiply(term, inside)
        next[k + 1] = [next[k + 1]![0] - product[0], next[k + 1]![1] - product[1]]
      })
      q = next
    }
  }
  // Times (1 + w)ᴺ.
  const taps = new Float64Array(2 * order)
  q.forEach(([re], k) => {
    for (let j = 0; j <= order; j++) taps[k + j]! += re * binomial(order, j)
  })
  const sum = taps.reduce((total, value) => total + value, 0)
  return taps.map((value) => (value * Math.SQRT2) / sum)
}

/** Index into the half-sample symmetric extension of a signal of `length` samples. */
function reflect(index: number, length: number): number {
  const period = 2 * length
  const wrapped = ((index % period) + period) % period
  return wrapped < length ? wrapped : period - 1 - wrapped
}

/** Coefficients of each kind one level of a signal of `length` samples gives. */
export function coefficientCount(length: number, wavelet: Wavelet): number {
  return Math.floor((length + wavelet.lowpass.length - 1) / 2)
}

/** The deepest useful level (PyWavelets' dwt_max_level): the last whose input still spans F − 1 samples. */
export function maxLevel(length: number, wavelet: Wavelet): number {
  const span = wavelet.lowpass.length - 1
  return length < span ? 0 : Math.floor(Math.log2(length / span))
}

/** One level: approximation a[k] = Σᵢ h[i]·x̃[2k + 2 − F + i], detail likewise with g. */
export function dwt(signal: ArrayLike<number>, wavelet: Wavelet): { approximation: Float64Array; detail: Float64Array } {
  const length = signal.length
  if (length === 0) throw new RangeError('the wavelet transform needs at least one sample')
  const { lowpass: h, highpass: g } = wavelet
  const taps = h.length
  const count = coefficientCount(length, wavelet)
  const approximation = new Float64Array(count)
  const detail = new Float64Array(count)
  for (let k = 0; k < count; k++) {
    const start = 2 * k + 2 - taps
    let a = 0
    let d = 0
    if (start >= 0 && start + taps <= length) {
      for (let i = 0; i < taps; i++) {
        const x = signal[start + i]!
        a += h[i]! * x
        d += g[i]! * x
      }
    } else {
      for (let i = 0; i < taps; i++) {
        const x = signal[reflect(start + i, length)]!
        a += h[i]! * x
        d += g[i]! * x
      }
    }
    approximation[k] = a
    detail[k] = d
  }
  return { approximation, detail }
}

/** One level back: the `length` samples whose dwt gave these coefficients (the orthonormal synthesis). */
export function idwt(approximation: ArrayLike<number>, detail: ArrayLike<number>, wavelet: Wavelet, length: number): Float64Array {
  if (approximation.length !== detail.length) throw new RangeError(`approximation (${approximation.length}) and detail (${detail.length}) coefficients differ in number`)
  if (coefficientCount(length, wavelet) !== approximation.length) throw new RangeError(`${approximation.length} coefficients of ${wavelet.name} do not come from ${length} samples`)
  const { lowpass: h, highpass: g } = wavelet
  const taps = h.length
  const out = new Float64Array(length)
  for (let k = 0; k < approximation.length; k++) {
    const start = 2 * k + 2 - taps
    const a = approximation[k]!
    const d = detail[k]!
    const from = Math.max(0, -start)
    const to = Math.min(taps, length - start)
    for (let i = from; i < to; i++) out[start + i]! += a * h[i]! + d * g[i]!
  }
  return out
}

/** `levels` levels (default: maxLevel) of the signal, as pywt.wavedec(signal, name, 'symmetric', levels). */
export function wavedec(signal: ArrayLike<number>, wavelet: Wavelet, levels = maxLevel(signal.length, wavelet)): WaveletDecomposition {
  if (!Number.isInteger(levels) || levels < 0) throw new RangeError(`wavelet levels must be a whole number ≥ 0, not ${levels}`)
  const details: Float64Array[] = []
  let approximation: Float64Array = Float64Array.from(signal)
  for (let level = 0; level < levels; level++) {
    const next = dwt(approximation, wavelet)
    details.push(next.detail)
    approximation = next.approximation
  }
  return { wavelet, length: signal.length, coefficients: [approximation, ...details.reverse()] }
}

/** The signal a decomposition came from (its coefficients, changed or not, synthesised back). */
export function waverec(decomposition: WaveletDecomposition): Float64Array {
  const { wavelet, length, coefficients } = decomposition
  let approximation: Float64Array = coefficients[0]!
  for (let index = 1; index < coefficients.length; index++) {
    const outLength = index + 1 < coefficients.length ? coefficients[index + 1]!.length : length
    approximation = idwt(approximation, coefficients[index]!, wavelet, outLength)
  }
  return approximation
}
