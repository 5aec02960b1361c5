import { describe, expect, it } from 'vitest'
import { wasmKernels } from '../../../src/trainer/wasm-kernels'

interface MemoryConstructor {
  new (descriptor: { initial: number; maximum?: number; shared?: boolean }): { buffer: ArrayBufferLike }
}
const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: MemoryConstructor } }).WebAssembly

// A threaded wasm build's memory is shared.
const memories = [
  ['its own', { initial: 1 }],
  ['a shared', { initial: 1, maximum: 16, shared: true }],
] as const

/** `count` views of `length` floats, one after the other from byte 4: tensors are float-aligned, not 16-byte. */
function views(memory: { buffer: ArrayBufferLike }, count: number, length: number): Float32Array[] {
  return Array.from({ length: count }, (_, index) => new Float32Array(memory.buffer, 4 + index * length * 4, length))
}

// 4·n + 3 values: whole SIMD turns and a rest done one by one.
const length = 4 * 50 + 3

describe('wasm kernels', () => {
  it.each(memories)('adam updates views of %s memory as Adam does, and leaves the inputs', (_, descriptor) => {
    const memory = new Memory(descriptor)
    const [parameters, gradient, first, second, next, nextFirst, nextSecond] = views(memory, 7, length) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array]
    for (let index = 0; index < length; index++) {
      parameters[index] = Math.sin(index)
      gradient[index] = Math.cos(index * 0.7) * 0.1
      first[index] = Math.sin(index * 1.3) * 0.01
      second[index] = (1 + Math.cos(index)) * 1e-4
    }
    const inputs = [parameters, gradient, first, second].map((input) => input.slice())
    wasmKernels(memory).adam({ parameters, gradient, first, second, next, nextFirst, nextSecond }, { beta1: 0.9, beta2: 0.999, stepSize: 0.003, secondScale: 1.7, epsilon: 1e-7 })
    for (let index = 0; index < length; index++) {
      const m = 0.9 * first[index]! + 0.1 * gradient[index]!
      const v = 0.999 * second[index]! + 0.001 * gradient[index]! ** 2
      expect(nextFirst[index]).toBeCloseTo(m, 7)
      expect(nextSecond[index]).toBeCloseTo(v, 9)
      expect(next[index]).toBeCloseTo(parameters[index]! - (0.003 * m) / (Math.sqrt(v * 1.7) + 1e-7), 6)
    }
    expect([parameters, gradient, first, second]).toEqual(inputs)
  })

  it.each(memories)('reluGradient passes dy where x > 0, else 0, on %s memory', (_, descriptor) => {
    const memory = new Memory(descriptor)
    const [dy, x, output] = views(memory, 3, length) as [Float32Array, Float32Array, Float32Array]
    for (let index = 0; index < length; index++) {
      dy[index] = index + 1
      x[index] = [-1, 0, 2, -0, 1e-30][index % 5]!
    }
    output.fill(Number.NaN)
    wasmKernels(memory).reluGradient(dy, x, output)
    expect(Array.from(output)).toEqual(Array.from(x, (value, index) => (value > 0 ? index + 1 : 0)))
  })

  it('refuses arrays outside its memory or of another length', () => {
    const memory = new Memory({ initial: 1 })
    const [inside, other] = views(memory, 2, 8) as [Float32Array, Float32Array]
    const kernels = wasmKernels(memory)
    expect(() => kernels.reluGradient(inside, other, new Float32Array(8))).toThrow(/views of their memory/)
    expect(() => kernels.reluGradient(inside, other.subarray(1), other)).toThrow(/all of one length/)
  })
})
