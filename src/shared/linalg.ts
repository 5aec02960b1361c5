/**
 * The small dense float64 linear algebra CCA needs: row-major matrices, products, covariances, and
 * the symmetric eigendecomposition (Householder + QL: for the tens-to-hundreds of dimensions of CCA
 * and DCCA outputs).
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
  const { data: out } = result
  const { data: left } = a
  const { data: right } = b
  const width = b.cols
  for (let i = 0; i < a.rows; i++) {
    const outRow = i * width
    for (let k = 0; k < a.cols; k++) {
      const value = left[i * a.cols + k]!
      if (value === 0) continue
      const rightRow = k * width
      for (let j = 0; j < width; j++) out[outRow + j]! += value * right[rightRow + j]!
    }
  }
  return result
}

/**
 * a · diag(weights) · bᵀ (a: r×k, b: c×k; no weights: all 1). Both operands are read along their
 * rows and each entry is summed in one variable, which is several times faster here than `multiply`
 * with a transposed copy; with b = a the result is symmetric and only half of it is summed.
 */
export function multiplyTransposed(a: Matrix, b: Matrix, weights?: ArrayLike<number>): Matrix {
  if (a.cols !== b.cols) throw new RangeError(`cannot multiply ${a.rows}×${a.cols} by the transpose of ${b.rows}×${b.cols}`)
  const inner = a.cols
  const scale = weights ?? new Float64Array(inner).fill(1)
  if (scale.length !== inner) throw new RangeError(`${scale.length} weights for ${inner} columns`)
  const symmetric = a === b
  const result = matrix(a.rows, b.rows)
  const { data: out } = result
  const { data: left } = a
  const { data: right } = b
  for (let i = 0; i < a.rows; i++) {
    const leftRow = i * inner
    for (let j = symmetric ? i : 0; j < b.rows; j++) {
      const rightRow = j * inner
      let sum = 0
      for (let k = 0; k < inner; k++) sum += left[leftRow + k]! * scale[k]! * right[rightRow + k]!
      out[i * b.rows + j] = sum
      if (symmetric) out[j * b.rows + i] = sum
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
  const left = centreColumns(a).data
  const right = b === a ? left : centreColumns(b).data
  const result = matrix(a.cols, b.cols)
  const out = result.data
  const width = b.cols
  for (let n = 0; n < a.rows; n++) {
    const leftRow = n * a.cols
    const rightRow = n * width
    for (let i = 0; i < a.cols; i++) {
      const x = left[leftRow + i]!
      const outRow = i * width
      for (let j = 0; j < width; j++) out[outRow + j]! += x * right[rightRow + j]!
    }
  }
  for (let index = 0; index < out.length; index++) out[index]! /= a.rows - 1
  return result
}

export interface SymmetricEigen {
  /** Descending. */
  values: Float64Array
  /** Column k is the eigenvector of values[k]. */
  vectors: Matrix
}

/**
 * Eigenvalues and eigenvectors of a symmetric matrix: Householder reduction to tridiagonal form,
 * then implicit QL iterations with Wilkinson-style shifts, both accumulated into the eigenvectors.
 * About 10 n³ flops, a few times fewer than cyclic Jacobi, which matters in the DCCA loss (three
 * of these per training step).
 */
export function symmetricEigen(m: Matrix): SymmetricEigen {
  const n = m.rows
  if (m.cols !== n) throw new RangeError('eigendecomposition needs a square matrix')
  const a = Float64Array.from(m.data)
  // z accumulates the orthogonal transformations; its columns end up the eigenvectors.
  const z = identity(n).data
  const d = new Float64Array(n)
  const e = new Float64Array(n)

  const v = new Float64Array(n)
  const p = new Float64Array(n)
  for (let k = 0; k < n - 2; k++) {
    // Reflect x = a[k+1…, k] onto α·e₁ with H = I − β v vᵀ, acting on indices k+1…n−1.
    let norm = 0
    for (let i = k + 1; i < n; i++) norm += a[i * n + k]! ** 2
    norm = Math.sqrt(norm)
    if (norm === 0) continue
    const x0 = a[(k + 1) * n + k]!
    const alpha = x0 > 0 ? -norm : norm
    for (let i = k + 1; i < n; i++) v[i] = a[i * n + k]!
    v[k + 1] = x0 - alpha
    let vv = 0
    for (let i = k + 1; i < n; i++) vv += v[i]! ** 2
    if (vv === 0) continue
    const beta = 2 / vv
    // Trailing block A ← H A H = A − v wᵀ − w vᵀ with p = β A v, w = p − (vᵀp / vᵀv) v.
    let vp = 0
    for (let i = k + 1; i < n; i++) {
      let sum = 0
      for (let j = k + 1; j < n; j++) sum += a[i * n + j]! * v[j]!
      p[i] = beta * sum
      vp += v[i]! * p[i]!
    }
    const K = vp / vv
    for (let i = k + 1; i < n; i++) p[i] = p[i]! - K * v[i]!
    for (let i = k + 1; i < n; i++) {
      for (let j = k + 1; j < n; j++) a[i * n + j] = a[i * n + j]! - v[i]! * p[j]! - p[i]! * v[j]!
    }
    for (let i = k + 2; i < n; i++) a[i * n + k] = a[k * n + i] = 0
    a[(k + 1) * n + k] = a[k * n + k + 1] = alpha
    for (let row = 0; row < n; row++) {
      let sum = 0
      for (let j = k + 1; j < n; j++) sum += z[row * n + j]! * v[j]!
      sum *= beta
      for (let j = k + 1; j < n; j++) z[row * n + j] = z[row * n + j]! - sum * v[j]!
    }
  }
  for (let i = 0; i < n; i++) {
    d[i] = a[i * n + i]!
    e[i] = i + 1 < n ? a[(i + 1) * n + i]! : 0
  }

  // Implicit QL on the tridiagonal (diagonal d, sub-diagonal e[i] between i and i+1). An
  // off-diagonal entry is negligible beside its neighbours or beside the whole matrix (which
  // matters where eigenvalues are zero, e.g. constant features).
  let scale = 0
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(d[i]!) + Math.abs(e[i]!))
  const negligible = (i: number) => Math.abs(e[i]!) <= Number.EPSILON * Math.max(Math.abs(d[i]!) + Math.abs(d[i + 1]!), scale * Number.EPSILON)
  for (let l = 0; l < n; l++) {
    for (let iteration = 0; ; iteration++) {
      let last = l
      while (last < n - 1 && !negligible(last)) last++
      if (last === l) break
      if (iteration === 100) throw new Error('symmetric eigendecomposition did not converge')
      // Shift: the eigenvalue of the leading 2×2 block nearer d[l].
      let g = (d[l + 1]! - d[l]!) / (2 * e[l]!)
      let r = Math.hypot(g, 1)
      g = d[last]! - d[l]! + e[l]! / (g + (g >= 0 ? r : -r))
      let s = 1
      let c = 1
      let shift = 0
      let i = last - 1
      for (; i >= l; i--) {
        const f = s * e[i]!
        const b = c * e[i]!
        r = Math.hypot(f, g)
        e[i + 1] = r
        if (r === 0) {
          // Underflow: the block splits here; undo the partial shift and start over.
          d[i + 1] = d[i + 1]! - shift
          e[last] = 0
          break
        }
        s = f / r
        c = g / r
        g = d[i + 1]! - shift
        r = (d[i]! - g) * s + 2 * c * b
        shift = s * r
        d[i + 1] = g + shift
        g = c * r - b
        for (let row = 0; row < n; row++) {
          const zi = z[row * n + i]!
          const zi1 = z[row * n + i + 1]!
          z[row * n + i + 1] = s * zi + c * zi1
          z[row * n + i] = c * zi - s * zi1
        }
      }
      if (r === 0 && i >= l) continue
      d[l] = d[l]! - shift
      e[l] = g
      e[last] = 0
    }
  }

  const order = Array.from({ length: n }, (_, index) => index).sort((i, j) => d[j]! - d[i]!)
  const values = Float64Array.from(order, (index) => d[index]!)
  const vectors = matrix(n, n)
  order.forEach((from, to) => {
    for (let k = 0; k < n; k++) vectors.data[k * n + to] = z[k * n + from]!
  })
  return { values, vectors }
}

/**
 * A symmetric matrix raised to a power through its eigendecomposition (power −½ whitens a
 * covariance). Eigenvalues at or below `floor` are dropped, as in the DCCA objective.
 */
export function symmetricPower(m: Matrix, power: number, floor = 1e-12): Matrix {
  const { values, vectors } = symmetricEigen(m)
  return multiplyTransposed(vectors, vectors, values.map((value) => (value > floor ? value ** power : 0)))
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
  const gram = symmetricEigen(multiplyTransposed(a, a))
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

/** [a b]: the columns of a then those of b, row by row. */
export function concatenateColumns(a: Matrix, b: Matrix): Matrix {
  if (a.rows !== b.rows) throw new RangeError(`${a.rows} and ${b.rows} rows cannot stand side by side`)
  const result = matrix(a.rows, a.cols + b.cols)
  for (let i = 0; i < a.rows; i++) {
    result.data.set(a.data.subarray(i * a.cols, (i + 1) * a.cols), i * result.cols)
    result.data.set(b.data.subarray(i * b.cols, (i + 1) * b.cols), i * result.cols + a.cols)
  }
  return result
}

/** The inverse of concatenateColumns: the first `split` columns and the rest. */
export function splitColumns(m: Matrix, split: number): [Matrix, Matrix] {
  const left = matrix(m.rows, split)
  const right = matrix(m.rows, m.cols - split)
  for (let i = 0; i < m.rows; i++) {
    left.data.set(m.data.subarray(i * m.cols, i * m.cols + split), i * split)
    right.data.set(m.data.subarray(i * m.cols + split, (i + 1) * m.cols), i * right.cols)
  }
  return [left, right]
}

/**
 * The columns of m made orthonormal (modified Gram–Schmidt, applied twice, which keeps them
 * orthogonal to machine precision); a column that depends on the ones before it comes out zero.
 */
export function orthonormalColumns(m: Matrix): Matrix {
  const { rows, cols } = m
  const q = matrix(rows, cols, m.data)
  const d = q.data
  for (let j = 0; j < cols; j++) {
    let original = 0
    for (let i = 0; i < rows; i++) original += d[i * cols + j]! ** 2
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let dot = 0
        for (let i = 0; i < rows; i++) dot += d[i * cols + k]! * d[i * cols + j]!
        for (let i = 0; i < rows; i++) d[i * cols + j] = d[i * cols + j]! - dot * d[i * cols + k]!
      }
    }
    let norm = 0
    for (let i = 0; i < rows; i++) norm += d[i * cols + j]! ** 2
    norm = Math.sqrt(norm)
    const independent = norm > 1e-10 * Math.sqrt(original)
    for (let i = 0; i < rows; i++) d[i * cols + j] = independent ? d[i * cols + j]! / norm : 0
  }
  return q
}

