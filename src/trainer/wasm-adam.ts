/**
 * Adam's update of one variable as a WebAssembly SIMD function that works in the wasm backend's own
 * memory, on the tensors where they lie: four floats at a time, about four times faster than the
 * same loop in JavaScript (on the 3.1 M weights of the split-MNIST DCCA networks, 4 ms against 13–20).
 * tfjs-backend-wasm has no such kernel, and composing one from its element-wise kernels takes about
 * ten passes over memory. The module is small enough to be written here, instruction by instruction.
 *
 *   next = parameters − stepSize · m / (√(v · secondScale) + ε),
 *   m = β1 · first + keep1 · g,  v = β2 · second + keep2 · g²   (g the gradient; m and v kept as well)
 */
import type { LinearMemory } from './backend'

/** The parts of the WebAssembly API used here (the project's Node typings leave WebAssembly out). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> }
}

export interface AdamConstants {
  beta1: number
  beta2: number
  stepSize: number
  secondScale: number
  epsilon: number
}

/** Views of the wasm memory, all of one length: the inputs, then where the results go. */
export interface AdamArrays {
  parameters: Float32Array
  gradient: Float32Array
  first: Float32Array
  second: Float32Array
  next: Float32Array
  nextFirst: Float32Array
  nextSecond: Float32Array
}

export type AdamKernel = (arrays: AdamArrays, constants: AdamConstants) => void

const kernels = new WeakMap<LinearMemory, AdamKernel>()

/** The kernel for this memory (the module imports it, so one instance per memory). */
export function wasmAdam(memory: LinearMemory): AdamKernel {
  let kernel = kernels.get(memory)
  if (!kernel) {
    const { Module, Instance } = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly
    // A threaded build's memory is shared, and its import must say so.
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer
    const update = new Instance(new Module(adamModule(shared)), { env: { memory } }).exports.adam as (...args: number[]) => void
    kernel = (arrays, { beta1, beta2, stepSize, secondScale, epsilon }) => {
      const views = [arrays.parameters, arrays.gradient, arrays.first, arrays.second, arrays.next, arrays.nextFirst, arrays.nextSecond]
      if (views.some((view) => view.buffer !== memory.buffer || view.length !== arrays.gradient.length)) throw new RangeError('the Adam kernel takes views of its memory, all of one length')
      update(...views.map((view) => view.byteOffset), arrays.gradient.length, beta1, 1 - beta1, beta2, 1 - beta2, stepSize, secondScale, epsilon)
    }
    kernels.set(memory, kernel)
  }
  return kernel
}

// The binary format (WebAssembly core specification 2.0, chapter 5), as far as this module needs it.
const i32 = 0x7f
const f32 = 0x7d
const v128 = 0x7b

function leb128(value: number): number[] {
  const bytes: number[] = []
  do {
    const low = value & 0x7f
    value >>>= 7
    bytes.push(value ? low | 0x80 : low)
  } while (value)
  return bytes
}

const vector = (items: number[][]) => [...leb128(items.length), ...items.flat()]
const name = (text: string) => vector([...new TextEncoder().encode(text)].map((byte) => [byte]))
const section = (id: number, content: number[]) => [id, ...leb128(content.length), ...content]
const simd = (opcode: number) => [0xfd, ...leb128(opcode)]

const op = {
  get: (local: number) => [0x20, local],
  set: (local: number) => [0x21, local],
  tee: (local: number) => [0x22, local],
  i32: (value: number) => [0x41, ...leb128(value)],
  i32Add: [0x6a],
  i32Shl: [0x74],
  i32ShrU: [0x76],
  i32GeU: [0x4f],
  // Memory accesses: alignment 2^2 (the tensors are float-aligned, not 16-byte), offset 0.
  f32Load: [0x2a, 2, 0],
  f32Store: [0x38, 2, 0],
  f32Add: [0x92],
  f32Sub: [0x93],
  f32Mul: [0x94],
  f32Div: [0x95],
  f32Sqrt: [0x91],
  v128Load: [...simd(0x00), 2, 0],
  v128Store: [...simd(0x0b), 2, 0],
  splat: simd(0x13),
  f32x4Sqrt: simd(0xe3),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  f32x4Div: simd(0xe7),
}

