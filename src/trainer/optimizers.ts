/**
 * The optimisers training runs, chosen by name (src/shared/dcca-training.ts lists the names): Adam
 * (src/trainer/adam.ts) and RMSprop as Keras has it, which the paper's retrieval model used. Each
 * does the whole update of a variable in one pass, from the variable and its gradient where they
 * lie into a new tensor (computeFloat32): tf.train's optimisers spend about ten backend ops per
 * variable per step. Their state can be saved and taken up again (checkpoints).
 */
import * as tf from '@tensorflow/tfjs-core'
import type { OptimizerName } from '../shared/dcca-training'
import { FusedAdam } from './adam'
import { computeFloat32 } from './backend'

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
  /** Frees what it holds outside the JavaScript heap. */
  dispose(): void
}

/** Refuses a saved state of another optimiser, or of another model. */
export function checkState(state: OptimizerState, name: OptimizerName, slotCount: number, variables: tf.Variable[]): void {
  if (state.name !== name) throw new RangeError(`the saved optimiser state is ${state.name}'s, not ${name}'s`)
  if (state.slots.length !== variables.length) throw new RangeError(`the saved optimiser state has ${state.slots.length} variables, the model ${variables.length}`)
  variables.forEach((variable, index) => {
    const slots = state.slots[index]!
    if (slots.length !== slotCount || slots.some((slot) => slot.length !== variable.size)) throw new RangeError(`the saved optimiser state does not fit variable ${variable.name} (${variable.shape.join('×')})`)
  })
}

function rmspropUpdate(next: Float32Array, parameters: Float32Array, gradient: Float32Array, meanSquare: Float32Array, learningRate: number, rho: number, epsilon: number): void {
  const keep = 1 - rho
  for (let index = 0; index < gradient.length; index++) {
    const g = gradient[index]!
    const ms = rho * meanSquare[index]! + keep * g * g
    meanSquare[index] = ms
    next[index] = parameters[index]! - (learningRate * g) / (Math.sqrt(ms) + epsilon)
  }
}

/** Keras's RMSprop: ρ 0.9, ε 1e-7 outside the root (tfjs puts it inside), no momentum. */
export class FusedRmsprop implements Optimizer {
  readonly name = 'rmsprop'
  private step = 0
  private readonly meanSquares = new Map<tf.Variable, Float32Array>()

  constructor(
    private readonly learningRate: number,
    private readonly rho = 0.9,
    private readonly epsilon = 1e-7,
  ) {}

  minimize(loss: () => tf.Scalar, variables: tf.Variable[]): tf.Scalar {
    const { value, grads } = tf.variableGrads(loss, variables)
    this.step++
    for (const variable of variables) {
      const meanSquare = this.meanSquareOf(variable)
      const [next] = computeFloat32([variable.shape], [variable, grads[variable.name]!], ([output], [parameters, gradient]) =>
        rmspropUpdate(output!, parameters!, gradient!, meanSquare, this.learningRate, this.rho, this.epsilon),
      )
      variable.assign(next!)
      next!.dispose()
    }
    tf.dispose(Object.values(grads))
    return value
  }

  getState(variables: tf.Variable[]): OptimizerState {
    return { name: this.name, step: this.step, slots: variables.map((variable) => [this.meanSquareOf(variable).slice()]) }
  }

  setState(state: OptimizerState, variables: tf.Variable[]): void {
    checkState(state, this.name, 1, variables)
    this.meanSquares.clear()
    this.step = state.step
    variables.forEach((variable, index) => this.meanSquares.set(variable, state.slots[index]![0]!.slice()))
  }

  dispose(): void {
    this.meanSquares.clear()
  }

  private meanSquareOf(variable: tf.Variable): Float32Array {
    let meanSquare = this.meanSquares.get(variable)
    if (!meanSquare) {
      meanSquare = new Float32Array(variable.size)
      this.meanSquares.set(variable, meanSquare)
    }
    return meanSquare
  }
}

export function createOptimizer(name: OptimizerName, learningRate: number): Optimizer {
  return name === 'rmsprop' ? new FusedRmsprop(learningRate) : new FusedAdam(learningRate)
}
