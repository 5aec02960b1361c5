import { TrainerHost } from '../../main/training/host'
import type { EntrainError } from '../../shared/errors'
import { parseDccaTraining, type DccaTrainingConfig } from '../../shared/dcca-training'
import { backendRequestSchema } from '../../shared/training'
import { defineCommand, exitCodes, output, UsageError } from '../command'
import { number, whole } from '../options'
import { clock, ProgressBar } from '../progress'

export const dccaCommand = defineCommand({
  name: 'dcca',
  summary:
    'Deep CCA on any two views. `entrain dcca fit --x1 A.npy --x2 B.npy --out DIR` trains one network per view (rows are paired samples; NPY float32/float64) and saves a model folder with a linear CCA fitted on the training outputs; `entrain dcca score --model DIR --x1 A.npy --x2 B.npy` gives the correlations of the projected outputs. The backend (tfjs-node, wasm, cpu) is chosen automatically; --backend or ENTRAIN_TF_BACKEND overrides it.',
  positionals: 'fit|score',
  options: {
    x1: { type: 'string', value: 'A.npy', description: 'first view: samples × features (.npy, float32 or float64)' },
    x2: { type: 'string', value: 'B.npy', description: 'second view, rows paired with --x1' },
    out: { type: 'string', value: 'DIR', description: 'model folder to create (fit; never overwritten)' },
    model: { type: 'string', value: 'DIR', description: 'model folder to score (score)' },
    dims: { type: 'string', value: 'K', description: 'outputs per network and canonical components kept (default 50)' },
    layers: { type: 'string', value: 'W,W', description: "hidden layer widths, ReLU (default 1024,1024; '' for none)" },
    epochs: { type: 'string', value: 'E', description: 'passes over the training rows (default 20)' },
    batch: { type: 'string', value: 'B', description: 'rows per batch; must exceed --dims (default 800)' },
    lr: { type: 'string', value: 'L', description: 'learning rate (default 0.001)' },
    optimizer: { type: 'string', value: 'NAME', description: 'adam or rmsprop (default adam)' },
    objective: { type: 'string', value: 'NAME', description: 'trace (Andrew et al.), topk, frobenius (arXiv 1712.05197) or sumsq (default trace)' },
    'top-k': { type: 'string', value: 'K', description: 'correlations the topk objective sums (default --dims)' },
    reg: { type: 'string', value: 'R', description: 'ridge r1 = r2 on each covariance (default 0.0001)' },
    'val-split': { type: 'string', value: 'F', description: 'fraction of rows held out for validation and model choice (default 0.2)' },
    seed: { type: 'string', value: 'S', description: 'seed for initialisation, split and shuffling (default 1)' },
    backend: { type: 'string', value: 'NAME', description: 'tensorflow, wasm, cpu or auto (default: $ENTRAIN_TF_BACKEND, else auto)' },
    threads: { type: 'string', value: 'N', description: 'threads for wasm and its native BLAS (default: $ENTRAIN_WASM_THREADS, else the cores, at most 4)' },
  },
  async run({ options, positionals, io }) {
    const [action, ...extra] = positionals
    if ((action !== 'fit' && action !== 'score') || extra.length) throw new UsageError('expected `dcca fit --x1 A.npy --x2 B.npy --out DIR` or `dcca score --model DIR --x1 A.npy --x2 B.npy`')
    if (!options.x1 || !options.x2) throw new UsageError('--x1 and --x2 are required')
    const backendChoice = backendRequestSchema.safeParse({ backend: options.backend, threads: number(options.threads, 'threads', whole, 'a whole number ≥ 1') })
    if (!backendChoice.success) throw new UsageError(`--backend must be tensorflow, wasm, cpu or auto, not '${options.backend}'`)
    const backend = backendChoice.data
    if (action === 'score') {
      if (!options.model) throw new UsageError('--model DIR is required')
      // tfjs loads only for this command, not for every `entrain` invocation.
      const { scoreDccaFolder } = await import('../../trainer/dcca-jobs')
      const score = await scoreDccaFolder({ model: options.model, x1: options.x1, x2: options.x2, backend })
      output(io, options.json, { totalCorrelation: score.totalCorrelation, correlations: score.correlations, rows: score.rows }, `total correlation ${score.totalCorrelation.toFixed(3)} over ${score.correlations.length} components (${score.rows} rows); strongest: ${score.correlations.slice(0, 5).map((value) => value.toFixed(3)).join(', ')}`)
      return exitCodes.ok
    }

    if (!options.out) throw new UsageError('--out DIR is required')
    const layers = options.layers === undefined ? undefined : options.layers.trim() === '' ? [] : options.layers.split(',').map((width) => number(width.trim(), 'layers', whole, 'comma-separated whole numbers')!)
    let config: DccaTrainingConfig
    try {
      config = parseDccaTraining({
        dims: number(options.dims, 'dims', whole, 'a whole number ≥ 1'),
        layers,
        epochs: number(options.epochs, 'epochs', whole, 'a whole number ≥ 1'),
        batchSize: number(options.batch, 'batch', (value) => Number.isInteger(value) && value >= 2, 'a whole number ≥ 2'),
        learningRate: number(options.lr, 'lr', (value) => value > 0, 'a positive number'),
        optimizer: options.optimizer as DccaTrainingConfig['optimizer'] | undefined,
        objective: options.objective as DccaTrainingConfig['objective'] | undefined,
        topK: number(options['top-k'], 'top-k', whole, 'a whole number ≥ 1'),
        ridge: number(options.reg, 'reg', (value) => value >= 0, 'a number ≥ 0'),
        validationSplit: number(options['val-split'], 'val-split', (value) => value >= 0 && value < 1, 'a fraction in [0, 1)'),
        seed: number(options.seed, 'seed', (value) => Number.isInteger(value) && value >= 0, 'a whole number ≥ 0'),
      })
    } catch (error) {
      throw new UsageError((error as Error).message)
    }

    // Training runs in the trainer process, as in the app; Ctrl+C cancels it between two steps.
    const host = new TrainerHost()
    const progress = new ProgressBar(io.stderr, 'training')
    void io.interrupted().then(() => host.cancel())
    const run = host.run(
      { kind: 'dcca-fit', x1: options.x1, x2: options.x2, out: options.out, config, backend },
      {
        onBackend: (choice) => io.stderr.write(`backend: ${choice.description}${choice.skipped.length ? ` (skipped ${choice.skipped.join('; ')})` : ''}\n`),
        onProgress: (event) => {
          const done = (event.epoch - 1 + event.batch / event.batches) / event.epochs
          const validation = event.validationCorrelation === null ? '' : `, validation ${event.validationCorrelation.toFixed(2)}`
          progress.update(done, `epoch ${event.epoch}/${event.epochs}, loss ${event.loss.toFixed(3)}${validation}, ${clock(event.etaSeconds)} left`)
        },
      },
    )
    const result = await run
      .catch((error: EntrainError) => {
        // The bar's line on a terminal is unfinished; the error gets its own.
        if (error.code === 'CANCELLED' && io.stderr.isTTY) io.stderr.write('\n')
        throw error
      })
      .finally(() => host.shutdown())
    const fit = result.fits[0]!
    progress.done(`${fit.epochs} epochs in ${clock(result.seconds)}`)
    const validation = fit.validationCorrelation === null ? '' : `; validation ${fit.validationCorrelation.toFixed(2)}`
    output(io, options.json, result, `saved ${result.model}: total correlation on the training rows ${fit.trainingCorrelation.toFixed(2)}${validation} (best epoch ${fit.bestEpoch}, ${result.backend})`)
    return exitCodes.ok
  },
})
