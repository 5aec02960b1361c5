/**
 * Adam (Kingma & Ba 2015) with the whole update of a variable in one pass over plain arrays.
 * tf.train.adam spends about ten backend ops per variable per step; on wasm that was a third of a
 * DCCA step once the products went to a native BLAS. Same update as tf.train.adam, same defaults.
 */
import * as tf from '@tensorflow/tfjs-core'

export class FusedAdam {
  private step = 0
  private readonly moments = new Map<tf.Variable, { first: Float32Array; second: Float32Array }>()

  constructor(
    private readonly learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-7,
  ) {}

  /** One step down the gradient of `loss` with respect to `variables`; returns the loss. */
  minimize(loss: () => tf.Scalar, variables: tf.Variable[]): tf.Scalar {
    const { value, grads } = tf.variableGrads(loss, variables)
    this.step++
    const firstCorrection = 1 - this.beta1 ** this.step
    const secondCorrection = 1 - this.beta2 ** this.step
    const { beta1, beta2, epsilon } = this
    const rate = this.learningRate
    for (const variable of variables) {
      const gradient = grads[variable.name]!.dataSync() as Float32Array
      const parameters = variable.dataSync() as Float32Array
      let moments = this.moments.get(variable)
      if (!moments) {
        moments = { first: new Float32Array(gradient.length), second: new Float32Array(gradient.length) }
        this.moments.set(variable, moments)
      }
      const { first, second } = moments
      const updated = new Float32Array(parameters.length)
      for (let index = 0; index < gradient.length; index++) {
        const g = gradient[index]!
        const m = beta1 * first[index]! + (1 - beta1) * g
        const v = beta2 * second[index]! + (1 - beta2) * g * g
        first[index] = m
        second[index] = v
        updated[index] = parameters[index]! - (rate * (m / firstCorrection)) / (Math.sqrt(v / secondCorrection) + epsilon)
      }
      const next = tf.tensor(updated, variable.shape, 'float32')
      variable.assign(next)
      next.dispose()
    }
    tf.dispose(Object.values(grads))
    return value
  }
}
