/**
 * Adam (Kingma & Ba 2015) with the whole update of a variable in one pass. tf.train.adam spends
 * about ten backend ops per variable per step; on wasm that was a third of a DCCA step once the
 * products went to a native BLAS. Same update as tf.train.adam, same defaults.
 *
 * On wasm the pass runs where the values lie, in wasm memory: a SIMD function (src/trainer/wasm-adam.ts)
 * reads the gradient and rewrites the variable and the moments, which the optimizer keeps there.
 * A variable whose data another tensor shares (a clone kept as a checkpoint) first gets data of
 * its own, so that the other tensor keeps its values. Other backends copy the values out and back.
 */
import * as tf from '@tensorflow/tfjs-core'
import { activeWasmHeap, type WasmHeap } from './backend'
import { checkState, type Optimizer, type OptimizerState } from './optimizers'
import { adamKernel, adamLanes, type AdamKernel } from './wasm-adam'

interface Moments {
  first: Float32Array
  second: Float32Array
}

interface Step {
  beta1: number
  beta2: number
  stepSize: number
  secondScale: number
  epsilon: number
}

/** One variable's update in JavaScript; a function of its own so that the engine optimises this loop once. */
function adamUpdate(parameters: Float32Array, moments: Moments, gradient: Float32Array, { beta1, beta2, stepSize, secondScale, epsilon }: Step): void {
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

/** Moments kept in wasm memory, freed with the optimizer. */
const releaseMoments = new FinalizationRegistry<{ heap: WasmHeap; addresses: number[] }>(({ heap, addresses }) => addresses.forEach((address) => heap.free(address)))

export class FusedAdam implements Optimizer {
  readonly name = 'adam'
  private step = 0
  private readonly moments = new Map<tf.Variable, Moments>()
  /** On wasm: each variable's moments (first, then second) at one address. */
  private readonly wasmMoments = new Map<tf.Variable, number>()
  private wasm: { heap: WasmHeap; kernel: AdamKernel | null; addresses: number[] } | null = null

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
    const step: Step = {
      beta1: this.beta1,
      beta2: this.beta2,
      stepSize: this.learningRate / (1 - this.beta1 ** this.step),
      secondScale: 1 / (1 - this.beta2 ** this.step),
      epsilon: this.epsilon,
    }
    const heap = activeWasmHeap()
    for (const variable of variables) {
      const gradient = grads[variable.name]!
      if (heap && heap.address(variable) !== null && heap.address(gradient) !== null) this.updateOnWasm(heap, variable, gradient, step)
      else this.updateCopying(variable, gradient, step)
    }
    tf.dispose(Object.values(grads))
    return value
  }

  getState(variables: tf.Variable[]): OptimizerState {
    return {
      name: this.name,
      step: this.step,
      slots: variables.map((variable) => {
        const address = this.wasmMoments.get(variable)
        if (address !== undefined) {
          const both = new Float32Array(this.wasm!.heap.memory.buffer, address, 2 * variable.size)
          return [both.slice(0, variable.size), both.slice(variable.size)]
        }
        const moments = this.moments.get(variable)
        return moments ? [moments.first.slice(), moments.second.slice()] : [new Float32Array(variable.size), new Float32Array(variable.size)]
      }),
    }
  }

  /** The moments wait in JavaScript arrays; on wasm they move into its memory at the next step. */
  setState(state: OptimizerState, variables: tf.Variable[]): void {
    checkState(state, this.name, 2, variables)
    this.dispose()
    this.step = state.step
    variables.forEach((variable, index) => {
      const [first, second] = state.slots[index]!
      this.moments.set(variable, { first: first!.slice(), second: second!.slice() })
    })
  }

  /** Frees the moments, those in wasm memory now rather than when the optimizer is collected. */
  dispose(): void {
    this.moments.clear()
    if (!this.wasm) return
    releaseMoments.unregister(this)
    this.wasm.addresses.forEach((address) => this.wasm!.heap.free(address))
    this.wasm = null
    this.wasmMoments.clear()
  }

  private updateOnWasm(heap: WasmHeap, variable: tf.Variable, gradient: tf.Tensor, step: Step): void {
    if (!this.wasm) {
      this.wasm = { heap, kernel: adamKernel(heap.memory), addresses: [] }
      releaseMoments.register(this, { heap, addresses: this.wasm.addresses }, this)
    }
    const size = variable.size
    let moments = this.wasmMoments.get(variable)
    if (moments === undefined) {
      moments = heap.allocate(2 * 4 * size)
      this.wasm.addresses.push(moments)
      const both = new Float32Array(heap.memory.buffer, moments, 2 * size)
      const saved = this.moments.get(variable)
      if (saved) {
        both.set(saved.first)
        both.set(saved.second, size)
        this.moments.delete(variable)
      } else both.fill(0)
      this.wasmMoments.set(variable, moments)
    }
    if (!heap.owns(variable)) {
      const own = tf.tensor(variable.dataSync(), variable.shape, 'float32')
      variable.assign(own)
      own.dispose()
    }
    const [parameters, gradientAt, first, second] = [heap.address(variable)!, heap.address(gradient)!, moments, moments + 4 * size]
    const vectorised = this.wasm.kernel ? size - (size % adamLanes) : 0
    if (vectorised) this.wasm.kernel!(parameters, gradientAt, first, second, 4 * vectorised, step.beta1, 1 - step.beta1, step.beta2, 1 - step.beta2, step.stepSize, step.secondScale, step.epsilon)
    if (vectorised === size) return
    const view = (address: number) => new Float32Array(heap.memory.buffer, address + 4 * vectorised, size - vectorised)
    adamUpdate(view(parameters), { first: view(first), second: view(second) }, view(gradientAt), step)
  }

  private updateCopying(variable: tf.Variable, gradient: tf.Tensor, step: Step): void {
    let moments = this.moments.get(variable)
    if (!moments) {
      moments = { first: new Float32Array(variable.size), second: new Float32Array(variable.size) }
      this.moments.set(variable, moments)
    }
    const parameters = (variable.dataSync() as Float32Array).slice()
    adamUpdate(parameters, moments, gradient.dataSync() as Float32Array, step)
    const next = tf.tensor(parameters, variable.shape, 'float32')
    variable.assign(next)
    next.dispose()
  }
}
