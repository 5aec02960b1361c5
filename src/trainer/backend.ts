/**
 * The tfjs backend training runs on, chosen once per process: native TensorFlow through
 * `@tensorflow/tfjs-node` when it is installed and loads, else WebAssembly (XNNPACK, SIMD) with
 * Entrain's fixes, else the pure-JavaScript backend. `ENTRAIN_TF_BACKEND` or an explicit request
 * overrides the choice; what was chosen, and why the better ones were not, is reported.
 *
 * The wasm fixes (REFERENCE §3): its BatchMatMul leaves XNNPACK for a naive loop whenever an
 * operand is transposed, and backpropagation is full of such products, so they get an explicit
 * transpose first; it has no Conv2DBackpropFilter, so conv layers get one built of products, and
 * its Conv2DBackpropInput is a plain loop, replaced the same way; clones share data rather than
 * copy it; sums over leading axes (bias gradients) are products; ReLU's gradient is one pass
 * (src/trainer/wasm-kernels.ts); and its threads, disabled under Node, are enabled. Where the
 * machine has an optimised BLAS (src/trainer/blas.ts), wasm's matrix products, fused dense layers
 * included, go to it instead.
 */
import { createRequire } from 'node:module'
import os from 'node:os'
import workerThreads from 'node:worker_threads'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
// Under Node, tfjs-core's gradients are registered by tfjs-layers' bundle, not by tfjs-core's.
import '@tensorflow/tfjs-layers'
import * as wasm from '@tensorflow/tfjs-backend-wasm'
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import { EntrainError } from '../shared/errors'
import { loadBlas, type Blas } from './blas'
import { wasmKernels, type WasmKernels } from './wasm-kernels'

/** A WebAssembly.Memory (the project's Node typings leave WebAssembly's classes out). */
export interface LinearMemory {
  readonly buffer: ArrayBufferLike
}

export const backendNames = ['tensorflow', 'wasm', 'cpu'] as const
export type BackendName = (typeof backendNames)[number]

export interface BackendChoice {
  name: BackendName
  /** For people: e.g. "wasm (XNNPACK, SIMD, 2 threads)". */
  description: string
  /** wasm threads; null on the other backends. */
  threads: number | null
  /** The native BLAS wasm's matrix products go to, or null (then why not is in `skipped`). */
  products: string | null
  /** Why each better backend was passed over, e.g. "tensorflow: @tensorflow/tfjs-node is not installed". */
  skipped: string[]
}

export interface BackendRequest {
  /** A backend name or 'auto' (default: `ENTRAIN_TF_BACKEND`, else 'auto'). */
  backend?: string
  /** wasm threads (default: `ENTRAIN_WASM_THREADS`, else the number of cores, at most 4); the BLAS's too unless `ENTRAIN_BLAS_THREADS` says otherwise. */
  threads?: number
}

let chosen: BackendChoice | null = null

