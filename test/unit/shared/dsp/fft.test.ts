import { describe, expect, it } from 'vitest'
import { fft, isPowerOfTwo, largestPowerOfTwoAtMost, nextPowerOfTwo, RealFft, realFft } from '../../../../src/shared/dsp/fft'

function naiveDft(re: ArrayLike<number>, im: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  const n = re.length
  const out = { re: new Float64Array(n), im: new Float64Array(n) }
  for (let k = 0; k < n; k++) {
    for (let t = 0; t < n; t++) {
      const angle = (-2 * Math.PI * k * t) / n
      out.re[k] = out.re[k]! + re[t]! * Math.cos(angle) - im[t]! * Math.sin(angle)
      out.im[k] = out.im[k]! + re[t]! * Math.sin(angle) + im[t]! * Math.cos(angle)
    }
  }
  return out
}

/** Deterministic test data without depending on the simulator's generator. */
function values(n: number, salt: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + salt * 78.233) * 3 + Math.cos(i * 0.7 + salt))
}

function expectClose(actual: Float64Array, expected: Float64Array, tolerance: number): void {
  expect(actual.length).toBe(expected.length)
  for (let i = 0; i < actual.length; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThan(tolerance)
}

describe('fft', () => {
  it.each([1, 2, 4, 8, 64, 256])('matches a naive DFT of size %i', (n) => {
    const re = values(n, 1)
    const im = values(n, 2)
    const expected = naiveDft(re, im)
    fft(re, im)
    expectClose(re, expected.re, 1e-9 * n)
    expectClose(im, expected.im, 1e-9 * n)
  })

  it('inverts itself with the inverse flag', () => {
    const re = values(128, 3)
    const im = values(128, 4)
    const [re0, im0] = [re.slice(), im.slice()]
    fft(re, im)
    fft(re, im, true)
    expectClose(re, re0, 1e-12)
    expectClose(im, im0, 1e-12)
  })

  it('refuses sizes that are not powers of two, and mismatched parts', () => {
    expect(() => fft(new Float64Array(12), new Float64Array(12))).toThrow(/power of two.*12/)
    expect(() => fft(new Float64Array(0), new Float64Array(0))).toThrow(/power of two/)
    expect(() => fft(new Float64Array(8), new Float64Array(4))).toThrow(/differ in length/)
    expect(() => new RealFft(6)).toThrow(/power of two/)
    expect(() => new RealFft(1)).toThrow(/at least 2/)
  })

  it('finds powers of two', () => {
    expect([1, 2, 1024].every(isPowerOfTwo)).toBe(true)
    expect([0, 3, 6, 1.5, -2].some(isPowerOfTwo)).toBe(false)
    expect([nextPowerOfTwo(1), nextPowerOfTwo(5), nextPowerOfTwo(8)]).toEqual([1, 8, 8])
    expect([largestPowerOfTwoAtMost(1), largestPowerOfTwoAtMost(500), largestPowerOfTwoAtMost(512)]).toEqual([1, 256, 512])
  })
})

describe('real FFT', () => {
  it.each([2, 4, 16, 512])('matches bins 0…n/2 of a naive DFT of size %i', (n) => {
    const signal = values(n, 5)
    const expected = naiveDft(signal, new Float64Array(n))
    const { re, im } = realFft(signal)
    expectClose(re, expected.re.slice(0, n / 2 + 1), 1e-9 * n)
    expectClose(im, expected.im.slice(0, n / 2 + 1), 1e-9 * n)
  })

  it('can be reused for many signals of one size', () => {
    const transform = new RealFft(32)
    const re = new Float64Array(transform.binCount)
    const im = new Float64Array(transform.binCount)
    for (const salt of [6, 7]) {
      transform.transform(values(32, salt), re, im)
      expectClose(re, realFft(values(32, salt)).re, 1e-12)
    }
  })
})
