/**
 * Entrain's own kernels for the wasm backend, as WebAssembly SIMD functions that work in its memory
 * on the tensors where they lie, four floats at a time. tfjs-backend-wasm has neither; composed of
 * its element-wise kernels they take several passes over memory, and the same loops in JavaScript
 * are three to five times slower. The module is small enough to be written here, instruction by
 * instruction.
 *
 * - adam: one variable's Adam update (on the 3.1 M weights of the split-MNIST DCCA networks, 4 ms
 *   against 13–20 ms in JavaScript):
 *     next = parameters − stepSize · m / (√(v · secondScale) + ε),
 *     m = β1 · first + keep1 · g,  v = β2 · second + keep2 · g²   (g the gradient; m and v are the
 *     new moments, written out too)
 * - reluGradient: dy where x > 0, else 0, in one pass (tfjs: dy · step(x), two passes and one more
 *   tensor of a layer's activations).
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

/** Arrays of one length: the inputs, then where the results go. */
export interface AdamArrays {
  parameters: Float32Array
  gradient: Float32Array
  first: Float32Array
  second: Float32Array
  next: Float32Array
  nextFirst: Float32Array
  nextSecond: Float32Array
}

/** The kernels, on views of the memory they were made for. */
export interface WasmKernels {
  adam(arrays: AdamArrays, constants: AdamConstants): void
  reluGradient(dy: Float32Array, x: Float32Array, output: Float32Array): void
}

const instances = new WeakMap<LinearMemory, WasmKernels>()

/** The kernels for this memory (the module imports it, so one instance per memory). */
export function wasmKernels(memory: LinearMemory): WasmKernels {
  let kernels = instances.get(memory)
  if (!kernels) {
    const { Module, Instance } = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly
    // A threaded build's memory is shared, and its import must say so.
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer
    const { exports } = new Instance(new Module(kernelModule(shared)), { env: { memory } })
    const [adam, reluGradient] = [exports.adam, exports.reluGradient] as ((...args: number[]) => void)[]
    const offsets = (views: Float32Array[]) => {
      if (views.some((view) => view.buffer !== memory.buffer || view.length !== views[0]!.length)) throw new RangeError('the wasm kernels take views of their memory, all of one length')
      return views.map((view) => view.byteOffset)
    }
    kernels = {
      adam: (arrays, { beta1, beta2, stepSize, secondScale, epsilon }) => {
        const views = [arrays.parameters, arrays.gradient, arrays.first, arrays.second, arrays.next, arrays.nextFirst, arrays.nextSecond]
        adam!(...offsets(views), arrays.gradient.length, beta1, 1 - beta1, beta2, 1 - beta2, stepSize, secondScale, epsilon)
      },
      reluGradient: (dy, x, output) => reluGradient!(...offsets([dy, x, output]), dy.length),
    }
    instances.set(memory, kernels)
  }
  return kernels
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
  f32Zero: [0x43, 0, 0, 0, 0],
  f32Gt: [0x5e],
  select: [0x1b],
  v128Load: [...simd(0x00), 2, 0],
  v128Store: [...simd(0x0b), 2, 0],
  splat: simd(0x13),
  f32x4Sqrt: simd(0xe3),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  f32x4Div: simd(0xe7),
  f32x4Gt: simd(0x44),
  v128And: simd(0x4e),
}

/** The address of element `index` (a byte index) of the array at `base`. */
const address = (base: number, index: number) => [...op.get(base), ...op.get(index), ...op.i32Add]

/** A loop that ends when local `i` reaches local `end`: block, loop, br_if out of the block; the body; br to the loop. */
const loopUntil = (i: number, end: number, body: number[]) => [0x02, 0x40, 0x03, 0x40, ...op.get(i), ...op.get(end), ...op.i32GeU, 0x0d, 1, ...body, 0x0c, 0, 0x0b, 0x0b]

