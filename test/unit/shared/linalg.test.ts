import { describe, expect, it } from 'vitest'
import { crossCovariance, denseOperator, identity, matrix, multiply, orthonormalColumns, singularValueDecomposition, symmetricEigen, symmetricPower, transpose, truncatedSvd } from '../../../src/shared/linalg'
import { Random } from '../../../src/shared/sim/random'

function randomSymmetric(size: number, seed: number, positive = false) {
  const random = new Random(seed)
  const base = matrix(size, size, Array.from({ length: size * size }, () => random.normal()))
  const symmetric = positive ? multiply(base, transpose(base)) : matrix(size, size)
  if (!positive) for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) symmetric.data[i * size + j] = base.data[i * size + j]! + base.data[j * size + i]!
  return symmetric
}

const maxDifference = (a: Float64Array, b: Float64Array) => a.reduce((max, value, index) => Math.max(max, Math.abs(value - b[index]!)), 0)

describe('symmetricEigen', () => {
  it('finds the exact eigenpairs of a small matrix, largest first', () => {
    const { values, vectors } = symmetricEigen(matrix(2, 2, [2, 1, 1, 2]))
    expect(Array.from(values)).toEqual([expect.closeTo(3, 12), expect.closeTo(1, 12)])
    expect(Math.abs(vectors.data[0]!)).toBeCloseTo(Math.SQRT1_2, 12)
    expect(vectors.data[0]! * vectors.data[2]!).toBeGreaterThan(0) // (1, 1)/√2 for 3
  })

  it('reconstructs a random symmetric matrix from orthonormal eigenvectors', () => {
    const a = randomSymmetric(24, 3)
    const { values, vectors } = symmetricEigen(a)
    const d = matrix(24, 24)
    values.forEach((value, index) => (d.data[index * 24 + index] = value))
    expect(maxDifference(multiply(multiply(vectors, d), transpose(vectors)).data, a.data)).toBeLessThan(1e-10)
    expect(maxDifference(multiply(transpose(vectors), vectors).data, identity(24).data)).toBeLessThan(1e-12)
    for (let index = 1; index < values.length; index++) expect(values[index]).toBeLessThanOrEqual(values[index - 1]!)
  })

  it('converges where whole blocks are zero (constant features: rank-deficient covariances)', () => {
    const random = new Random(8)
    const base = matrix(40, 5, Array.from({ length: 200 }, () => random.normal()))
    const lowRank = multiply(base, transpose(base))
    for (let i = 0; i < 40; i++) for (let j = 0; j < 40; j++) if (i % 3 === 0 || j % 3 === 0) lowRank.data[i * 40 + j] = 0
    const { values, vectors } = symmetricEigen(lowRank)
    const d = matrix(40, 40)
    values.forEach((value, index) => (d.data[index * 40 + index] = value))
    expect(maxDifference(multiply(multiply(vectors, d), transpose(vectors)).data, lowRank.data)).toBeLessThan(1e-9)
    expect(values.filter((value) => Math.abs(value) > 1e-9).length).toBeLessThanOrEqual(5)
  })
})

describe('symmetricPower', () => {
  it('whitens a covariance with its inverse square root', () => {
    const s = randomSymmetric(10, 5, true)
    const k = symmetricPower(s, -0.5)
    expect(maxDifference(multiply(multiply(k, s), k).data, identity(10).data)).toBeLessThan(1e-9)
  })

  it('drops eigenvalues at the floor instead of blowing up', () => {
    const singular = matrix(2, 2, [1, 1, 1, 1])
    const k = symmetricPower(singular, -0.5)
    expect(Array.from(k.data).every(Number.isFinite)).toBe(true)
    expect(k.data[0]).toBeCloseTo(0.5 / Math.SQRT2, 12)
  })
})

describe('crossCovariance', () => {
  it('centres and divides by n − 1', () => {
    const a = matrix(3, 1, [1, 2, 3])
    const b = matrix(3, 1, [2, 4, 9])
    expect(crossCovariance(a, b).data[0]).toBeCloseTo(3.5, 12)
    expect(() => crossCovariance(a, matrix(2, 1, [1, 2]))).toThrow(/do not pair up/)
  })
})

describe('truncatedSvd', () => {
  it('finds the leading singular triplets of a tall matrix as the exact SVD does', () => {
    const random = new Random(21)
    // 300 × 60 with a decaying spectrum: a product of random factors scaled per component.
    const left = orthonormalColumns(matrix(300, 60, Array.from({ length: 300 * 60 }, () => random.normal())))
    const right = orthonormalColumns(matrix(60, 60, Array.from({ length: 3600 }, () => random.normal())))
    const spectrum = Array.from({ length: 60 }, (_, index) => 10 * 0.8 ** index)
    const a = multiply(multiply(left, matrix(60, 60, Array.from({ length: 3600 }, (_, index) => (index % 61 === 0 ? spectrum[index / 61]! : 0)))), transpose(right))
    const result = truncatedSvd(denseOperator(a), 8, () => random.normal())
    const exact = singularValueDecomposition(a)
    for (let k = 0; k < 8; k++) {
      expect(result.values[k]).toBeCloseTo(spectrum[k]!, 6)
      expect(result.values[k]).toBeCloseTo(exact.values[k]!, 6)
      // Same vectors up to sign.
      let dot = 0
      for (let i = 0; i < 300; i++) dot += result.u.data[i * 8 + k]! * exact.u.data[i * 60 + k]!
      expect(Math.abs(dot)).toBeCloseTo(1, 6)
    }
    expect(() => truncatedSvd(denseOperator(a), 61, () => random.normal())).toThrow(/cannot keep 61/)
  })

  it('orthonormalColumns leaves a dependent column zero', () => {
    const q = orthonormalColumns(matrix(3, 3, [1, 2, 0, 0, 0, 1, 1, 2, 0]))
    const gram = multiply(transpose(q), q)
    expect(gram.data[0]).toBeCloseTo(1, 12)
    expect(gram.data[4]).toBe(0)
    expect(gram.data[8]).toBeCloseTo(1, 12)
    expect(gram.data[2]).toBeCloseTo(0, 12)
  })
})
