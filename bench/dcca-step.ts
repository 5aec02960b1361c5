/**
 * The DCCA training step of the split-MNIST configuration (two MLPs 392-1024-1024-50, ReLU, batch
 * 800, Adam 1e-3, trace-norm loss, ridge 1e-4) on each tfjs backend Entrain can use here, beside
 * the same step in PyTorch (bench/dcca_step_torch.py, Debian python3-torch), in the same run.
 * Each configuration runs in its own process (a backend and its thread count are fixed per process).
 *
 * PyTorch's speed depends on its BLAS: Debian's torch uses whatever libblas.so.3 is selected, and
 * the reference BLAS is ~20× slower than OpenBLAS. Install `libopenblas0-pthread` for a fair
 * comparison; the result records which library torch used.
 *
 * Usage: npm run bench:dcca-step [-- --steps 10] [--cpu-steps 2] [--python /usr/bin/python3]
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { realpathSync } from 'node:fs'
import { parseArgs } from 'node:util'
import * as tf from '@tensorflow/tfjs-core'
import { parseDccaTraining } from '../src/shared/dcca-training'
import { selectBackend } from '../src/trainer/backend'
import { buildEncoder, dccaStep } from '../src/trainer/dcca'
import { percentile, repoRoot, writeResult } from './support'

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '10' },
    'cpu-steps': { type: 'string', default: '2' },
    warmup: { type: 'string', default: '2' },
    python: { type: 'string', default: '/usr/bin/python3' },
    child: { type: 'string' },
    threads: { type: 'string' },
  },
})

interface Timing {
  backend: string
  description: string
  threads: number | null
  medianStepMs: number
  p90StepMs: number
  stepsMs: number[]
}

/** In a child: time `steps` steps after `warmup` on one backend, print JSON. */
async function timeBackend(backend: string, threads: number, steps: number, warmup: number): Promise<void> {
  const choice = await selectBackend({ backend, threads })
  const config = parseDccaTraining({ dims: 50, layers: [1024, 1024], batchSize: 800, learningRate: 1e-3, objective: 'trace', ridge: 1e-4 })
  const encoders = [buildEncoder(392, config.layers, config.dims, 1), buildEncoder(392, config.layers, config.dims, 2)] as const
  const step = dccaStep([encoders[0], encoders[1]], config)
  const x1: tf.Tensor2D = tf.randomUniform([800, 392], 0, 1, 'float32', 1)
  const x2: tf.Tensor2D = tf.randomUniform([800, 392], 0, 1, 'float32', 2)
  const times: number[] = []
  for (let index = 0; index < warmup + steps; index++) {
    const started = performance.now()
    await step.run(tf.clone(x1), tf.clone(x2))
    if (index >= warmup) times.push(performance.now() - started)
  }
  const timing: Timing = { backend: choice.name, description: choice.description, threads: choice.threads, medianStepMs: percentile(times, 0.5), p90StepMs: percentile(times, 0.9), stepsMs: times }
  process.stdout.write(`${JSON.stringify(timing)}\n`)
}

function runChild(backend: string, threads: number, steps: number, warmup = values.warmup): Timing {
  process.stderr.write(`entrain ${backend}${backend === 'wasm' ? `, ${threads} thread(s)` : ''}: ${steps} steps…\n`)
  const child = spawnSync(process.execPath, [...process.execArgv, __filename, '--child', backend, '--threads', String(threads), '--steps', String(steps), '--warmup', warmup], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  })
  if (child.status !== 0) throw new Error(`the ${backend} run failed: ${child.stderr}`)
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Timing
}

function runTorch(threads: number, steps: number) {
  process.stderr.write(`pytorch, ${threads} thread(s): ${steps} steps…\n`)
  const output = execFileSync(values.python, ['bench/dcca_step_torch.py', '--threads', String(threads), '--steps', String(steps), '--warmup', values.warmup], { cwd: repoRoot, encoding: 'utf8' })
  return JSON.parse(output.trim().split('\n').at(-1)!) as { torch: string; threads: number; stepMs: number; stepsMs: number[] }
}

function blasLibrary(): string {
  try {
    return realpathSync('/usr/lib/x86_64-linux-gnu/libblas.so.3')
  } catch {
    return 'unknown'
  }
}

async function main() {
  const steps = Number(values.steps)
  if (values.child) return timeBackend(values.child, Number(values.threads), steps, Number(values.warmup))
  const entrain = [runChild('wasm', 1, steps), runChild('wasm', 2, steps), runChild('cpu', 1, Number(values['cpu-steps']), '1')]
  const pytorch = [1, 2].map((threads) => runTorch(threads, steps))
  const bestTorch = Math.min(...pytorch.map((run) => run.stepMs))
  const bestWasm = Math.min(...entrain.filter((run) => run.backend === 'wasm').map((run) => run.medianStepMs))
  const result = {
    configuration: '2 × MLP 392-1024-1024-50 (ReLU), batch 800, Adam 1e-3, DCCA trace norm, ridge 1e-4; median step time after warm-up',
    entrain: entrain.map(({ stepsMs: _, ...timing }) => ({ ...timing, timesPyTorch: timing.medianStepMs / bestTorch })),
    pytorch: { version: pytorch[0]!.torch, blas: blasLibrary(), runs: pytorch.map((run) => ({ threads: run.threads, medianStepMs: run.stepMs })) },
    bestWasmOverBestPyTorch: bestWasm / bestTorch,
    goal: 'wasm ≤ 1.5 × PyTorch',
    tensorflowBackend: 'not measured: @tensorflow/tfjs-node cannot install on this machine (no access to its libtensorflow download)',
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
  process.stderr.write(`wrote ${writeResult('dcca-step', result)}\n`)
}

void main()
