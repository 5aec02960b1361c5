import { describe, expect, it } from 'vitest'
import { Random } from '../../../src/shared/sim/random'
import { adamKernel, adamLanes, type LinearMemory } from '../../../src/trainer/wasm-adam'

describe("Adam's SIMD update", () => {
  // The wasm backend's memory is shared when it runs threads, plain otherwise.
  it.each([false, true])('updates parameters and moments in a wasm memory (shared: %s) as the formula says', (shared) => {
    const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: new (descriptor: object) => LinearMemory } }).WebAssembly
    const memory = new Memory({ initial: 1, maximum: 65536, shared })
    const adam = adamKernel(memory)
    expect(adam).not.toBeNull()
    const size = 1000
    const random = new Random(5)
    const values = new Float32Array(memory.buffer, 0, 4 * size)
    values.forEach((_, index) => (values[index] = index < 3 * size ? random.normal() : Math.abs(random.normal())))
    const [parameters, gradient, first, second] = [0, 1, 2, 3].map((part) => values.slice(part * size, (part + 1) * size)) as [Float32Array, Float32Array, Float32Array, Float32Array]
    const [beta1, beta2, stepSize, secondScale, epsilon] = [0.9, 0.999, 0.01, 1.5, 1e-7]
    // Only whole vectors: the caller does the rest; the untouched tail shows that the loop stops in time.
    const vectorised = size - (size % adamLanes) - adamLanes
    adam!(0, 4 * size, 8 * size, 12 * size, 4 * vectorised, beta1, 1 - beta1, beta2, 1 - beta2, stepSize, secondScale, epsilon)
    const after = (part: number, index: number) => values[part * size + index]!
    for (let index = 0; index < size; index++) {
      const g = gradient[index]!
      const m = beta1 * first[index]! + (1 - beta1) * g
      const v = beta2 * second[index]! + (1 - beta2) * g * g
      const p = parameters[index]! - (stepSize * m) / (Math.sqrt(v * secondScale) + epsilon)
      const updated = index < vectorised
      expect(after(0, index)).toBeCloseTo(updated ? p : parameters[index]!, 5)
      expect(after(1, index)).toBe(g)
      expect(after(2, index)).toBeCloseTo(updated ? m : first[index]!, 6)
      expect(after(3, index)).toBeCloseTo(updated ? v : second[index]!, 6)
    }
  })
})
