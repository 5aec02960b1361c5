/**
 * The issue's verification on the simulated participant (docs/simulated-participant.md): train the
 * `fast` preset on EEG that responds to the music, and on the same data with the pairing shuffled
 * (nothing to learn), and compare the held-out canonical correlations with the simulator's
 * theoretical ones. It takes minutes of CPU, more than the test suite's budget, hence a benchmark.
 *
 * The theory is per EEG sample (components s(t) against the electrodes y(t)); the model correlates
 * windows, whose outputs can gather a window's samples, so the learned figures are not bounded by
 * it component for component: the shuffled pairing is the control that says what chance gives.
 *
 * Usage: npx tsx bench/audio-eeg-simulated.ts [--participants 4] [--songs 4] [--seconds 30] [--epochs 10] [--microvolts 4] [--folds-by subject|song]
 */
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { parseAudioEegTraining } from '../src/shared/audio-eeg'
import { trainAudioEegFolder } from '../src/trainer/audio-eeg-jobs'
import { selectBackend } from '../src/trainer/backend'
import { writeSimulatedDataset } from '../test/support/audio-eeg-dataset'
import { writeResult } from './support'

const { values } = parseArgs({
  options: {
    participants: { type: 'string', default: '4' },
    songs: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '30' },
    epochs: { type: 'string', default: '10' },
    window: { type: 'string', default: '0.5' },
    microvolts: { type: 'string', default: '4' },
    'folds-by': { type: 'string', default: 'subject' },
  },
})

async function main() {
  const backend = await selectBackend({})
  const dir = await mkdtemp(path.join(os.tmpdir(), 'entrain-sim-bench-'))
  try {
    const options = { participants: Number(values.participants), songs: Number(values.songs), songSeconds: Number(values.seconds), windowSeconds: Number(values.window), channels: 8, microvolts: Number(values.microvolts) }
    const training = parseAudioEegTraining('fast', { dims: 3, batchSize: 128, epochs: Number(values.epochs), patience: 0, learningRate: 3e-3, ridge: 1e-3, foldsBy: values['folds-by'] as 'subject' | 'song' })
    const paired = await writeSimulatedDataset(path.join(dir, 'paired'), options)
    await writeSimulatedDataset(path.join(dir, 'shuffled'), { ...options, shuffle: true })
    const run = async (name: string) => {
      process.stderr.write(`${name}…\n`)
      const summary = await trainAudioEegFolder({ dataset: path.join(dir, name), out: path.join(dir, `${name}-model`), training, resume: false })
      return {
        validationTotal: { mean: Number(summary.validation.mean.toFixed(3)), sd: Number(summary.validation.sd.toFixed(3)) },
        perFold: summary.runs.map((result) => ({ fold: result.fold, correlations: result.validation.correlations.map((value) => Number(value.toFixed(3))) })),
        seconds: Math.round(summary.seconds),
      }
    }
    const result = {
      configuration: { ...options, training, folds: `by ${values['folds-by']}, 2`, backend: backend.description },
      theoreticalPerSample: paired.theory.map((value) => Number(value.toFixed(3))),
      paired: await run('paired'),
      shuffled: await run('shuffled'),
    }
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
    process.stderr.write(`wrote ${writeResult(`audio-eeg-simulated-${values.microvolts}uv`, result)}\n`)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

void main()
