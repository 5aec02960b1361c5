/**
 * Adam (Kingma & Ba 2015) with the whole update of a variable in one pass over plain arrays.
 * tf.train.adam spends about ten backend ops per variable per step; on wasm that was a third of a
 * DCCA step once the products went to a native BLAS. Same update as tf.train.adam, same defaults.
 * On wasm the pass reads the gradient and rewrites the variable where they lie in wasm memory;
 * a variable whose data another tensor shares (a clone kept as a checkpoint) gets new data instead,
 * so that the other tensor keeps its values. Other backends copy the values out and back.
 */
import * as tf from '@tensorflow/tfjs-core'
import { valuesInPlace, writableValuesInPlace } from './backend'

interface Moments {
  first: Float32Array
  second: Float32Array
}

/** One variable's update; a function of its own so that the engine optimises this loop once. */
function adamUpdate(parameters: Float32Array, moments: Moments, gradient: Float32Array, beta1: number, beta2: number, stepSize: number, secondScale: number, epsilon: number): void {
  const { first, second } = moments
  const keep1 = 1 - beta1
  const keep2 = 1 - beta2
  for (let index = 0; index < gradient.length; index++) {
    const g = gradient[index]!
    const m = beta1 * first[index]! + keep1 * g
    const v = beta2 * second[index]! + keep2 * g * g
    first[index] = m
    second[index] = v
    parameters[index] = parameters[index]! - (stepSize * m) / (Math.sqrt(v * secondScale) + epsilon)
  }
}

export class FusedAdam {
  private step = 0
  private readonly moments = new Map<tf.Variable, Moments>()

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
    // m̂ / (√v̂ + ε) with the bias corrections folded into two constants.
    const stepSize = this.learningRate / (1 - this.beta1 ** this.step)
    const secondScale = 1 / (1 - this.beta2 ** this.step)
    for (const variable of variables) {
      let moments = this.moments.get(variable)
      if (!moments) {
        moments = { first: new Float32Array(variable.size), second: new Float32Array(variable.size) }
        this.moments.set(variable, moments)
      }
      const gradient = grads[variable.name]!
      const inPlace = writableValuesInPlace(variable)
      if (inPlace) {
        adamUpdate(inPlace, moments, valuesInPlace(gradient)!, this.beta1, this.beta2, stepSize, secondScale, this.epsilon)
        continue
      }
      const parameters = (variable.dataSync() as Float32Array).slice()
      adamUpdate(parameters, moments, gradient.dataSync() as Float32Array, this.beta1, this.beta2, stepSize, secondScale, this.epsilon)
      const next = tf.tensor(parameters, variable.shape, 'float32')
      variable.assign(next)
      next.dispose()
    }
    tf.dispose(Object.values(grads))
    return value
  }
}
