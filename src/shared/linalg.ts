/**
 * The small dense float64 linear algebra CCA needs: row-major matrices, products, covariances, and
 * the symmetric eigendecomposition (cyclic Jacobi: slow for large n, exact and robust for the
 * tens-to-hundreds of dimensions of CCA and DCCA outputs).
 */

export interface Matrix {
  rows: number
  cols: number
  /** Row-major: element (i, j) is data[i * cols + j]. */
  data: Float64Array
}

export function matrix(rows: number, cols: number, data?: ArrayLike<number>): Matrix {
  if (data && data.length !== rows * cols) throw new RangeError(`expected ${rows * cols} values for a ${rows}×${cols} matrix, got ${data.length}`)
  return { rows, cols, data: data ? Float64Array.from(data) : new Float64Array(rows * cols) }
}

export function identity(size: number, scale = 1): Matrix {
  const result = matrix(size, size)
  for (let index = 0; index < size; index++) result.data[index * size + index] = scale
  return result
}

export function at(m: Matrix, row: number, col: number): number {
  return m.data[row * m.cols + col]!
}

export function transpose(m: Matrix): Matrix {
  const result = matrix(m.cols, m.rows)
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) result.data[j * m.rows + i] = m.data[i * m.cols + j]!
  return result
}

export function multiply(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) throw new RangeError(`cannot multiply ${a.rows}×${a.cols} by ${b.rows}×${b.cols}`)
  const result = matrix(a.rows, b.cols)
  for (let i = 0; i < a.rows; i++) {
    for (let k = 0; k < a.cols; k++) {
      const value = a.data[i * a.cols + k]!
      if (value === 0) continue
      for (let j = 0; j < b.cols; j++) result.data[i * b.cols + j]! += value * b.data[k * b.cols + j]!
    }
  }
  return result
}

export function add(a: Matrix, b: Matrix): Matrix {
  if (a.rows !== b.rows || a.cols !== b.cols) throw new RangeError('matrices of different shapes')
  const result = matrix(a.rows, a.cols)
  for (let index = 0; index < a.data.length; index++) result.data[index] = a.data[index]! + b.data[index]!
  return result
}

/** Column means of a samples × features matrix. */
export function columnMeans(m: Matrix): Float64Array {
  const means = new Float64Array(m.cols)
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) means[j]! += m.data[i * m.cols + j]!
  for (let j = 0; j < m.cols; j++) means[j]! /= m.rows
  return means
}

/** Cross-covariance of the columns of two samples × features matrices (centred, divided by n − 1). */
export function crossCovariance(a: Matrix, b: Matrix): Matrix {
  if (a.rows !== b.rows) throw new RangeError(`${a.rows} and ${b.rows} samples do not pair up`)
  if (a.rows < 2) throw new RangeError('a covariance needs at least two samples')
  const meanA = columnMeans(a)
  const meanB = columnMeans(b)
  const result = matrix(a.cols, b.cols)
  for (let n = 0; n < a.rows; n++) {
    for (let i = 0; i < a.cols; i++) {
      const x = a.data[n * a.cols + i]! - meanA[i]!
      for (let j = 0; j < b.cols; j++) result.data[i * b.cols + j]! += x * (b.data[n * b.cols + j]! - meanB[j]!)
    }
  }
  for (let index = 0; index < result.data.length; index++) result.data[index]! /= a.rows - 1
  return result
}

export interface SymmetricEigen {
  /** Descending. */
  values: Float64Array
  /** Column k is the eigenvector of values[k]. */
  vectors: Matrix
}