/** Picks and initialises the backend for this process; later calls return the first choice. */
export async function selectBackend(request: BackendRequest = {}, env: NodeJS.ProcessEnv = process.env): Promise<BackendChoice> {
  if (chosen) return chosen
  const requested = (request.backend ?? env.ENTRAIN_TF_BACKEND ?? 'auto').trim() || 'auto'
  if (requested !== 'auto' && !(backendNames as readonly string[]).includes(requested)) {
    throw new EntrainError('INVALID_INPUT', `unknown training backend '${requested}' (choose ${backendNames.join(', ')} or auto)`)
  }
  const threadsText = request.threads ?? env.ENTRAIN_WASM_THREADS
  const threads = threadsText === undefined || threadsText === '' ? Math.min(4, os.cpus().length) : Number(threadsText)
  if (!Number.isInteger(threads) || threads < 1) throw new EntrainError('INVALID_INPUT', `wasm threads must be a whole number ≥ 1, not ${threadsText}`)
  const blasThreads = env.ENTRAIN_BLAS_THREADS ? Number(env.ENTRAIN_BLAS_THREADS) : threads
  if (!Number.isInteger(blasThreads) || blasThreads < 1) throw new EntrainError('INVALID_INPUT', `ENTRAIN_BLAS_THREADS must be a whole number ≥ 1, not ${env.ENTRAIN_BLAS_THREADS}`)

  // tfjs's own console advice (install tfjs-node) repeats what this choice reports.
  tf.env().set('PROD', true)
  const skipped: string[] = []
  const candidates = requested === 'auto' ? backendNames : [requested as BackendName]
  for (const name of candidates) {
    const problem = await tryBackend(name, threads)
    if (problem === null) {
      const actualThreads = name === 'wasm' ? wasm.getThreadsCount() : null
      let products: string | null = null
      if (name === 'wasm') {
        const blas = loadBlas(blasThreads, env)
        if (typeof blas === 'string') skipped.push(`native BLAS for products: ${blas}`)
        else products = useBlasForProducts(blas)
      }
      chosen = { name, description: describe(name, actualThreads, products), threads: actualThreads, products, skipped }
      return chosen
    }
    skipped.push(`${name}: ${problem}`)
  }
  throw new EntrainError('NOT_AVAILABLE', `no training backend could start (${skipped.join('; ')})`)
}

/**
 * New float32 tensors of `shapes` that `fill` writes from the values of `inputs` (float32 tensors).
 * On wasm both are views of its memory, where the tensors lie: copying each input out and the
 * results back in cost an optimiser step about a twentieth of a DCCA training step. The results
 * are always new buffers, never an input's: a variable shares its data with its clones (kept
 * checkpoints) and same-type casts, which must not change with it.
 */
export function computeFloat32(shapes: number[][], inputs: tf.Tensor[], fill: (outputs: Float32Array[], inputs: Float32Array[]) => void): tf.Tensor[] {
  const other = inputs.find((input) => input.dtype !== 'float32')
  if (other) throw new TypeError(`computeFloat32 takes float32 tensors, not ${other.dtype}`)
  if (tf.getBackend() !== 'wasm') {
    const outputs = shapes.map((shape) => new Float32Array(tf.util.sizeFromShape(shape)))
    fill(outputs, inputs.map((input) => input.dataSync() as Float32Array))
    return outputs.map((output, index) => tf.tensor(output, shapes[index], 'float32'))
  }
  const backend = tf.backend() as wasm.BackendWasm
  const outputs = shapes.map((shape) => backend.makeOutput(shape, 'float32'))
  // Views only after makeOutput, which may have grown (and so replaced) the memory.
  const view = (tensor: TensorInfo) => backend.typedArrayFromHeap(tensor) as Float32Array
  fill(outputs.map(view), inputs.map(view))
  return outputs.map((output) => tf.engine().makeTensorFromTensorInfo(output))
}

/** Entrain's own kernels (src/trainer/wasm-kernels.ts) while wasm is the current backend and has SIMD, else null. */
export function currentWasmKernels(): WasmKernels | null {
  return tf.getBackend() === 'wasm' && tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? wasmKernels(memoryObject(tf.backend() as wasm.BackendWasm)) : null
}

function describe(name: BackendName, threads: number | null, products: string | null): string {
  if (name === 'tensorflow') return 'tensorflow (native TensorFlow through @tensorflow/tfjs-node)'
  if (name === 'wasm') {
    return `wasm (XNNPACK, ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}${products ? `; matrix products through ${products}` : ''})`
  }
  return 'cpu (pure JavaScript; slow)'
}

/** null when the backend is now active, else why not. */
async function tryBackend(name: BackendName, threads: number): Promise<string | null> {
  if (name === 'tensorflow') {
    const problem = loadTensorflowNode()
    if (problem) return problem
  }
  if (name === 'wasm') {
    patchWasmKernels()
    if (threads > 1) enableWasmThreads(threads)
  }
  try {
    const restore = name === 'wasm' && threads > 1 ? reportCoresForThreads(threads) : () => {}
    let ok: boolean
    try {
      ok = await tf.setBackend(name)
    } finally {
      restore()
    }
    return ok ? null : 'it failed to initialise'
  } catch (error) {
    return `it failed to initialise: ${(error as Error).message}`
  }
}

