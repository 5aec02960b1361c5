/**
 * Adam (Kingma & Ba 2015) with the whole update of a variable in one pass. tf.train.adam spends
 * about ten backend ops per variable per step; on wasm that was a third of a DCCA step once the
 * products went to a native BLAS. Same update as tf.train.adam, same defaults.
 *
 * The moments are tensors of the backend, like the variables: each update reads a variable, its
 * gradient and its moments where they lie and writes all three anew (computeFloat32), so nothing
 * shared is ever changed in place. On wasm the update is a SIMD function in its memory
 * (src/trainer/wasm-kernels.ts); elsewhere, the loop below.
 */
import * as tf from '@tensorflow/tfjs-core'
import { computeFloat32, currentWasmKernels } from './backend'
import { checkState, type Optimizer, type OptimizerState } from './optimizers'
import type { AdamArrays, AdamConstants } from './wasm-kernels'

interface Moments {
  first: tf.Tensor
  second: tf.Tensor
}

/** One variable's update; a function of its own so that the engine optimises this loop once. */
function adamLoop({ parameters, gradient, first, second, next, nextFirst, nextSecond }: AdamArrays, { beta1, beta2, stepSize, secondScale, epsilon }: AdamConstants): void {
  const keep1 = 1 - beta1
  const keep2 = 1 - beta2
  for (let index = 0; index < gradient.length; index++) {
    const g = gradient[index]!
    const m = beta1 * first[index]! + keep1 * g
    const v = beta2 * second[index]! + keep2 * g * g
    nextFirst[index] = m
    nextSecond[index] = v
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
    const constants: AdamConstants = {
      beta1: this.beta1,
      beta2: this.beta2,
      stepSize: this.learningRate / (1 - this.beta1 ** this.step),
      secondScale: 1 / (1 - this.beta2 ** this.step),
      epsilon: this.epsilon,
    }
    const update = currentWasmKernels()?.adam ?? adamLoop
    for (const variable of variables) {
      const moments = this.momentsOf(variable)
      const shape = variable.shape
      const [next, first, second] = computeFloat32([shape, shape, shape], [variable, grads[variable.name]!, moments.first, moments.second], ([next, nextFirst, nextSecond], [parameters, gradient, first, second]) =>
        update({ parameters: parameters!, gradient: gradient!, first: first!, second: second!, next: next!, nextFirst: nextFirst!, nextSecond: nextSecond! }, constants),
      )
      variable.assign(next!)
      next!.dispose()
      this.setMoments(variable, first!, second!)
    }
    tf.dispose(Object.values(grads))
    return value
  }

  getState(variables: tf.Variable[]): OptimizerState {
    return {
      name: this.name,
      step: this.step,
      slots: variables.map((variable) => {
        const { first, second } = this.momentsOf(variable)
        return [Float32Array.from(first.dataSync() as Float32Array), Float32Array.from(second.dataSync() as Float32Array)]
      }),
    }
  }

  setState(state: OptimizerState, variables: tf.Variable[]): void {
    checkState(state, this.name, 2, variables)
    this.dispose()
    this.step = state.step
    variables.forEach((variable, index) => {
      const [first, second] = state.slots[index]!
      this.setMoments(variable, tf.tensor(first!, variable.shape, 'float32'), tf.tensor(second!, variable.shape, 'float32'))
    })
  }

  dispose(): void {
    for (const { first, second } of this.moments.values()) tf.dispose([first, second])
    this.moments.clear()
  }

  private momentsOf(variable: tf.Variable): Moments {
    if (!this.moments.has(variable)) this.setMoments(variable, tf.zeros(variable.shape, 'float32'), tf.zeros(variable.shape, 'float32'))
    return this.moments.get(variable)!
  }

  /** Replaces a variable's moments; they outlive the tidy scope the step runs in. */
  private setMoments(variable: tf.Variable, first: tf.Tensor, second: tf.Tensor): void {
    const previous = this.moments.get(variable)
    if (previous) tf.dispose([previous.first, previous.second])
    this.moments.set(variable, { first: tf.keep(first), second: tf.keep(second) })
  }
}
