/**
 * The optimisers training runs, chosen by name (src/shared/dcca-training.ts lists the names): Adam
 * (Kingma & Ba 2015) and RMSprop (Hinton's, as Keras has it). Each does the whole update of a
 * variable in one pass over plain arrays: tf.train's optimisers spend about ten backend ops per
 * variable per step, and on wasm that was a third of a DCCA step once the products went to a
 * native BLAS. Same updates and defaults as Keras.
 *
 * Between steps an optimiser owns its variables' values: it keeps them in its own arrays and writes
 * them to the variables after each update, so nothing else may assign to them meanwhile (restoring
 * a checkpoint goes through `setState`, which takes the values from the variables again).
 */
import * as tf from '@tensorflow/tfjs-core'
import type { OptimizerName } from '../shared/dcca-training'

/** What a checkpoint keeps of an optimiser: its step count and each variable's slots, in the order of the variables. */
export interface OptimizerState {
  name: OptimizerName
  step: number
  /** slots[v][s]: slot s (Adam: first and second moments; RMSprop: mean square) of variable v. */
  slots: Float32Array[][]
}

export interface Optimizer {
  readonly name: OptimizerName
  /** One step down the gradient of `loss` with respect to `variables`; returns the loss. */
  minimize(loss: () => tf.Scalar, variables: tf.Variable[]): tf.Scalar
  /** Its state for `variables` (zeros for a variable it has not updated yet). */
  getState(variables: tf.Variable[]): OptimizerState
  /** Continues from a saved state; the variables must hold the weights saved with it. */
  setState(state: OptimizerState, variables: tf.Variable[]): void
}

interface VariableState {
  parameters: Float32Array
  slots: Float32Array[]
}

/** Per-variable arrays, the gradient pass, and the write-back; subclasses give the update rule. */
abstract class FusedOptimizer implements Optimizer {
  abstract readonly name: OptimizerName
  protected step = 0
  private readonly states = new Map<tf.Variable, VariableState>()

  protected abstract readonly slotCount: number
  /** Updates parameters and slots in place for this step's gradient. */
  protected abstract update(state: VariableState, gradient: Float32Array): void

  minimize(loss: () => tf.Scalar, variables: tf.Variable[]): tf.Scalar {
    const { value, grads } = tf.variableGrads(loss, variables)
    this.step++
    for (const variable of variables) {
      const state = this.stateOf(variable)
      this.update(state, grads[variable.name]!.dataSync() as Float32Array)
      const next = tf.tensor(state.parameters, variable.shape, 'float32')
      variable.assign(next)
      next.dispose()
    }
    tf.dispose(Object.values(grads))
    return value
  }

  getState(variables: tf.Variable[]): OptimizerState {
    return { name: this.name, step: this.step, slots: variables.map((variable) => this.stateOf(variable).slots.map((slot) => Float32Array.from(slot))) }
  }

  setState(state: OptimizerState, variables: tf.Variable[]): void {
    if (state.name !== this.name) throw new RangeError(`the saved optimiser state is ${state.name}'s, not ${this.name}'s`)
    if (state.slots.length !== variables.length) throw new RangeError(`the saved optimiser state has ${state.slots.length} variables, the model ${variables.length}`)
    this.states.clear()
    this.step = state.step
    variables.forEach((variable, index) => {
      const slots = state.slots[index]!
      if (slots.length !== this.slotCount || slots.some((slot) => slot.length !== variable.size)) throw new RangeError(`the saved optimiser state does not fit variable ${variable.name} (${variable.shape.join('×')})`)
      this.states.set(variable, { parameters: Float32Array.from(variable.dataSync() as Float32Array), slots: slots.map((slot) => Float32Array.from(slot)) })
    })
  }

  private stateOf(variable: tf.Variable): VariableState {
    let state = this.states.get(variable)
    if (!state) {
      const parameters = Float32Array.from(variable.dataSync() as Float32Array)
      state = { parameters, slots: Array.from({ length: this.slotCount }, () => new Float32Array(parameters.length)) }
      this.states.set(variable, state)
    }
    return state
  }
}

/** One variable's Adam update; a function of its own so that the engine optimises this loop once. */
function adamUpdate(parameters: Float32Array, first: Float32Array, second: Float32Array, gradient: Float32Array, beta1: number, beta2: number, stepSize: number, secondScale: number, epsilon: number): void {
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

export class FusedAdam extends FusedOptimizer {
  readonly name = 'adam'
  protected readonly slotCount = 2

  constructor(
    private readonly learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-7,
  ) {
    super()
  }

  protected update(state: VariableState, gradient: Float32Array): void {
    // m̂ / (√v̂ + ε) with the bias corrections folded into two constants.
    const stepSize = this.learningRate / (1 - this.beta1 ** this.step)
    const secondScale = 1 / (1 - this.beta2 ** this.step)
    adamUpdate(state.parameters, state.slots[0]!, state.slots[1]!, gradient, this.beta1, this.beta2, stepSize, secondScale, this.epsilon)
  }
}

function rmspropUpdate(parameters: Float32Array, meanSquare: Float32Array, gradient: Float32Array, learningRate: number, rho: number, epsilon: number): void {
  const keep = 1 - rho
  for (let index = 0; index < gradient.length; index++) {
    const g = gradient[index]!
    const ms = rho * meanSquare[index]! + keep * g * g
    meanSquare[index] = ms
    parameters[index] = parameters[index]! - (learningRate * g) / (Math.sqrt(ms) + epsilon)
  }
}

/** Keras's RMSprop (ρ 0.9, ε 1e-7 outside the root, no momentum), which the paper's retrieval model used. */
export class FusedRmsprop extends FusedOptimizer {
  readonly name = 'rmsprop'
  protected readonly slotCount = 1

  constructor(
    private readonly learningRate: number,
    private readonly rho = 0.9,
    private readonly epsilon = 1e-7,
  ) {
    super()
  }

  protected update(state: VariableState, gradient: Float32Array): void {
    rmspropUpdate(state.parameters, state.slots[0]!, gradient, this.learningRate, this.rho, this.epsilon)
  }
}

export function createOptimizer(name: OptimizerName, learningRate: number): Optimizer {
  return name === 'rmsprop' ? new FusedRmsprop(learningRate) : new FusedAdam(learningRate)
}
