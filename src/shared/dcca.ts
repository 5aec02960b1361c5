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
 * ∂f/∂H2 = (H̄1 ∇12 + 2 H̄2 ∇22)/(m−1).
 */
import { add, centreColumns, crossCovariance, identity, multiply, scaleColumns, singularValueDecomposition, symmetricPower, transpose, type Matrix } from './linalg'

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

/** The objective of one minibatch and its gradient with respect to both views' outputs. */
export function dccaObjective(h1: Matrix, h2: Matrix, options: DccaObjectiveOptions): DccaGradient {
  const m = h1.rows
  if (h2.rows !== m) throw new RangeError(`the views have ${h1.rows} and ${h2.rows} rows; DCCA needs paired rows`)
  if (m < 2) throw new RangeError('DCCA needs at least two samples in a batch')
  const k11 = symmetricPower(add(crossCovariance(h1, h1), identity(h1.cols, options.ridge1)), -0.5)
  const k22 = symmetricPower(add(crossCovariance(h2, h2), identity(h2.cols, options.ridge2)), -0.5)
  const t = multiply(multiply(k11, crossCovariance(h1, h2)), k22)
  const { u, values: correlations, v } = singularValueDecomposition(t)
  const { value, weights } = objectiveWeights(correlations, options)
  const weightedD = weights.map((w, index) => -0.5 * w * correlations[index]!)

  const k11u = multiply(k11, u)
  const k22v = multiply(k22, v)
  const grad12 = multiply(scaleColumns(k11u, weights), transpose(k22v))
  const grad11 = multiply(scaleColumns(k11u, weightedD), transpose(k11u))
  const grad22 = multiply(scaleColumns(k22v, weightedD), transpose(k22v))

  const c1 = centreColumns(h1)
  const c2 = centreColumns(h2)
  const gradient = (quadratic: Matrix, cross: Matrix): Matrix => {
    const result = quadratic
    for (let index = 0; index < result.data.length; index++) result.data[index] = (2 * quadratic.data[index]! + cross.data[index]!) / (m - 1)
    return result
  }
  const grad1 = gradient(multiply(c1, grad11), multiply(c2, transpose(grad12)))
  const grad2 = gradient(multiply(c2, grad22), multiply(c1, grad12))
  return { value, correlations, grad1, grad2 }
}
