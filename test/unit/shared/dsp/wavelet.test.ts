import { describe, expect, it } from 'vitest'
import { coefficientCount, dwt, idwt, maxDaubechiesOrder, maxLevel, wavedec, waverec, wavelet } from '../../../../src/shared/dsp/wavelet'
import { Random } from '../../../../src/shared/sim/random'

const orders = Array.from({ length: maxDaubechiesOrder }, (_, index) => index + 1)
/** The factorisation's rounding grows with the order: about 1e-15 at db8, 6e-12 at db20. */
const tolerance = (order: number) => (order <= 10 ? 1e-13 : 2e-11)

function noise(length: number, seed: number): Float64Array {
  const random = new Random(seed)
  return Float64Array.from({ length }, () => random.next() - 0.5)
}

const largestDifference = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let worst = 0
  for (let index = 0; index < a.length; index++) worst = Math.max(worst, Math.abs(a[index]! - b[index]!))
  return worst
}

describe('Daubechies filters', () => {
  it('have 2N taps that sum to √2 and are orthonormal to their even shifts', () => {
    for (const order of orders) {
      const { lowpass: h, highpass: g } = wavelet(`db${order}`)
      expect(h).toHaveLength(2 * order)
      expect(h.reduce((sum, value) => sum + value, 0)).toBeCloseTo(Math.SQRT2, 12)
      for (let shift = 0; shift < order; shift++) {
        let hh = 0
        let gg = 0
        let hg = 0
        for (let i = 0; i + 2 * shift < h.length; i++) {
          hh += h[i]! * h[i + 2 * shift]!
          gg += g[i]! * g[i + 2 * shift]!
          hg += h[i]! * g[i + 2 * shift]! + g[i]! * h[i + 2 * shift]!
        }
        expect(Math.abs(hh - (shift === 0 ? 1 : 0)), `db${order} shift ${shift}`).toBeLessThan(tolerance(order))
        expect(Math.abs(gg - (shift === 0 ? 1 : 0))).toBeLessThan(tolerance(order))
        expect(Math.abs(hg)).toBeLessThan(tolerance(order))
      }
    }
  })

  it('give the wavelet N vanishing moments, and minimum phase (energy first)', () => {
    for (const order of orders) {
      const { lowpass: h, highpass: g } = wavelet(`db${order}`)
      for (let power = 0; power < order; power++) {
        let moment = 0
        let scale = 0
        g.forEach((value, index) => {
          moment += value * index ** power
          scale += Math.abs(value) * index ** power
        })
        expect(Math.abs(moment) / scale, `db${order} moment ${power}`).toBeLessThan(1e-10)
      }
      // The N-th moment does not vanish: exactly N.
      let next = 0
      g.forEach((value, index) => (next += value * index ** order))
      expect(Math.abs(next)).toBeGreaterThan(1e-3)
      // Extremal phase: every partial energy Σ_{i<n} h[i]² is at least that of any other filter
      // with the same magnitude response; in particular it beats the reversed filter.
      let forward = 0
      let backward = 0
      for (let i = 0; i < order; i++) {
        forward += h[i]! ** 2
        backward += h[h.length - 1 - i]! ** 2
      }
      if (order > 1) expect(forward).toBeGreaterThan(backward)
    }
  })

  it('refuses names it does not know', () => {
    expect(() => wavelet('db0')).toThrow(/unknown wavelet db0: choose db1 … db20/)
    expect(() => wavelet('db21')).toThrow(/unknown wavelet/)
    expect(() => wavelet('sym8')).toThrow(/unknown wavelet/)
  })
})

describe('discrete wavelet transform (symmetric extension)', () => {
  it('reconstructs every sample exactly, one level and many, at odd and even lengths', () => {
    for (const order of [1, 2, 8, 20]) {
      const name = `db${order}`
      const w = wavelet(name)
      for (const length of [1, 2, 15, 64, 1001]) {
        const signal = noise(length, length)
        const { approximation, detail } = dwt(signal, w)
        expect(approximation).toHaveLength(coefficientCount(length, w))
        expect(largestDifference(idwt(approximation, detail, w, length), signal), `${name} ${length}`).toBeLessThan(tolerance(order))
        const decomposition = wavedec(signal, w)
        expect(decomposition.coefficients).toHaveLength(maxLevel(length, w) + 1)
        expect(largestDifference(waverec(decomposition), signal)).toBeLessThan(10 * tolerance(order))
      }
    }
  })

  it('keeps the energy in the coefficients and sends polynomials of degree < N to the approximation', () => {
    const w = wavelet('db8')
    // Away from the edges the transform is orthonormal: detail coefficients of a cubic are zero.
    const cubic = Float64Array.from({ length: 512 }, (_, i) => 1e-6 * (i - 200) ** 3 + 0.01 * i)
    const { detail } = dwt(cubic, w)
    const taps = w.lowpass.length
    for (let k = taps; k < detail.length - taps; k++) expect(Math.abs(detail[k]!)).toBeLessThan(1e-9)
    // Parseval: a signal that is zero near both ends has zero extension, and the transform of a
    // sequence is orthonormal, so the coefficients hold exactly its energy.
    const signal = noise(4096, 7).map((value, i) => (i < 100 || i >= 3996 ? 0 : value))
    const { approximation, detail: noiseDetail } = dwt(signal, w)
    const energy = (values: ArrayLike<number>) => Array.from(values).reduce((sum, value) => sum + value ** 2, 0)
    expect(energy(approximation) + energy(noiseDetail)).toBeCloseTo(energy(signal), 9)
  })

  it('goes as deep as PyWavelets does, and says when lengths do not fit', () => {
    const w = wavelet('db8')
    expect(maxLevel(45_000, w)).toBe(11)
    expect(maxLevel(14, w)).toBe(0)
    expect(wavedec(noise(1000, 1), w).coefficients.map((c) => c.length)).toEqual([30, 30, 45, 76, 138, 261, 507])
    expect(() => idwt(new Float64Array(10), new Float64Array(10), w, 100)).toThrow(/10 coefficients of db8 do not come from 100 samples/)
    expect(() => wavedec([1, 2, 3], w, -1)).toThrow(/whole number ≥ 0/)
  })
})