/** Eigenvalues and eigenvectors of a symmetric matrix by cyclic Jacobi rotations. */
export function symmetricEigen(m: Matrix, tolerance = 1e-14, maxSweeps = 100): SymmetricEigen {
  const n = m.rows
  if (m.cols !== n) throw new RangeError('eigendecomposition needs a square matrix')
  const a = Float64Array.from(m.data)
  const v = identity(n).data
  const offDiagonal = () => {
    let sum = 0
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) sum += a[i * n + j]! ** 2
    return sum
  }
  let scale = 0
  for (let index = 0; index < a.length; index++) scale += a[index]! ** 2
  for (let sweep = 0; sweep < maxSweeps && offDiagonal() > tolerance * tolerance * scale; sweep++) {
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!
        if (Math.abs(apq) < 1e-300) continue
        // The rotation angle that zeroes a[p][q] (stable form, Golub & Van Loan 8.4).
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!
          const akq = a[k * n + q]!
          a[k * n + p] = c * akp - s * akq
          a[k * n + q] = s * akp + c * akq
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!
          const aqk = a[q * n + k]!
          a[p * n + k] = c * apk - s * aqk
          a[q * n + k] = s * apk + c * aqk
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!
          const vkq = v[k * n + q]!
          v[k * n + p] = c * vkp - s * vkq
          v[k * n + q] = s * vkp + c * vkq
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, index) => index).sort((i, j) => a[j * n + j]! - a[i * n + i]!)
  const values = Float64Array.from(order, (index) => a[index * n + index]!)
  const vectors = matrix(n, n)
  order.forEach((from, to) => {
    for (let k = 0; k < n; k++) vectors.data[k * n + to] = v[k * n + from]!
  })
  return { values, vectors }
}

/**
 * A symmetric matrix raised to a power through its eigendecomposition (power −½ whitens a
 * covariance). Eigenvalues at or below `floor` are dropped, as in the DCCA objective.
 */
export function symmetricPower(m: Matrix, power: number, floor = 1e-12): Matrix {
  const { values, vectors } = symmetricEigen(m)
  const n = m.rows
  const result = matrix(n, n)
  for (let k = 0; k < n; k++) {
    if (values[k]! <= floor) continue
    const weight = values[k]! ** power
    for (let i = 0; i < n; i++) {
      const vi = vectors.data[i * n + k]! * weight
      for (let j = 0; j < n; j++) result.data[i * n + j]! += vi * vectors.data[j * n + k]!
    }
  }
  return result
}

export interface SingularValueDecomposition {
  /** rows × k, orthonormal columns (k = the smaller dimension). */
  u: Matrix
  /** k values, descending. */
  values: Float64Array
  /** cols × k; a column whose singular value is (numerically) zero is left zero. */
  v: Matrix
}

/**
 * Thin SVD of a small matrix through the eigendecomposition of its Gram matrix on the shorter side
 * (fine for the well-scaled o×o matrices of CCA, whose singular values are correlations in 0…1).
 */
export function singularValueDecomposition(m: Matrix): SingularValueDecomposition {
  const wide = m.rows <= m.cols
  const k = Math.min(m.rows, m.cols)
  // For a wide m the left vectors come from m·mᵀ and the right ones follow as mᵀu/σ; a tall m the other way round.
  const a = wide ? m : transpose(m)
  const gram = symmetricEigen(multiply(a, transpose(a)))
  const values = new Float64Array(k)
  const near = matrix(a.rows, k)
  const far = matrix(a.cols, k)
  for (let index = 0; index < k; index++) {
    const sigma = Math.sqrt(Math.max(0, gram.values[index]!))
    values[index] = sigma
    for (let i = 0; i < a.rows; i++) near.data[i * k + index] = gram.vectors.data[i * a.rows + index]!
    if (sigma <= 1e-12) continue
    for (let j = 0; j < a.cols; j++) {
      let sum = 0
      for (let i = 0; i < a.rows; i++) sum += a.data[i * a.cols + j]! * gram.vectors.data[i * a.rows + index]!
      far.data[j * k + index] = sum / sigma
    }
  }
  return wide ? { u: near, values, v: far } : { u: far, values, v: near }
}

/** Columns scaled: m · diag(scale). */
export function scaleColumns(m: Matrix, scale: ArrayLike<number>): Matrix {
  const result = matrix(m.rows, m.cols)
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) result.data[i * m.cols + j] = m.data[i * m.cols + j]! * scale[j]!
  return result
}

/** The matrix with each column's mean removed. */
export function centreColumns(m: Matrix): Matrix {
  const means = columnMeans(m)
  const result = matrix(m.rows, m.cols)
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) result.data[i * m.cols + j] = m.data[i * m.cols + j]! - means[j]!
  return result
}

/** The first `count` columns. */
export function leadingColumns(m: Matrix, count: number): Matrix {
  const result = matrix(m.rows, count)
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < count; j++) result.data[i * count + j] = m.data[i * m.cols + j]!
  return result
}