/**
 * tfjs-node is an optional dependency: its install downloads libtensorflow, which fails without
 * that network access (npm then leaves it out), and a build for another runtime (Electron) does
 * not load. Either way training goes on without it.
 */
function loadTensorflowNode(): string | null {
  const load = createRequire(__filename)
  try {
    load.resolve('@tensorflow/tfjs-node')
  } catch {
    return '@tensorflow/tfjs-node is not installed (optional; `npm install @tensorflow/tfjs-node` where it can download libtensorflow)'
  }
  try {
    load('@tensorflow/tfjs-node')
    return null
  } catch (error) {
    return `@tensorflow/tfjs-node did not load: ${(error as Error).message.split('\n')[0]}`
  }
}

let kernelsPatched = false

function patchWasmKernels(): void {
  if (kernelsPatched) return
  kernelsPatched = true
  for (const kernelName of [tf.BatchMatMul, tf._FusedMatMul]) {
    const original = tf.getKernel(kernelName, 'wasm')!
    replaceKernel(original, transposeOperandsFirst(original.kernelFunc))
  }
  tf.registerKernel({ kernelName: tf.Conv2DBackpropFilter, backendName: 'wasm', kernelFunc: conv2dBackpropFilter })
  replaceKernel(tf.getKernel(tf.Conv2DBackpropInput, 'wasm')!, conv2dBackpropInput)
  const identity = tf.getKernel(tf.Identity, 'wasm')!
  replaceKernel(identity, (params) => (params.inputs.x!.dtype === 'string' ? identity.kernelFunc(params) : shareData(params)))
  const cast = tf.getKernel(tf.Cast, 'wasm')!
  replaceKernel(cast, (params) => (params.inputs.x!.dtype === (params.attrs as { dtype: string }).dtype && params.inputs.x!.dtype !== 'string' ? shareData(params) : cast.kernelFunc(params)))
  const sum = tf.getKernel(tf.Sum, 'wasm')!
  replaceKernel(sum, leadingAxesAsProduct(sum.kernelFunc))
  // Gradients are not per backend: tfjs's stays for the others.
  const relu = tf.getGradient(tf.Relu)
  tf.registerGradient({
    ...relu,
    gradFunc: (dy, saved, attrs) => {
      const kernels = currentWasmKernels()
      if (!kernels) return relu.gradFunc(dy, saved, attrs)
      const x = saved[0]!
      return { x: () => computeFloat32([x.shape], [dy as tf.Tensor, x], ([output], [gradient, input]) => kernels.reluGradient(gradient!, input!, output!))[0]! }
    },
  })
}

/**
 * wasm's Identity and same-type Cast copy the tensor; tensors are immutable, so sharing the data is
 * enough (as the reference backend does). The engine clones every tensor it saves for
 * backpropagation, so a training step copied each layer's activations and weights once more.
 */
const shareData: KernelFunc = (params) => {
  const { inputs, backend } = params as unknown as WasmKernelArgs
  const x = inputs.x!
  backend.incRef(x.dataId)
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype }
}

/**
 * A sum over the leading axes (a bias gradient: column sums of dy) is a product with a row of ones.
 * wasm's own Sum reduces only innermost axes, so it transposes the whole tensor first, which costs
 * more than the product. Other reductions stay with it.
 */
