/**
 * Regularised linear canonical correlation analysis: the final projection of the DCCA pipeline, the
 * retrieval evaluation's linear variant, and the yardstick for the simulated participant.
 */
import { add, columnMeans, crossCovariance, identity, matrix, leadingColumns, multiply, singularValueDecomposition, symmetricPower, type Matrix } from './linalg'

export interface CcaModel {
  /** Canonical correlations, descending. */
  correlations: Float64Array
  /** Column means removed before projecting. */
  mean1: Float64Array
  mean2: Float64Array
  /** features × components: project (x − mean) · weights. */
  weights1: Matrix
  weights2: Matrix
}

/**
 * Fits CCA to paired rows of two views (samples × features each). `ridge` is added to each view's
 * covariance diagonal (r·I), as in the DCCA objective. `components` defaults to the smaller width.
 */
export function fitCca(view1: Matrix, view2: Matrix, options: { ridge1?: number; ridge2?: number; components?: number } = {}): CcaModel {
  const s11 = add(crossCovariance(view1, view1), identity(view1.cols, options.ridge1 ?? 1e-4))
  const s22 = add(crossCovariance(view2, view2), identity(view2.cols, options.ridge2 ?? 1e-4))
  const s12 = crossCovariance(view1, view2)
  const k11 = symmetricPower(s11, -0.5)
  const k22 = symmetricPower(s22, -0.5)
  const t = multiply(multiply(k11, s12), k22)
  const { u, values, v } = singularValueDecomposition(t)
  const components = Math.min(options.components ?? values.length, values.length)
  return { correlations: values.slice(0, components), mean1: columnMeans(view1), mean2: columnMeans(view2), weights1: multiply(k11, leadingColumns(u, components)), weights2: multiply(k22, leadingColumns(v, components)) }
}

/** Rows of `view` projected onto the model's canonical directions. */
export function project(view: Matrix, mean: Float64Array, weights: Matrix): Matrix {
  const centred = matrix(view.rows, view.cols)
  for (let i = 0; i < view.rows; i++) for (let j = 0; j < view.cols; j++) centred.data[i * view.cols + j] = view.data[i * view.cols + j]! - mean[j]!
  return multiply(centred, weights)
}

/** Pearson correlation of each column pair (column k of a with column k of b). */
export function componentCorrelations(a: Matrix, b: Matrix): Float64Array {
  if (a.rows !== b.rows || a.cols !== b.cols) throw new RangeError(`cannot pair ${a.rows}×${a.cols} with ${b.rows}×${b.cols} components`)
  const covariance = crossCovariance(a, b)
  const variance1 = crossCovariance(a, a)
  const variance2 = crossCovariance(b, b)
  return Float64Array.from({ length: a.cols }, (_, k) => {
    const scale = Math.sqrt(variance1.data[k * a.cols + k]! * variance2.data[k * b.cols + k]!)
    return scale > 0 ? covariance.data[k * b.cols + k]! / scale : 0
  })
}