/** A loop that ends when local `i` reaches local `end`: block, loop, br_if out of the block; the body; br to the loop. */
const loopUntil = (i: number, end: number, body: number[]) => [0x02, 0x40, 0x03, 0x40, ...op.get(i), ...op.get(end), ...op.i32GeU, 0x0d, 1, ...body, 0x0c, 0, 0x0b, 0x0b]

/**
 * adam(parameters, gradient, first, second, next, nextFirst, nextSecond: byte offsets, count,
 * β1, keep1, β2, keep2, stepSize, secondScale, ε): four floats a turn, then the rest one by one.
 */
function adamModule(shared: boolean): Uint8Array {
  // Parameters, then locals: the byte index, its end, the constants in all four lanes, and g, m, v
  // of a turn (four lanes, then one).
  const [parameters, gradient, first, second, next, nextFirst, nextSecond, count, beta1, keep1, beta2, keep2, stepSize, secondScale, epsilon] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14] as const
  const [index, end, beta1x4, keep1x4, beta2x4, keep2x4, stepSizex4, secondScalex4, epsilonx4, g4, m4, v4, g, m, v] = [15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29] as const
  const at = (base: number) => [...op.get(base), ...op.get(index), ...op.i32Add]
  const lanes = (type: 'x4' | 'x1') => {
    const x4 = type === 'x4'
    const [load, store, add, sub, mul, div, sqrt] = x4 ? [op.v128Load, op.v128Store, op.f32x4Add, op.f32x4Sub, op.f32x4Mul, op.f32x4Div, op.f32x4Sqrt] : [op.f32Load, op.f32Store, op.f32Add, op.f32Sub, op.f32Mul, op.f32Div, op.f32Sqrt]
    const [G, M, V] = x4 ? [g4, m4, v4] : [g, m, v]
    const [B1, K1, B2, K2, S, C, E] = x4 ? [beta1x4, keep1x4, beta2x4, keep2x4, stepSizex4, secondScalex4, epsilonx4] : [beta1, keep1, beta2, keep2, stepSize, secondScale, epsilon]
    return [
      ...at(gradient), ...load, ...op.set(G),
      // nextFirst = β1·first + keep1·g
      ...at(nextFirst), ...op.get(B1), ...at(first), ...load, ...mul, ...op.get(K1), ...op.get(G), ...mul, ...add, ...op.tee(M), ...store,
      // nextSecond = β2·second + keep2·g·g
      ...at(nextSecond), ...op.get(B2), ...at(second), ...load, ...mul, ...op.get(K2), ...op.get(G), ...op.get(G), ...mul, ...mul, ...add, ...op.tee(V), ...store,
      // next = parameters − stepSize·m / (√(v·secondScale) + ε)
      ...at(next), ...at(parameters), ...load, ...op.get(S), ...op.get(M), ...mul, ...op.get(V), ...op.get(C), ...mul, ...sqrt, ...op.get(E), ...add, ...div, ...sub, ...store,
      ...op.get(index), ...op.i32(x4 ? 16 : 4), ...op.i32Add, ...op.set(index),
    ]
  }
  const splats = [beta1, keep1, beta2, keep2, stepSize, secondScale, epsilon].flatMap((constant, offset) => [...op.get(constant), ...op.splat, ...op.set(beta1x4 + offset)])
  const code = [
    ...splats,
    // end of the whole turns, in bytes: count / 4 · 16
    ...op.get(count), ...op.i32(2), ...op.i32ShrU, ...op.i32(4), ...op.i32Shl, ...op.set(end),
    ...loopUntil(index, end, lanes('x4')),
    ...op.get(count), ...op.i32(2), ...op.i32Shl, ...op.set(end),
    ...loopUntil(index, end, lanes('x1')),
    0x0b,
  ]
  const body = [...vector([[2, i32], [10, v128], [3, f32]]), ...code]
  // Any memory a wasm32 module can have: at most 65 536 pages (a shared memory must declare a maximum).
  const memoryLimits = shared ? [0x03, 0, ...leb128(65536)] : [0x00, 0]
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector([[0x60, ...vector([...Array<number[]>(8).fill([i32]), ...Array<number[]>(7).fill([f32])]), ...vector([])]])),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, ...memoryLimits]])),
    ...section(3, vector([[0]])),
    ...section(7, vector([[...name('adam'), 0x00, 0]])),
    ...section(10, vector([[...leb128(body.length), ...body]])),
  ])
}
