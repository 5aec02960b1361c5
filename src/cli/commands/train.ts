import { TrainerHost } from '../../main/training/host'
import { parseAudioEegTraining, presetDefaults, presetNames, type AudioEegTraining, type PresetName } from '../../shared/audio-eeg'
import { dccaObjectives } from '../../shared/dcca'
import { optimizerNames } from '../../shared/dcca-training'
import type { EntrainError } from '../../shared/errors'
import { defineCommand, exitCodes, output, UsageError } from '../command'
import { choice, number, whole } from '../options'
import { clock, ProgressBar } from '../progress'

const defaults = (key: keyof AudioEegTraining) => `paper ${presetDefaults.paper[key]}, fast ${presetDefaults.fast[key]}`

export const trainCommand = defineCommand({
  name: 'train',
  summary:
    'Train the audio↔EEG model (arXiv 1712.05197) on a dataset folder (`entrain dataset build`): k folds by subject or by song × runs, a checkpoint every epoch (stop with Ctrl+C, continue with --resume), early stopping on the validation correlation, then the best run exported as a model folder with every run’s metrics and a model card. Presets: paper (the paper’s conv networks on the raw waveform) and fast (a log-mel front end and small networks, for CPU-only labs).',
  options: {
    dataset: { type: 'string', value: 'DIR', description: 'dataset folder (manifest.json and shards)' },
    preset: { type: 'string', value: 'paper|fast', description: 'networks and defaults (default fast)' },
    out: { type: 'string', value: 'DIR', description: 'model folder to create (never overwritten); work goes to DIR.training until it is done' },
    'folds-by': { type: 'string', value: 'subject|song', description: 'cross-validation folds from the manifest (default subject)' },
    runs: { type: 'string', value: 'N', description: `runs per fold, each its own seed (default ${defaults('runs')})` },
    epochs: { type: 'string', value: 'E', description: `most epochs per run (default ${defaults('epochs')})` },
    patience: { type: 'string', value: 'P', description: `stop a run after P epochs without a better validation correlation; 0 never (default ${defaults('patience')})` },
    batch: { type: 'string', value: 'B', description: `windows per batch (default ${defaults('batchSize')})` },
    dims: { type: 'string', value: 'K', description: `outputs per network and components kept (default ${defaults('dims')})` },
    width: { type: 'string', value: 'X', description: 'channel widths × X (default 1)' },
    lr: { type: 'string', value: 'L', description: `learning rate (default ${defaults('learningRate')})` },
    optimizer: { type: 'string', value: 'NAME', description: `${optimizerNames.join(' or ')} (default adam)` },
    objective: { type: 'string', value: 'NAME', description: `${dccaObjectives.join(', ')} (default ${defaults('objective')})` },
    reg: { type: 'string', value: 'R', description: `ridge on each covariance (default ${defaults('ridge')})` },
    seed: { type: 'string', value: 'S', description: 'base seed; fold f, run r (counted from 1) uses S + 1000·(f − 1) + (r − 1) (default 1)' },
    resume: { type: 'boolean', description: 'continue the stopped job for --out where its checkpoints left it' },
    backend: { type: 'string', value: 'NAME', description: 'tensorflow, wasm, cpu or auto (default: $ENTRAIN_TF_BACKEND, else auto)' },
    threads: { type: 'string', value: 'N', description: 'threads for wasm and its native BLAS' },
  },
  async run({ options, positionals, io }) {
    if (positionals.length) throw new UsageError(`unexpected ${positionals.join(' ')}`)
    if (!options.dataset) throw new UsageError('--dataset DIR is required')
    if (!options.out) throw new UsageError('--out DIR is required')
    const preset = choice<PresetName>(options.preset, 'preset', presetNames) ?? 'fast'
    let training: AudioEegTraining
    try {
      training = parseAudioEegTraining(preset, {
        foldsBy: choice(options['folds-by'], 'folds-by', ['subject', 'song'] as const),
        runs: number(options.runs, 'runs', whole, 'a whole number ≥ 1'),
        epochs: number(options.epochs, 'epochs', whole, 'a whole number ≥ 1'),
        patience: number(options.patience, 'patience', (value) => Number.isInteger(value) && value >= 0, 'a whole number ≥ 0'),
        batchSize: number(options.batch, 'batch', (value) => Number.isInteger(value) && value >= 2, 'a whole number ≥ 2'),
        dims: number(options.dims, 'dims', whole, 'a whole number ≥ 1'),
        width: number(options.width, 'width', (value) => value > 0, 'a positive number'),
        learningRate: number(options.lr, 'lr', (value) => value > 0, 'a positive number'),
        optimizer: choice(options.optimizer, 'optimizer', optimizerNames),
        objective: choice(options.objective, 'objective', dccaObjectives),
        ridge: number(options.reg, 'reg', (value) => value >= 0, 'a number ≥ 0'),
        seed: number(options.seed, 'seed', (value) => Number.isInteger(value) && value >= 0, 'a whole number ≥ 0'),
      })
    } catch (error) {
      throw new UsageError((error as Error).message)
    }
    const threads = number(options.threads, 'threads', whole, 'a whole number ≥ 1')
    // Training runs in the trainer process, as in the app; Ctrl+C stops it between two steps.
    const host = new TrainerHost()
    const progress = new ProgressBar(io.stderr, 'training')
    void io.interrupted().then(() => host.cancel())
    const job = {
      kind: 'audio-eeg' as const,
      dataset: options.dataset,
      out: options.out,
      training,
      resume: options.resume === true,
      backend: { ...(options.backend ? { backend: options.backend } : {}), ...(threads ? { threads } : {}) },
    }
    const result = await host
      .run(job, {
        onBackend: (backend) => io.stderr.write(`backend: ${backend.description}${backend.skipped.length ? ` (skipped ${backend.skipped.join('; ')})` : ''}\n`),
        onProgress: (event) => {
          const validation = event.validationCorrelation === null ? '' : `, validation ${event.validationCorrelation.toFixed(2)}`
          const { fold, folds, run, runs, done } = event.job!
          progress.update(done, `fold ${fold + 1}/${folds} run ${run + 1}/${runs}, epoch ${event.epoch}/${event.epochs}, loss ${event.loss.toFixed(3)}${validation}, ${clock(event.etaSeconds)} left`)
        },
      })
      .catch((error: EntrainError) => {
        // The bar's line on a terminal is unfinished; the error (which says how to resume) gets its own.
        if (error.code === 'CANCELLED' && io.stderr.isTTY) io.stderr.write('\n')
        throw error
      })
      .finally(() => host.shutdown())
    const validation = result.validation!
    progress.done(`${result.fits.length} runs in ${clock(result.seconds)}`)
    output(
      io,
      options.json,
      result,
      `saved ${result.model}: validation total correlation ${validation.mean.toFixed(2)} ± ${validation.sd.toFixed(2)} over ${result.fits.length} runs; exported ${result.exported}; ${result.backend}`,
    )
    return exitCodes.ok
  },
})
