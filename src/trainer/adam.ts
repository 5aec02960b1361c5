/**
 * Adam (Kingma & Ba 2015) with the whole update of a variable in one pass over plain arrays.
 * tf.train.adam spends about ten backend ops per variable per step; on wasm that was a third of a
 * DCCA step once the products went to a native BLAS. Same update as tf.train.adam, same defaults.
 * Between steps the optimizer owns its variables' values: it keeps them in its own arrays and
 * writes them to the variables after each update, so nothing else may assign to them meanwhile.
 */
import * as tf from '@tensorflow/tfjs-core'
import { checkState, type Optimizer, type OptimizerState } from './optimizers'

interface State {
  parameters: Float32Array
  first: Float32Array
  second: Float32Array
}

/** One variable's update; a function of its own so that the engine optimises this loop once. */
function adamUpdate(state: State, gradient: Float32Array, beta1: number, beta2: number, stepSize: number, secondScale: number, epsilon: number): void {
  const { parameters, first, second } = state
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

export class FusedAdam implements Optimizer {
  readonly name = 'adam'
  private step = 0
  private readonly states = new Map<tf.Variable, State>()

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
      let state = this.states.get(variable)
      if (!state) {
        const parameters = Float32Array.from(variable.dataSync() as Float32Array)
        state = { parameters, first: new Float32Array(parameters.length), second: new Float32Array(parameters.length) }
        this.states.set(variable, state)
      }
      adamUpdate(state, grads[variable.name]!.dataSync() as Float32Array, this.beta1, this.beta2, stepSize, secondScale, this.epsilon)
      const next = tf.tensor(state.parameters, variable.shape, 'float32')
      variable.assign(next)
      next.dispose()
    }
    tf.dispose(Object.values(grads))
    return value
  }

  getState(variables: tf.Variable[]): OptimizerState {
    return {
      name: this.name,
      step: this.step,
      slots: variables.map((variable) => {
        const state = this.states.get(variable)
        return state ? [state.first.slice(), state.second.slice()] : [new Float32Array(variable.size), new Float32Array(variable.size)]
      }),
    }
  }

  setState(state: OptimizerState, variables: tf.Variable[]): void {
    checkState(state, this.name, 2, variables)
    this.states.clear()
    this.step = state.step
    variables.forEach((variable, index) => {
      const [first, second] = state.slots[index]!
      this.states.set(variable, { parameters: Float32Array.from(variable.dataSync() as Float32Array), first: first!.slice(), second: second!.slice() })
    })
  }

  dispose(): void {
    this.states.clear()
  }
}