/** A matrix known only through its products, so that a sparse or implicit one needs no dense copy. */
export interface LinearOperator {
  rows: number
  cols: number
  /** A · m (m: cols × k). */
  times(m: Matrix): Matrix
  /** Aᵀ · m (m: rows × k). */
  transposeTimes(m: Matrix): Matrix
}

export function denseOperator(a: Matrix): LinearOperator {
  return { rows: a.rows, cols: a.cols, times: (m) => multiply(a, m), transposeTimes: (m) => multiply(transpose(a), m) }
}

/**
 * The k leading singular triplets of a large matrix by randomised subspace iteration (Halko,
 * Martinsson & Tropp 2011): a Gaussian sketch of k + oversample columns, a few power iterations
 * that sharpen it towards the leading subspace, then the exact SVD of the small projected matrix.
 * `normal` draws standard normal values (seeded by the caller, so results repeat).
 */
export function truncatedSvd(a: LinearOperator, k: number, normal: () => number, options: { oversample?: number; powerIterations?: number } = {}): SingularValueDecomposition {
  const rank = Math.min(a.rows, a.cols)
  if (!Number.isInteger(k) || k < 1 || k > rank) throw new RangeError(`cannot keep ${k} singular values of a ${a.rows}×${a.cols} matrix (1…${rank})`)
  const width = Math.min(rank, k + (options.oversample ?? 10))
  const sketch = matrix(a.cols, width, Array.from({ length: a.cols * width }, normal))
  let q = orthonormalColumns(a.times(sketch))
  for (let iteration = 0; iteration < (options.powerIterations ?? 4); iteration++) q = orthonormalColumns(a.times(orthonormalColumns(a.transposeTimes(q))))
  // B = Qᵀ A (width × cols) = (Aᵀ Q)ᵀ; A ≈ Q B = (Q u) σ vᵀ.
  const small = singularValueDecomposition(transpose(a.transposeTimes(q)))
  return { u: leadingColumns(multiply(q, small.u), k), values: small.values.slice(0, k), v: leadingColumns(small.v, k) }
}
