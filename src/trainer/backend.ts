/**
 * The tfjs backend training runs on, chosen once per process: native TensorFlow through
 * `@tensorflow/tfjs-node` when it is installed and loads, else WebAssembly (XNNPACK, SIMD) with
 * Entrain's fixes, else the pure-JavaScript backend. `ENTRAIN_TF_BACKEND` or an explicit request
 * overrides the choice; what was chosen, and why the better ones were not, is reported.
 *
 * The wasm fixes (REFERENCE §3): its BatchMatMul leaves XNNPACK for a naive loop whenever an
 * operand is transposed, and backpropagation is full of such products, so they get an explicit
 * transpose first; it has no Conv2DBackpropFilter, so conv layers get one built on its
 * Conv3DBackpropFilterV2; and its threads, disabled under Node, are enabled.
 */
import { createRequire } from 'node:module'
import os from 'node:os'
import workerThreads from 'node:worker_threads'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import * as wasm from '@tensorflow/tfjs-backend-wasm'
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import { EntrainError } from '../shared/errors'

export const backendNames = ['tensorflow', 'wasm', 'cpu'] as const
export type BackendName = (typeof backendNames)[number]

export interface BackendChoice {
  name: BackendName
  /** For people: e.g. "wasm (XNNPACK, SIMD, 2 threads)". */
  description: string
  /** wasm threads; null on the other backends. */
  threads: number | null
  /** Why each better backend was passed over, e.g. "tensorflow: @tensorflow/tfjs-node is not installed". */
  skipped: string[]
}

export interface BackendRequest {
  /** A backend name or 'auto' (default: `ENTRAIN_TF_BACKEND`, else 'auto'). */
  backend?: string
  /** wasm threads (default: `ENTRAIN_WASM_THREADS`, else the number of cores, at most 4). */
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

  const skipped: string[] = []
  const candidates = requested === 'auto' ? backendNames : [requested as BackendName]
  for (const name of candidates) {
    const problem = await tryBackend(name, threads)
    if (problem === null) {
      const actualThreads = name === 'wasm' ? wasm.getThreadsCount() : null
      chosen = { name, description: describe(name, actualThreads), threads: actualThreads, skipped }
      return chosen
    }
    skipped.push(`${name}: ${problem}`)
  }
  throw new EntrainError('NOT_AVAILABLE', `no training backend could start (${skipped.join('; ')})`)
}

function describe(name: BackendName, threads: number | null): string {
  if (name === 'tensorflow') return 'tensorflow (native TensorFlow through @tensorflow/tfjs-node)'
  if (name === 'wasm') return `wasm (XNNPACK, ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'})`
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

/** The filter gradient of a 2-D convolution as that of a 3-D one with depth 1. */
const conv2dBackpropFilter: KernelFunc = (params) => {
  const { inputs, backend, attrs } = params as unknown as WasmKernelArgs
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo }
  const { strides, pad, dataFormat, filterShape } = attrs as { strides: number | [number, number]; pad: unknown; dataFormat: string; filterShape: [number, number, number, number] }
  if (dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropFilter on wasm supports NHWC only, not ${dataFormat}`)
  if (pad !== 'same' && pad !== 'valid') throw new Error(`Conv2DBackpropFilter on wasm supports 'same' or 'valid' padding, not ${JSON.stringify(pad)}`)
  const [strideHeight, strideWidth] = typeof strides === 'number' ? [strides, strides] : strides
  const reshape = (tensor: TensorInfo, shape: number[]) => runWasmKernel(tf.Reshape, { inputs: { x: tensor }, backend, attrs: { shape } })
  const x5 = reshape(x, [x.shape[0]!, 1, ...x.shape.slice(1)])
  const dy5 = reshape(dy, [dy.shape[0]!, 1, ...dy.shape.slice(1)])
  try {
    const filter5 = runWasmKernel(tf.Conv3DBackpropFilterV2, { inputs: { x: x5, dy: dy5 }, backend, attrs: { strides: [1, strideHeight, strideWidth], pad, filterShape: [1, ...filterShape] } })
    const filter = reshape(filter5, filterShape)
    backend.disposeData(filter5.dataId)
    return filter
  } finally {
    backend.disposeData(x5.dataId)
    backend.disposeData(dy5.dataId)
  }
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
