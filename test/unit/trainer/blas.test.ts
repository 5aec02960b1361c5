import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadBlas } from '../../../src/trainer/blas'
import { Random } from '../../../src/shared/sim/random'

/** Debian's libopenblas0 (CI installs it); elsewhere loadBlas must say what to install. */
const debianOpenBlas = ['/usr/lib/x86_64-linux-gnu/libopenblas.so.0', '/usr/lib/aarch64-linux-gnu/libopenblas.so.0'].some(existsSync)

function naiveProduct(transposeA: boolean, transposeB: boolean, m: number, n: number, k: number, a: Float32Array, b: Float32Array): Float64Array {
  const result = new Float64Array(m * n)
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0
      for (let l = 0; l < k; l++) sum += a[transposeA ? l * m + i : i * k + l]! * b[transposeB ? j * k + l : l * n + j]!
      result[i * n + j] = sum
    }
  }
  return result
}

describe('native BLAS', () => {
  it('can be turned off, and a named library that is missing is named', () => {
    expect(loadBlas(1, { ENTRAIN_BLAS_LIB: 'none' })).toBe('turned off (ENTRAIN_BLAS_LIB=none)')
    expect(loadBlas(1, { ENTRAIN_BLAS_LIB: '/nowhere/libblas-missing.so' })).toMatch(/^no optimised BLAS found \(\/nowhere\/libblas-missing.so: .*\); Debian\/Ubuntu: apt install libopenblas0$/)
  })

  it(`${debianOpenBlas ? 'finds OpenBLAS here and multiplies views of shared memory in place' : 'finds none here and says what to install'}`, () => {
    const blas = loadBlas(2, {})
    if (!debianOpenBlas) {
      expect(blas).toMatch(/no optimised BLAS found/)
      return
    }
    if (typeof blas === 'string') throw new Error(blas)
    expect(blas.description).toMatch(/^OpenBLAS \d+\.\d+\.\d+.*, 2 threads$/)
    const random = new Random(3)
    // The operands sit at offsets inside one shared buffer, as tensors do in wasm memory.
    const memory = new SharedArrayBuffer(4 * 4096)
    const [m, n, k] = [13, 9, 21]
    const a = new Float32Array(memory, 64, m * k)
    const b = new Float32Array(memory, 64 + 4 * m * k, k * n)
    const c = new Float32Array(memory, 64 + 4 * (m * k + k * n), m * n)
    a.forEach((_, index) => (a[index] = random.normal()))
    b.forEach((_, index) => (b[index] = random.normal()))
    for (const [transposeA, transposeB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      blas.sgemm(transposeA, transposeB, m, n, k, a, b, c)
      const expected = naiveProduct(transposeA, transposeB, m, n, k, a, b)
      expect(Math.max(...expected.map((value, index) => Math.abs(value - c[index]!)))).toBeLessThan(1e-4)
    }
  })
})
