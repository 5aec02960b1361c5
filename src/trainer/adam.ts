/**
 * Adam (Kingma & Ba 2015) with the whole update of a variable in one pass over plain arrays.
 * tf.train.adam spends about ten backend ops per variable per step; on wasm that was a third of a
 * DCCA step once the products went to a native BLAS. Same update as tf.train.adam, same defaults.
 * Each update reads the variable and its gradient where they lie and writes a new tensor
 * (computeFloat32), which the variable is then given.
 */
import * as tf from '@tensorflow/tfjs-core'
import { computeFloat32 } from './backend'
import { checkState, type Optimizer, type OptimizerState } from './optimizers'

interface Moments {
  first: Float32Array
  second: Float32Array
}

/** One variable's update; a function of its own so that the engine optimises this loop once. */
function adamUpdate(next: Float32Array, parameters: Float32Array, gradient: Float32Array, moments: Moments, beta1: number, beta2: number, stepSize: number, secondScale: number, epsilon: number): void {
  const { first, second } = moments
  const keep1 = 1 - beta1
  const keep2 = 1 - beta2
  for (let index = 0; index < gradient.length; index++) {
    const g = gradient[index]!
    const m = beta1 * first[index]! + keep1 * g
    const v = beta2 * second[index]! + keep2 * g * g
    first[index] = m
    second[index] = v
    next[index] = parameters[index]! - (stepSize * m) / (Math.sqrt(v * secondScale) + epsilon)
  }
}

export class FusedAdam implements Optimizer {
  readonly name = 'adam'
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
      const moments = this.momentsOf(variable)
      const next = computeFloat32(variable.shape, [variable, grads[variable.name]!], (output, [parameters, gradient]) =>
        adamUpdate(output, parameters!, gradient!, moments, this.beta1, this.beta2, stepSize, secondScale, this.epsilon),
      )
      variable.assign(next)
      next.dispose()
    }
    tf.dispose(Object.values(grads))
    return value
  }

  getState(variables: tf.Variable[]): OptimizerState {
    return { name: this.name, step: this.step, slots: variables.map((variable) => [this.momentsOf(variable).first.slice(), this.momentsOf(variable).second.slice()]) }
  }

  setState(state: OptimizerState, variables: tf.Variable[]): void {
    checkState(state, this.name, 2, variables)
    this.moments.clear()
    this.step = state.step
    variables.forEach((variable, index) => {
      const [first, second] = state.slots[index]!
      this.moments.set(variable, { first: first!.slice(), second: second!.slice() })
    })
  }

  dispose(): void {
    this.moments.clear()
  }

  private momentsOf(variable: tf.Variable): Moments {
    let moments = this.moments.get(variable)
    if (!moments) {
      moments = { first: new Float32Array(variable.size), second: new Float32Array(variable.size) }
      this.moments.set(variable, moments)
    }
    return moments
  }
}