function leadingAxesAsProduct(kernelFunc: KernelFunc): KernelFunc {
  return (params) => {
    const { inputs, backend, attrs } = params as unknown as WasmKernelArgs
    const x = inputs.x!
    const { axis, keepDims } = attrs as { axis: number | number[]; keepDims: boolean }
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((first, second) => first - second)
    const leading = axes.length > 0 && axes.length < x.shape.length && axes.every((value, index) => value === index)
    if (x.dtype !== 'float32' || !leading || tf.util.sizeFromShape(x.shape) === 0) return kernelFunc(params)
    const rows = tf.util.sizeFromShape(x.shape.slice(0, axes.length))
    const kept = x.shape.slice(axes.length)
    const ones = backend.makeOutput([1, 1, rows], 'float32')
    ;(backend.typedArrayFromHeap(ones) as Float32Array).fill(1)
    try {
      const product = runWasmKernel(tf.BatchMatMul, {
        inputs: { a: ones, b: { dataId: x.dataId, shape: [1, rows, tf.util.sizeFromShape(kept)], dtype: 'float32' } },
        backend,
        attrs: { transposeA: false, transposeB: false },
      })
      return { dataId: product.dataId, shape: keepDims ? [...axes.map(() => 1), ...kept] : kept, dtype: 'float32' }
    } finally {
      backend.disposeData(ones.dataId)
    }
  }
}

function replaceKernel(original: KernelConfig, kernelFunc: KernelFunc): void {
  tf.unregisterKernel(original.kernelName, 'wasm')
  tf.registerKernel({ ...original, kernelFunc })
}

interface WasmKernelArgs {
  inputs: Record<string, TensorInfo>
  backend: wasm.BackendWasm
  attrs: Record<string, unknown>
}

function runWasmKernel(kernelName: string, args: WasmKernelArgs): TensorInfo {
  return tf.getKernel(kernelName, 'wasm')!.kernelFunc(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo
}

/** The last two axes swapped, materialised. */
function transposed(x: TensorInfo, backend: wasm.BackendWasm): TensorInfo {
  const rank = x.shape.length
  const perm = [...Array.from({ length: rank - 2 }, (_, axis) => axis), rank - 1, rank - 2]
  return runWasmKernel(tf.Transpose, { inputs: { x }, backend, attrs: { perm } })
}

/**
 * XNNPACK's fast path only takes untransposed operands; transposing an operand costs one pass over
 * it, the naive path costs about 40× the product.
 */
function transposeOperandsFirst(kernelFunc: KernelFunc): KernelFunc {
  return (params) => {
    const args = params as unknown as WasmKernelArgs
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean }
    if (!transposeA && !transposeB) return kernelFunc(params)
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo }
    const plainA = transposeA ? transposed(a, args.backend) : a
    const plainB = transposeB ? transposed(b, args.backend) : b
    try {
      return kernelFunc({ ...params, inputs: { ...params.inputs, a: plainA, b: plainB }, attrs: { ...params.attrs, transposeA: false, transposeB: false } })
    } finally {
      if (plainA !== a) args.backend.disposeData(plainA.dataId)
      if (plainB !== b) args.backend.disposeData(plainB.dataId)
    }
  }
}

/** The wasm memory object; its buffer is replaced when the memory grows, so read `.buffer` where it is used. */
function memoryObject(backend: wasm.BackendWasm): LinearMemory {
  const module = backend.wasm as unknown as { wasmMemory?: LinearMemory; asm: { memory: LinearMemory } }
  return module.wasmMemory ?? module.asm.memory
}

/**
 * BatchMatMul through sgemm, on the operands where they lie in the wasm memory; transposes are
 * sgemm's own flags. Broadcast batches other than one-to-many stay with the previous kernel.
 */
