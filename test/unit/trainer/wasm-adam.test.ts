import { describe, expect, it } from 'vitest'
import { wasmAdam, type AdamArrays } from '../../../src/trainer/wasm-adam'

interface MemoryConstructor {
  new (descriptor: { initial: number; maximum?: number; shared?: boolean }): { buffer: ArrayBufferLike }
}
const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: MemoryConstructor } }).WebAssembly

describe('wasmAdam', () => {
  // 4·n + 3 values: whole SIMD turns and a rest done one by one. A threaded wasm build's memory is shared.
  it.each([
    ['its own', { initial: 1 }],
    ['a shared', { initial: 1, maximum: 16, shared: true }],
  ])('updates views of %s memory as Adam does', (_, descriptor) => {
    const memory = new Memory(descriptor)
    const length = 4 * 50 + 3
    // Not 16-byte aligned: tensors are only float-aligned.
    const [parameters, gradient, first, second, next, nextFirst, nextSecond] = Array.from({ length: 7 }, (_, index) => new Float32Array(memory.buffer, 4 + index * length * 4, length)) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array]
    for (let index = 0; index < length; index++) {
      parameters[index] = Math.sin(index)
      gradient[index] = Math.cos(index * 0.7) * 0.1
      first[index] = Math.sin(index * 1.3) * 0.01
      second[index] = (1 + Math.cos(index)) * 1e-4
    }
    const constants = { beta1: 0.9, beta2: 0.999, stepSize: 0.003, secondScale: 1.7, epsilon: 1e-7 }
    wasmAdam(memory)({ parameters, gradient, first, second, next, nextFirst, nextSecond } satisfies AdamArrays, constants)
    for (let index = 0; index < length; index++) {
      const m = 0.9 * first[index]! + 0.1 * gradient[index]!
      const v = 0.999 * second[index]! + 0.001 * gradient[index]! ** 2
      expect(nextFirst[index]).toBeCloseTo(m, 7)
      expect(nextSecond[index]).toBeCloseTo(v, 9)
      expect(next[index]).toBeCloseTo(parameters[index]! - (0.003 * m) / (Math.sqrt(v * 1.7) + 1e-7), 6)
    }
    // The inputs are left as they were.
    expect(parameters[7]).toBe(Math.fround(Math.sin(7)))
    expect(first[length - 1]).toBe(Math.fround(Math.sin((length - 1) * 1.3) * 0.01))
  })

  it('refuses arrays outside its memory', () => {
    const memory = new Memory({ initial: 1 })
    const inside = new Float32Array(memory.buffer, 0, 8)
    const outside = new Float32Array(8)
    expect(() => wasmAdam(memory)({ parameters: inside, gradient: inside, first: inside, second: inside, next: outside, nextFirst: inside, nextSecond: inside }, { beta1: 0.9, beta2: 0.999, stepSize: 0.001, secondScale: 1, epsilon: 1e-7 })).toThrow(/views of its memory/)
  })
})
