/**
 * Adam's per-element update as a WebAssembly SIMD function that works on the wasm backend's own
 * memory, so that parameters, gradient and moments are read and written where they lie, four
 * floats at a time. JavaScript has no SIMD: the same loop in JS took about a tenth of a DCCA step.
 *
 * The module is small enough to be written out here rather than built. Its text form:
 *
 *   (import "env" "memory" (memory 1 [65536 shared]))
 *   (func (export "adam") (param $p $g $m $v $bytes i32) (param $b1 $k1 $b2 $k2 $step $scale $eps f32)
 *     ;; for i in 0, 16, … < $bytes, with every f32 parameter splatted to four lanes:
 *     ;;   m ← b1·m + k1·g;  v ← b2·v + k2·g·g;  p ← p − step·m / (√(v·scale) + eps)
 *   )
 */

/** Lanes per vector: the caller handles the last `length % lanes` elements. */
export const adamLanes = 4

export type AdamKernel = (parameters: number, gradient: number, first: number, second: number, bytes: number, beta1: number, keep1: number, beta2: number, keep2: number, stepSize: number, secondScale: number, epsilon: number) => void

const i32 = 0x7f
const f32 = 0x7d
const v128 = 0x7b

const op = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  i32Const: 0x41,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  simd: 0xfd,
}
const simd = { load: [0x00], store: [0x0b], f32x4Splat: [0x13], sqrt: [0xe3, 0x01], add: [0xe4, 0x01], sub: [0xe5, 0x01], mul: [0xe6, 0x01], div: [0xe7, 0x01] }

function unsigned(value: number): number[] {
  const bytes: number[] = []
  do {
    let byte = value & 0x7f
    value >>>= 7
    if (value !== 0) byte |= 0x80
    bytes.push(byte)
  } while (value !== 0)
  return bytes
}

const vector = (items: number[][]) => [...unsigned(items.length), ...items.flat()]
const section = (id: number, content: number[]) => [id, ...unsigned(content.length), ...content]
const name = (text: string) => vector([...Buffer.from(text)].map((byte) => [byte]))

function moduleBytes(shared: boolean): Uint8Array {
  // Parameters 0–4 are i32 (addresses, byte count), 5–11 f32; locals: 12 the byte index (i32), then
  // 13–19 the f32 parameters splatted, 20–22 g, m, v (v128).
  const [p, g, m, v, bytes] = [0, 1, 2, 3, 4]
  const index = 12
  const splat = (parameter: number) => 13 + parameter - 5
  const [gv, mv, vv] = [20, 21, 22]
  const [b1, k1, b2, k2, step, scale, eps] = [5, 6, 7, 8, 9, 10, 11].map(splat) as [number, number, number, number, number, number, number]
  const get = (local: number) => [op.localGet, local]
  const set = (local: number) => [op.localSet, local]
  const simdOp = (code: number[]) => [op.simd, ...code]
  const memarg = [0, 0]
  const load = (base: number) => [...get(base), ...get(index), op.i32Add, ...simdOp(simd.load), ...memarg]
  const storeAt = (base: number, value: number[]) => [...get(base), ...get(index), op.i32Add, ...value, ...simdOp(simd.store), ...memarg]
  const body = [
    ...[5, 6, 7, 8, 9, 10, 11].flatMap((parameter) => [...get(parameter), ...simdOp(simd.f32x4Splat), ...set(splat(parameter))]),
    op.block, 0x40, op.loop, 0x40,
    ...get(index), ...get(bytes), op.i32GeU, op.brIf, 1,
    ...load(g), ...set(gv),
    // m ← b1·m + k1·g
    ...get(b1), ...load(m), ...simdOp(simd.mul), ...get(k1), ...get(gv), ...simdOp(simd.mul), ...simdOp(simd.add), ...set(mv),
    ...storeAt(m, get(mv)),
    // v ← b2·v + k2·g·g
    ...get(b2), ...load(v), ...simdOp(simd.mul), ...get(k2), ...get(gv), ...simdOp(simd.mul), ...get(gv), ...simdOp(simd.mul), ...simdOp(simd.add), ...set(vv),
    ...storeAt(v, get(vv)),
    // p ← p − step·m / (√(v·scale) + eps)
    ...storeAt(p, [...load(p), ...get(step), ...get(mv), ...simdOp(simd.mul), ...get(vv), ...get(scale), ...simdOp(simd.mul), ...simdOp(simd.sqrt), ...get(eps), ...simdOp(simd.add), ...simdOp(simd.div), ...simdOp(simd.sub)]),
    ...get(index), op.i32Const, 16, op.i32Add, ...set(index),
    op.br, 0,
    op.end, op.end,
    op.end,
  ]
  const locals = vector([
    [1, i32],
    [10, v128],
  ])
  const code = [...locals, ...body]
  const limits = shared ? [0x03, 1, ...unsigned(65536)] : [0x00, 1]
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector([[0x60, ...vector([...[p, g, m, v, bytes].map(() => [i32]), ...Array.from({ length: 7 }, () => [f32])]), 0]])),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, ...limits]])),
    ...section(3, vector([[0]])),
    ...section(7, vector([[...name('adam'), 0x00, 0]])),
    ...section(10, vector([[...unsigned(code.length), ...code]])),
  ])
}

/** A WebAssembly.Memory (the project's Node typings leave WebAssembly's classes out). */
export interface LinearMemory {
  readonly buffer: ArrayBufferLike
}

interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> }
}

/** The update bound to `memory` (the wasm backend's), or null where WebAssembly SIMD is missing. */
export function adamKernel(memory: LinearMemory): AdamKernel | null {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer
  const { Module, Instance } = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly
  try {
    return new Instance(new Module(moduleBytes(shared)), { env: { memory } }).exports.adam as AdamKernel
  } catch {
    return null
  }
}