function useBlasForProducts(blas: Blas): string {
  const previous = tf.getKernel(tf.BatchMatMul, 'wasm')!
  replaceKernel(previous, (params) => {
    const { inputs, backend, attrs } = params as unknown as WasmKernelArgs
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo }
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean }
    const rank = a.shape.length
    const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2))
    const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2))
    const m = a.shape[transposeA ? rank - 1 : rank - 2]!
    const k = a.shape[transposeA ? rank - 2 : rank - 1]!
    const n = b.shape[transposeB ? b.shape.length - 2 : b.shape.length - 1]!
    const sameBatches = batchA === batchB || batchA === 1 || batchB === 1
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || !sameBatches || m * n * k === 0 || rank !== b.shape.length) return previous.kernelFunc(params)
    const outerShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2))
    const out = backend.makeOutput([...outerShape, m, n], 'float32')
    // After makeOutput, which may have grown (and so replaced) the memory.
    const memory = memoryObject(backend).buffer
    const view = (tensor: TensorInfo, batch: number, size: number) => new Float32Array(memory, backend.dataIdMap.get(tensor.dataId)!.memoryOffset + batch * size * 4, size)
    const batches = Math.max(batchA, batchB)
    for (let batch = 0; batch < batches; batch++) {
      blas.sgemm(transposeA, transposeB, m, n, k, view(a, batchA === 1 ? 0 : batch, m * k), view(b, batchB === 1 ? 0 : batch, k * n), view(out, batch, m * n))
    }
    return out
  })
  const fused = tf.getKernel(tf._FusedMatMul, 'wasm')!
  replaceKernel(fused, productThenBiasAndActivation)
  return blas.description
}

const activationKernels: Record<string, string> = { relu: tf.Relu, relu6: tf.Relu6, elu: tf.Elu, sigmoid: tf.Sigmoid, leakyrelu: tf.LeakyRelu, prelu: tf.Prelu }

/** A dense layer's product through sgemm, then wasm's own kernels for the bias and the activation. */
const productThenBiasAndActivation: KernelFunc = (params) => {
  const { inputs, backend, attrs } = params as unknown as WasmKernelArgs
  const { a, b, bias, preluActivationWeights } = inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo }
  const { transposeA, transposeB, activation, leakyreluAlpha } = attrs as { transposeA: boolean; transposeB: boolean; activation: string; leakyreluAlpha?: number }
  if (activation !== 'linear' && !(activation in activationKernels)) throw new Error(`_FusedMatMul on wasm does not support the ${activation} activation`)
  let result = runWasmKernel(tf.BatchMatMul, { inputs: { a, b }, backend, attrs: { transposeA, transposeB } })
  const apply = (kernelName: string, kernelInputs: Record<string, TensorInfo>, kernelAttrs: Record<string, unknown> = {}) => {
    const next = runWasmKernel(kernelName, { inputs: kernelInputs, backend, attrs: kernelAttrs })
    backend.disposeData(result.dataId)
    result = next
  }
  if (bias) apply(tf.Add, { a: result, b: bias })
  if (activation === 'prelu') apply(tf.Prelu, { x: result, alpha: preluActivationWeights! })
  else if (activation !== 'linear') apply(activationKernels[activation]!, { x: result }, { alpha: leakyreluAlpha })
  return result
}

/** The attributes both convolution gradients take, besides the shape of what they produce. */
type ConvGradientAttrs = {
  strides: number | [number, number]
  pad: 'same' | 'valid' | number
  dataFormat: string
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
}

/**
 * Runs wasm kernels for a composite kernel: `run` keeps every intermediate result, and all are freed
 * once `body` has made the output (which `body` makes with runWasmKernel, so that it is kept).
 */
function withScratch(backend: wasm.BackendWasm, body: (run: (kernelName: string, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown>) => TensorInfo) => TensorInfo): TensorInfo {
  const scratch: TensorInfo[] = []
  try {
    return body((kernelName, inputs, attrs) => {
      const result = runWasmKernel(kernelName, { inputs, backend, attrs })
      scratch.push(result)
      return result
    })
  } finally {
    for (const tensor of scratch) backend.disposeData(tensor.dataId)
  }
}

/**
 * The filter gradient of a 2-D convolution, which wasm lacks, as one product per filter tap:
 * dW[i, j] = Σ x[b, u·s + i − top, v·s + j − left] · dy[b, u, v] = X_ijᵀ · dY, with X_ij the padded
 * input sampled at the tap's offset with the stride (a strided slice, N × in channels) and dY the
 * output gradient (N × out channels), N = batch × output positions. The products go wherever
 * BatchMatMul goes (the native BLAS, or XNNPACK). wasm's Conv3DBackpropFilterV2, an earlier route,
 * is a plain loop: about 200× slower than this on the paper's audio convolutions.
 */
