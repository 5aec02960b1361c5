/**
 * The Deep CCA objective and its closed-form gradient, in float64 (REFERENCE §2). Given a minibatch
 * of two networks' outputs H1 (m×o1) and H2 (m×o2), the objective is a function of the canonical
 * correlations d (singular values of T = Σ11^{-½} Σ12 Σ22^{-½}) and is to be maximised:
 *
 *   trace      Σ d_i             Andrew et al. 2013 (total correlation)
 *   topk       Σ_{i≤k} d_i       the k strongest only
 *   frobenius  √Σ d_i²           the authors' code of arXiv 1712.05197
 *   sumsq      Σ d_i²            cca_zoo's current default
 *
 * For any f = Σ φ(d_i) (and √ of one) the gradient is, with G = U diag(w) Vᵀ, w_i = ∂f/∂d_i:
 *   ∇12 = K11 G K22,  ∇11 = −½ K11 U diag(w∘d) Uᵀ K11,  ∇22 = −½ K22 V diag(w∘d) Vᵀ K22
 * (Andrew et al.'s formula is w = 1), and ∂f/∂H1 = (2 H̄1 ∇11 + H̄2 ∇12ᵀ)/(m−1),
 * ∂f/∂H2 = (H̄1 ∇12 + 2 H̄2 ∇22)/(m−1). The large products (covariance, gradient) are left to
 * whoever holds H; only the o×o part is here.
 */
import { centreColumns, concatenateColumns, crossCovariance, matrix, multiply, multiplyTransposed, singularValueDecomposition, splitColumns, symmetricPower, type Matrix } from './linalg'

export const dccaObjectives = ['trace', 'topk', 'frobenius', 'sumsq'] as const
export type DccaObjective = (typeof dccaObjectives)[number]

export interface DccaObjectiveOptions {
  objective: DccaObjective
  /** Ridges added to each view's covariance diagonal (r·I). */
  ridge1: number
  ridge2: number
  /** How many correlations `topk` sums. */
  topK?: number
}

export interface DccaValue {
  /** The objective (larger is better); the training loss is its negative. */
  value: number
  /** Canonical correlations of the batch, descending. */
  correlations: Float64Array
}

export interface DccaGradient extends DccaValue {
  /** ∂value/∂H1 (m×o1) and ∂value/∂H2 (m×o2). */
  grad1: Matrix
  grad2: Matrix
}

/** The objective's value from the correlations and its weights w_i = ∂value/∂d_i. */
export function objectiveWeights(correlations: Float64Array, options: DccaObjectiveOptions): { value: number; weights: Float64Array } {
  const weights = new Float64Array(correlations.length)
  let value = 0
  switch (options.objective) {
    case 'trace':
      weights.fill(1)
      for (const d of correlations) value += d
      break
    case 'topk': {
      const k = options.topK ?? correlations.length
      if (!Number.isInteger(k) || k < 1) throw new RangeError(`top-k needs a whole number k ≥ 1, not ${k}`)
      for (let index = 0; index < Math.min(k, correlations.length); index++) {
        weights[index] = 1
        value += correlations[index]!
      }
      break
    }
    case 'sumsq':
      correlations.forEach((d, index) => {
        weights[index] = 2 * d
        value += d * d
      })
      break
    case 'frobenius': {
      for (const d of correlations) value += d * d
      value = Math.sqrt(value)
      if (value > 0) correlations.forEach((d, index) => (weights[index] = d / value))
      break
    }
  }
  return { value, weights }
}

export interface DccaCovarianceGradient extends DccaValue {
  /** ∂value/∂C for the joint covariance C of [H1 H2] (symmetric, (o1+o2)²). */
  gradient: Matrix
}

/**
 * The objective from the joint covariance C = H̄ᵀH̄/(m−1) of the concatenated outputs H = [H1 H2]
 * (the first `split` columns are view 1), and its gradient S with respect to C. The gradient with
 * respect to the outputs is then 2 H̄ S/(m−1): one matrix product, wherever H lives.
 */
export function dccaFromCovariance(covariance: Matrix, split: number, options: DccaObjectiveOptions): DccaCovarianceGradient {
  const size = covariance.rows
  const o1 = split
  const o2 = size - split
  const block = (row0: number, rows: number, col0: number, cols: number, ridge = 0) => {
    const result = matrix(rows, cols)
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) result.data[i * cols + j] = covariance.data[(row0 + i) * size + col0 + j]! + (i === j ? ridge : 0)
    return result
  }
  const k11 = symmetricPower(block(0, o1, 0, o1, options.ridge1), -0.5)
  const k22 = symmetricPower(block(o1, o2, o1, o2, options.ridge2), -0.5)
  const t = multiply(multiply(k11, block(0, o1, o1, o2)), k22)
  const { u, values: correlations, v } = singularValueDecomposition(t)
  const { value, weights } = objectiveWeights(correlations, options)
  const halfWeightedD = weights.map((w, index) => -0.5 * w * correlations[index]!)

  const k11u = multiply(k11, u)
  const k22v = multiply(k22, v)
  const grad12 = multiplyTransposed(k11u, k22v, weights)
  const grad11 = multiplyTransposed(k11u, k11u, halfWeightedD)
  const grad22 = multiplyTransposed(k22v, k22v, halfWeightedD)
  // C12 and C21 = C12ᵀ each carry half of ∇12 in the symmetric gradient.
  const gradient = matrix(size, size)
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      gradient.data[i * size + j] =
        i < o1 && j < o1 ? grad11.data[i * o1 + j]! : i >= o1 && j >= o1 ? grad22.data[(i - o1) * o2 + j - o1]! : i < o1 ? 0.5 * grad12.data[i * o2 + j - o1]! : 0.5 * grad12.data[j * o2 + i - o1]!
    }
  }
  return { value, correlations, gradient }
}

/**
 * The objective of one minibatch and its gradient with respect to both views' outputs, all in
 * float64: the reference the training op (src/trainer/dcca-loss.ts) is checked against.
 */
export function dccaObjective(h1: Matrix, h2: Matrix, options: DccaObjectiveOptions): DccaGradient {
  const m = h1.rows
  if (h2.rows !== m) throw new RangeError(`the views have ${h1.rows} and ${h2.rows} rows; DCCA needs paired rows`)
  if (m < 2) throw new RangeError('DCCA needs at least two samples in a batch')
  const joint = concatenateColumns(h1, h2)
  const { value, correlations, gradient } = dccaFromCovariance(crossCovariance(joint, joint), h1.cols, options)
  const grad = multiply(centreColumns(joint), gradient)
  for (let index = 0; index < grad.data.length; index++) grad.data[index]! *= 2 / (m - 1)
  const split = splitColumns(grad, h1.cols)
  return { value, correlations, grad1: split[0], grad2: split[1] }
}
