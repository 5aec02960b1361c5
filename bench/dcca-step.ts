/**
 * The DCCA training step of the split-MNIST configuration (two MLPs 392-1024-1024-50, ReLU, batch
 * 800, Adam 1e-3, trace-norm loss, ridge 1e-4) on each tfjs backend Entrain can use here, beside
 * the same step in PyTorch (bench/dcca_step_torch.py, Debian python3-torch), in the same run:
 * wasm with its products through OpenBLAS (where installed), wasm alone, and pure JavaScript.
 * Each configuration runs in its own process (a backend and its thread count are fixed per process).
 *
 * PyTorch's speed depends on its BLAS: Debian's torch uses whatever libblas.so.3 is selected, and
 * the reference BLAS is ~20× slower than OpenBLAS. Install `libopenblas0-pthread` for a fair
 * comparison; the result records which library torch used.
 *
 * Usage: npm run bench:dcca-step [-- --steps 8] [--rounds 3] [--cpu-steps 1] [--python /usr/bin/python3]
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { realpathSync } from 'node:fs'
import os from 'node:os'
import { parseArgs } from 'node:util'
import * as tf from '@tensorflow/tfjs-core'
import { parseDccaTraining } from '../src/shared/dcca-training'
import { selectBackend } from '../src/trainer/backend'
import { dccaStep, mlpEncoder } from '../src/trainer/dcca'
import { percentile, repoRoot, writeResult } from './support'

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '8' },
    'cpu-steps': { type: 'string', default: '1' },
    warmup: { type: 'string', default: '2' },
    python: { type: 'string', default: '/usr/bin/python3' },
    child: { type: 'string' },
    threads: { type: 'string' },
    rounds: { type: 'string', default: '3' },
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
  const encoders = [mlpEncoder(392, config.layers, config.dims)(1), mlpEncoder(392, config.layers, config.dims)(2)] as const
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

function runChild(backend: string, threads: number, steps: number, options: { warmup?: string; blas?: boolean } = {}): Timing {
  const child = spawnSync(process.execPath, [...process.execArgv, __filename, '--child', backend, '--threads', String(threads), '--steps', String(steps), '--warmup', options.warmup ?? values.warmup], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    env: { ...process.env, ...(options.blas === false ? { ENTRAIN_BLAS_LIB: 'none' } : {}) },
  })
  if (child.status !== 0) throw new Error(`the ${backend} run failed: ${child.stderr}`)
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Timing
}

function runTorch(threads: number, steps: number): Timing {
  const output = execFileSync(values.python, ['bench/dcca_step_torch.py', '--threads', String(threads), '--steps', String(steps), '--warmup', values.warmup], { cwd: repoRoot, encoding: 'utf8' })
  const run = JSON.parse(output.trim().split('\n').at(-1)!) as { torch: string; threads: number; stepMs: number; stepsMs: number[] }
  return { backend: `pytorch ${run.torch}`, description: `PyTorch ${run.torch}, ${threads} thread${threads === 1 ? '' : 's'}`, threads, medianStepMs: run.stepMs, p90StepMs: percentile(run.stepsMs, 0.9), stepsMs: run.stepsMs }
}

function blasLibrary(): string {
  try {
    return realpathSync('/usr/lib/x86_64-linux-gnu/libblas.so.3')
  } catch {
    return 'unknown'
  }
}

/**
 * The machine is shared: the configurations run in interleaved rounds and each keeps its best
 * round (the median step of the least disturbed run), so a burst of someone else's load does not
 * land on one side only.
 */
async function main() {
  const steps = Number(values.steps)
  if (values.child) return timeBackend(values.child, Number(values.threads), steps, Number(values.warmup))
  const configurations: { key: string; run: () => Timing }[] = [
    { key: 'pytorch-1', run: () => runTorch(1, steps) },
    { key: 'wasm-blas-1', run: () => runChild('wasm', 1, steps) },
    { key: 'pytorch-2', run: () => runTorch(2, steps) },
    { key: 'wasm-blas-2', run: () => runChild('wasm', 2, steps) },
    { key: 'wasm-2', run: () => runChild('wasm', 2, steps, { blas: false }) },
  ]
  const best = new Map<string, Timing>()
  const load = [os.loadavg()[0]!]
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const configuration of configurations) {
      process.stderr.write(`round ${round}: ${configuration.key}…\n`)
      const timing = configuration.run()
      if (!best.has(configuration.key) || timing.medianStepMs < best.get(configuration.key)!.medianStepMs) best.set(configuration.key, timing)
    }
  }
  process.stderr.write('cpu (pure JavaScript), once…\n')
  best.set('cpu', runChild('cpu', 1, Number(values['cpu-steps']), { warmup: '1' }))
  load.push(os.loadavg()[0]!)

  const torch = Math.min(best.get('pytorch-1')!.medianStepMs, best.get('pytorch-2')!.medianStepMs)
  const row = (timing: Timing) => ({ description: timing.description, medianStepMs: Math.round(timing.medianStepMs), p90StepMs: Math.round(timing.p90StepMs), timesBestPyTorch: Number((timing.medianStepMs / torch).toFixed(2)) })
  const result = {
    configuration: '2 × MLP 392-1024-1024-50 (ReLU), batch 800, Adam 1e-3, DCCA trace norm, ridge 1e-4; median step after warm-up, best of interleaved rounds',
    rounds: Number(values.rounds),
    stepsPerRun: steps,
    loadAverageStartEnd: load.map((value) => Number(value.toFixed(2))),
    pytorchBlas: blasLibrary(),
    results: Object.fromEntries([...best.entries()].map(([key, timing]) => [key, row(timing)])),
    fastestEntrainOverPyTorch: Number((Math.min(...['wasm-blas-1', 'wasm-blas-2', 'wasm-2'].map((key) => best.get(key)!.medianStepMs)) / torch).toFixed(2)),
    goal: 'fallback backend ≤ 1.5 × PyTorch',
    tensorflowBackend: 'not measured: @tensorflow/tfjs-node cannot install on this machine (its libtensorflow download is unreachable)',
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
  process.stderr.write(`wrote ${writeResult('dcca-step', result)}\n`)
}

void main()