const conv2dBackpropFilter: KernelFunc = (params) => {
  const { inputs, backend, attrs } = params as unknown as WasmKernelArgs
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo }
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as ConvGradientAttrs & { filterShape: [number, number, number, number] }
  if (dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropFilter on wasm supports NHWC only, not ${dataFormat}`)
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode)
  const [batch, outHeight, outWidth, outChannels] = dy.shape as [number, number, number, number]
  const rows = batch * outHeight * outWidth
  return withScratch(backend, (run) => {
    const { top, left } = info.padInfo
    const spanHeight = (outHeight - 1) * info.strideHeight + info.filterHeight
    const spanWidth = (outWidth - 1) * info.strideWidth + info.filterWidth
    const paddedX = run(tf.PadV2, { x }, { paddings: [[0, 0], [top, Math.max(0, spanHeight - top - info.inHeight)], [left, Math.max(0, spanWidth - left - info.inWidth)], [0, 0]], constantValue: 0 })
    const gradient = run(tf.Reshape, { x: dy }, { shape: [1, rows, outChannels] })
    const taps: TensorInfo[] = []
    for (let i = 0; i < info.filterHeight; i++) {
      for (let j = 0; j < info.filterWidth; j++) {
        const sampled = run(tf.StridedSlice, { x: paddedX }, {
          begin: [0, i, j, 0],
          end: [batch, i + (outHeight - 1) * info.strideHeight + 1, j + (outWidth - 1) * info.strideWidth + 1, info.inChannels],
          strides: [1, info.strideHeight, info.strideWidth, 1],
          beginMask: 0,
          endMask: 0,
          ellipsisMask: 0,
          newAxisMask: 0,
          shrinkAxisMask: 0,
        })
        const columns = run(tf.Reshape, { x: sampled }, { shape: [1, rows, info.inChannels] })
        taps.push(run(tf.BatchMatMul, { a: columns, b: gradient }, { transposeA: true, transposeB: false }))
      }
    }
    const stacked = taps.length === 1 ? taps[0]! : run(tf.Concat, taps as unknown as Record<string, TensorInfo>, { axis: 0 })
    return runWasmKernel(tf.Reshape, { inputs: { x: stacked }, backend, attrs: { shape: filterShape } })
  })
}

/**
 * The input gradient of a 2-D convolution as one product per filter tap: dX gets, at the positions
 * (u·s + i − top, v·s + j − left), dY · W[i, j]ᵀ (N × out times out × in). Each tap's product is
 * spread out by the stride, shifted to its tap and added up in the padded frame, which is then cut
 * to the input. wasm's own kernel is a plain loop, about 10× slower on the paper's convolutions.
 */
const conv2dBackpropInput: KernelFunc = (params) => {
  const { inputs, backend, attrs } = params as unknown as WasmKernelArgs
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo }
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as ConvGradientAttrs & { inputShape: [number, number, number, number] }
  if (dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropInput on wasm supports NHWC only, not ${dataFormat}`)
  const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode)
  const [batch, outHeight, outWidth, outChannels] = dy.shape as [number, number, number, number]
  const { top, left } = info.padInfo
  const frameHeight = Math.max(outHeight * info.strideHeight + info.filterHeight - 1, top + info.inHeight)
  const frameWidth = Math.max(outWidth * info.strideWidth + info.filterWidth - 1, left + info.inWidth)
  return withScratch(backend, (run) => {
    const gradient = run(tf.Reshape, { x: dy }, { shape: [1, batch * outHeight * outWidth, outChannels] })
    const taps = run(tf.Reshape, { x: filter }, { shape: [info.filterHeight * info.filterWidth, info.inChannels, outChannels] })
    let sum: TensorInfo | null = null
    for (let i = 0; i < info.filterHeight; i++) {
      for (let j = 0; j < info.filterWidth; j++) {
        const weights = run(tf.Slice, { x: taps }, { begin: [i * info.filterWidth + j, 0, 0], size: [1, info.inChannels, outChannels] })
        const product = run(tf.BatchMatMul, { a: gradient, b: weights }, { transposeA: false, transposeB: true })
        const split = run(tf.Reshape, { x: product }, { shape: [batch, outHeight, 1, outWidth, 1, info.inChannels] })
        const spread = run(tf.PadV2, { x: split }, { paddings: [[0, 0], [0, 0], [0, info.strideHeight - 1], [0, 0], [0, info.strideWidth - 1], [0, 0]], constantValue: 0 })
        const merged = run(tf.Reshape, { x: spread }, { shape: [batch, outHeight * info.strideHeight, outWidth * info.strideWidth, info.inChannels] })
        const placed = run(tf.PadV2, { x: merged }, { paddings: [[0, 0], [i, frameHeight - i - outHeight * info.strideHeight], [j, frameWidth - j - outWidth * info.strideWidth], [0, 0]], constantValue: 0 })
        sum = sum === null ? placed : run(tf.Add, { a: sum, b: placed }, {})
      }
    }
    return runWasmKernel(tf.Slice, { inputs: { x: sum! }, backend, attrs: { begin: [0, top, left, 0], size: [batch, info.inHeight, info.inWidth, info.inChannels] } })
  })
}