/** The byte index `index` running over `count` floats: four a turn (`x4`), then the rest one by one (`x1`). */
function fourThenOne(index: number, end: number, count: number, turn: (type: 'x4' | 'x1') => number[]): number[] {
  return [
    // end of the whole turns, in bytes: count / 4 · 16
    ...op.get(count), ...op.i32(2), ...op.i32ShrU, ...op.i32(4), ...op.i32Shl, ...op.set(end),
    ...loopUntil(index, end, [...turn('x4'), ...op.get(index), ...op.i32(16), ...op.i32Add, ...op.set(index)]),
    ...op.get(count), ...op.i32(2), ...op.i32Shl, ...op.set(end),
    ...loopUntil(index, end, [...turn('x1'), ...op.get(index), ...op.i32(4), ...op.i32Add, ...op.set(index)]),
  ]
}

/**
 * adam(parameters, gradient, first, second, next, nextFirst, nextSecond: byte offsets, count,
 * β1, keep1, β2, keep2, stepSize, secondScale, ε): its type and its body.
 */
function adamFunction(): { type: number[]; body: number[] } {
  // Parameters, then locals: the byte index, its end, the constants in all four lanes, and g, m, v
  // of a turn (four lanes, then one).
  const [parameters, gradient, first, second, next, nextFirst, nextSecond, count, beta1, keep1, beta2, keep2, stepSize, secondScale, epsilon] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14] as const
  const [index, end, beta1x4, keep1x4, beta2x4, keep2x4, stepSizex4, secondScalex4, epsilonx4, g4, m4, v4, g, m, v] = [15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29] as const
  const at = (base: number) => address(base, index)
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
    ]
  }
  const splats = [beta1, keep1, beta2, keep2, stepSize, secondScale, epsilon].flatMap((constant, offset) => [...op.get(constant), ...op.splat, ...op.set(beta1x4 + offset)])
  return {
    type: [...Array<number[]>(8).fill([i32]), ...Array<number[]>(7).fill([f32])].flat(),
    body: [...vector([[2, i32], [10, v128], [3, f32]]), ...splats, ...fourThenOne(index, end, count, lanes), 0x0b],
  }
}

/** reluGradient(dy, x, output: byte offsets, count): its type and its body. */
function reluGradientFunction(): { type: number[]; body: number[] } {
  const [dy, x, output, count, index, end, zero] = [0, 1, 2, 3, 4, 5, 6] as const
  const at = (base: number) => address(base, index)
  const lanes = (type: 'x4' | 'x1') =>
    type === 'x4'
      ? // output = dy & (x > 0 in every bit of the lane)
        [...at(output), ...at(dy), ...op.v128Load, ...at(x), ...op.v128Load, ...op.get(zero), ...op.f32x4Gt, ...op.v128And, ...op.v128Store]
      : // output = x > 0 ? dy : 0
        [...at(output), ...at(dy), ...op.f32Load, ...op.f32Zero, ...at(x), ...op.f32Load, ...op.f32Zero, ...op.f32Gt, ...op.select, ...op.f32Store]
  return {
    type: Array<number>(4).fill(i32),
    body: [...vector([[2, i32], [1, v128]]), ...op.f32Zero, ...op.splat, ...op.set(zero), ...fourThenOne(index, end, count, lanes), 0x0b],
  }
}

function kernelModule(shared: boolean): Uint8Array {
  const functions = { adam: adamFunction(), reluGradient: reluGradientFunction() }
  const entries = Object.entries(functions)
  // Any memory a wasm32 module can have: at most 65 536 pages (a shared memory must declare a maximum).
  const memoryLimits = shared ? [0x03, 0, ...leb128(65536)] : [0x00, 0]
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    // Types: one per function, (params) → ().
    ...section(1, vector(entries.map(([, { type }]) => [0x60, ...vector(type.map((valueType) => [valueType])), ...vector([])]))),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, ...memoryLimits]])),
    ...section(3, vector(entries.map((_, index) => [index]))),
    ...section(7, vector(entries.map(([exported], index) => [...name(exported), 0x00, index]))),
    ...section(10, vector(entries.map(([, { body }]) => [...leb128(body.length), ...body]))),
  ])
}
