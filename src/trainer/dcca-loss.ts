/**
 * The DCCA loss as a tfjs op: the joint covariance of the two outputs is one product on the
 * backend, the o×o part (whitening, SVD, objective, its gradient) runs in float64 in TypeScript
 * (src/shared/dcca.ts), and the gradient reaches the networks as one more product, 2 H̄ S/(m−1),
 * through tf.customGrad. tfjs itself has no eigendecomposition or SVD.
 */
import * as tf from '@tensorflow/tfjs-core'
import { dccaFromCovariance, type DccaObjectiveOptions } from '../shared/dcca'
import { matrix } from '../shared/linalg'

export interface DccaLoss {
  /** −objective of the batch; differentiable with respect to both outputs. */
  (h1: tf.Tensor2D, h2: tf.Tensor2D): tf.Scalar
  /** Canonical correlations of the last batch it saw. */
  lastCorrelations(): Float64Array
}

export function dccaLoss(options: DccaObjectiveOptions): DccaLoss {
  let last: Float64Array = new Float64Array(0)
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [h1, h2, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc]
    const m = h1.shape[0]!
    const o1 = h1.shape[1]!
    const size = o1 + h2.shape[1]!
    const joint = tf.concat([h1, h2], 1)
    const centred = tf.sub(joint, tf.mean(joint, 0, true))
    const covariance = tf.matMul(centred, centred, true, false)
    const { value, correlations, gradient } = dccaFromCovariance(
      matrix(size, size, Float64Array.from(covariance.dataSync(), (sum) => sum / (m - 1))),
      o1,
      options,
    )
    last = correlations
    save([centred])
    return {
      value: tf.scalar(-value),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const scale = (-2 / (m - 1)) * dy.dataSync()[0]!
        const grad = tf.matMul(saved[0]!, tf.tensor2d(Float32Array.from(gradient.data, (entry) => entry * scale), [size, size]))
        return tf.split(grad, [o1, size - o1], 1)
      },
    }
  })
  const loss = ((h1: tf.Tensor2D, h2: tf.Tensor2D) => op(h1, h2) as tf.Scalar) as DccaLoss
  loss.lastCorrelations = () => last
  return loss
}
