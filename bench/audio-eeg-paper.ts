/**
 * The `paper` preset's cost: seconds per 1 000 windows (1.5 s: 33 075 audio samples, 375 × 16 EEG)
 * for training (one DCCA step of both networks, Adam, Frobenius objective) and for embedding (the
 * audio network alone, inference), on each backend Entrain can use here. Each backend runs in its
 * own process. The paper's batch is 102; the batch here is smaller (--batch, default 8) so that
 * the activations fit wasm's 4 GB memory, and the per-window figure is what matters. The pure
 * JavaScript backend runs one small step only: it is hundreds of times slower.
 *
 * Usage: npx tsx bench/audio-eeg-paper.ts [--batch 8] [--steps 3] [--cpu-batch 2] [--cpu-timeout 600] [--backends wasm-blas,wasm,cpu]
 */
import { spawnSync } from 'node:child_process'
import os from 'node:os'
import { parseArgs } from 'node:util'
import * as tf from '@tensorflow/tfjs-core'
import { presetDefaults } from '../src/shared/audio-eeg'
import { presetNetworks } from '../src/trainer/audio-eeg-models'
import { selectBackend } from '../src/trainer/backend'
import { dccaStep } from '../src/trainer/dcca'
import { repoRoot, writeResult } from './support'

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '8' },
    steps: { type: 'string', default: '3' },
    'cpu-batch': { type: 'string', default: '2' },
    'cpu-timeout': { type: 'string', default: '600' },
    backends: { type: 'string', default: 'wasm-blas,wasm,cpu' },
    child: { type: 'string' },
    threads: { type: 'string', default: '2' },
  },
})

interface Timing {
  backend: string
  batch: number
  trainSecondsPer1000: number
  embedSecondsPer1000: number
  stepSeconds: number[]
}

async function timeBackend(backend: string, batch: number, steps: number): Promise<void> {
  const choice = await selectBackend({ backend, threads: Number(values.threads) })
  const training = presetDefaults.paper
  const networks = presetNetworks('paper', { audio: [33_075, 1], eeg: [375, 16] }, training.dims, 1)
  const encoders: [ReturnType<typeof networks.audio>, ReturnType<typeof networks.eeg>] = [networks.audio(1), networks.eeg(2)]
  const step = dccaStep(encoders, training)
  const audio = tf.randomUniform([batch, 33_075, 1], -1, 1, 'float32', 1)
  const eeg = tf.randomUniform([batch, 375, 16], -1, 1, 'float32', 2)
  const stepSeconds: number[] = []
  // The first step compiles and allocates; it is not counted.
  for (let index = 0; index <= steps; index++) {
    const started = performance.now()
    await step.run(tf.clone(audio), tf.clone(eeg))
    if (index > 0) stepSeconds.push((performance.now() - started) / 1000)
  }
  const embedStarted = performance.now()
  for (let index = 0; index < steps; index++) {
    const output = encoders[0].predict(audio) as tf.Tensor
    await output.data()
    output.dispose()
  }
  const embedSeconds = (performance.now() - embedStarted) / 1000 / steps
  const median = [...stepSeconds].sort((a, b) => a - b)[Math.floor(stepSeconds.length / 2)]!
  const timing: Timing = { backend: choice.description, batch, trainSecondsPer1000: (median / batch) * 1000, embedSecondsPer1000: (embedSeconds / batch) * 1000, stepSeconds }
  process.stdout.write(`${JSON.stringify(timing)}\n`)
}

function runChild(backend: string, batch: number, steps: number, env: NodeJS.ProcessEnv = {}, timeoutSeconds?: number): Timing | { backend: string; error: string } {
  const child = spawnSync(process.execPath, [...process.execArgv, __filename, '--child', backend, '--batch', String(batch), '--steps', String(steps), '--threads', values.threads], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    env: { ...process.env, ...env },
    ...(timeoutSeconds ? { timeout: timeoutSeconds * 1000 } : {}),
  })
  if (child.error || child.signal) return { backend, error: `no result within ${timeoutSeconds} s (warm-up step and ${steps} step${steps === 1 ? '' : 's'} of ${batch} windows)` }
  if (child.status !== 0) return { backend, error: child.stderr.trim().split('\n').slice(-3).join(' ') }
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Timing
}

async function main() {
  if (values.child) return timeBackend(values.child, Number(values.batch), Number(values.steps))
  const load = [os.loadavg()[0]!]
  const results: Record<string, Timing | { backend: string; error: string }> = {}
  const chosen = values.backends.split(',')
  if (chosen.includes('wasm-blas')) {
    process.stderr.write('wasm with its products through the native BLAS…\n')
    results['wasm-blas'] = runChild('wasm', Number(values.batch), Number(values.steps))
  }
  if (chosen.includes('wasm')) {
    process.stderr.write('wasm alone…\n')
    results.wasm = runChild('wasm', Number(values.batch), Number(values.steps), { ENTRAIN_BLAS_LIB: 'none' })
  }
  if (chosen.includes('cpu')) {
    process.stderr.write('cpu (pure JavaScript), one small step…\n')
    results.cpu = runChild('cpu', Number(values['cpu-batch']), 1, {}, Number(values['cpu-timeout']))
  }
  load.push(os.loadavg()[0]!)
  const result = {
    configuration: 'paper preset (audio 6.8 M, EEG 3.6 M parameters), 1.5 s windows, Adam, Frobenius objective; median training step after one warm-up step, and audio-network inference, per 1 000 windows',
    threads: Number(values.threads),
    loadAverageStartEnd: load.map((value) => Number(value.toFixed(2))),
    results,
    tensorflowBackend: 'not measured: @tensorflow/tfjs-node cannot install on this machine (its libtensorflow download is unreachable)',
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
  process.stderr.write(`wrote ${writeResult('audio-eeg-paper', result)}\n`)
}

void main()