let threadsEnabled = false

/**
 * The threaded wasm build supports Node's worker_threads, but tfjs hands its workers blob: URLs
 * (the worker script, and the script each worker imports), which Node cannot load. Workers created
 * with such a URL are given the same script as source text, and told to import the package's file.
 */
function enableWasmThreads(threads: number): void {
  wasm.setThreadsCount(threads)
  if (threadsEnabled) return
  threadsEnabled = true
  const load = createRequire(__filename)
  const scripts = `${load.resolve('@tensorflow/tfjs-backend-wasm/package.json').replace(/package\.json$/, '')}wasm-out/`
  const { wasmWorkerContents } = load(`${scripts}tfjs-backend-wasm-threaded-simd.worker.js`) as { wasmWorkerContents: string }
  const mainScript = `${scripts}tfjs-backend-wasm-threaded-simd.js`
  // The script sits in a JS string literal inside the worker: its newlines must stay escaped.
  const workerSource = wasmWorkerContents.replace(/\n/g, '\\n')
  const NodeWorker = workerThreads.Worker
  class WasmWorker extends NodeWorker {
    constructor(file: string | URL, options?: workerThreads.WorkerOptions) {
      if (typeof file === 'string' && file.startsWith('blob:')) super(workerSource, { ...options, eval: true })
      else super(file, options)
      this.unref()
    }

    /** The pool's threads live as long as the backend; they must not keep a finished process alive. */
    override ref(): void {}

    override postMessage(message: unknown, transfer?: readonly workerThreads.TransferListItem[]): void {
      const load = message as { cmd?: string; urlOrBlob?: unknown }
      super.postMessage(load?.cmd === 'load' && typeof load.urlOrBlob !== 'string' ? { ...load, urlOrBlob: mainScript } : message, transfer)
    }
  }
  ;(workerThreads as { Worker: typeof NodeWorker }).Worker = WasmWorker
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true)
}

/**
 * The wasm build caps its thread pool at half the logical cores (for hyper-threading); on a
 * two-core machine that is one thread. It reads the core count during initialisation only.
 */
function reportCoresForThreads(threads: number): () => void {
  const cpus = os.cpus
  const needed = 2 * threads
  os.cpus = () => {
    const real = cpus()
    return real.length >= needed ? real : Array.from({ length: needed }, (_, index) => real[index % real.length]!)
  }
  return () => {
    os.cpus = cpus
  }
}

