import { promises as fs } from 'node:fs'
import path from 'node:path'
import type { ViewData } from '../../shared/dcca-training'
import { EntrainError } from '../../shared/errors'
import { NpyError, parseNpy } from '../../shared/npy'
import { parseNumericCsv } from '../../shared/retrieval/folder'
import { parseDeepRetrieval, retrievalDefaults, retrievalModels, type DeepRetrievalSettings, type RetrievalModel, type RetrievalResult } from '../../shared/retrieval/protocol'
import { directions } from '../../shared/retrieval/report'
import { defineCommand, exitCodes, output, UsageError } from '../command'
import { ProgressBar } from '../progress'
import { number, whole } from '../options'

async function readLabels(file: string): Promise<{ name: string; values: Float64Array | Float32Array }> {
  const name = path.basename(file)
  try {
    const array = parseNpy(await fs.readFile(file), name, { integers: true })
    if (array.shape.length > 2 || (array.shape.length === 2 && array.shape[1] !== 1)) throw new NpyError(`${name} has shape (${array.shape.join(', ')}); labels are one class per pair: (n,) or (n, 1)`)
    return { name, values: array.data }
  } catch (error) {
    if (error instanceof NpyError) throw new EntrainError('INVALID_INPUT', error.message)
    const code = (error as NodeJS.ErrnoException).code
    throw new EntrainError(code === 'ENOENT' ? 'NOT_FOUND' : 'IO_ERROR', `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`)
  }
}

const percent = (value: { mean: number; sd: number } | null) => (value ? `${value.mean.toFixed(3)} ± ${value.sd.toFixed(3)}` : '–')

function summary(result: RetrievalResult): string {
  const lines = [`${result.model} model, ${result.pairs} pairs, ${result.options.folds} folds (seed ${result.options.seed}), ${result.options.dims}-dimensional shared space:`]
  for (const [key, title] of directions) {
    const d = result[key]
    lines.push(`  ${title.padEnd(15)} iMRR ${percent(d.iMRR)}  cMRR ${percent(d.cMRR)}  R@1 ${percent(d.R1)}  R@5 ${percent(d.R5)}  R@10 ${percent(d.R10)}  median rank ${d.medianRank.mean.toFixed(1)} ± ${d.medianRank.sd.toFixed(1)}`)
  }
  lines.push(`  chance: iMRR ${result.chance.iMRR.toFixed(3)}${result.chance.cMRR === null ? '' : `, cMRR ${result.chance.cMRR.toFixed(3)}`}`)
  return lines.join('\n')
}

export const retrievalCommand = defineCommand({
  name: 'retrieval',
  summary:
    'Audio–lyrics cross-modal retrieval (the transfer evaluation of arXiv 1712.05197). `entrain retrieval --audio A.npy --text T.npy [--labels L.npy]`: rows are paired songs; per fold a model maps both views into one space (linear: a regularised CCA; deep: a two-branch network under the CCA loss, then a linear CCA) where each test song ranks the other view by cosine similarity. Prints instance MRR, class MRR (with labels), R@1/5/10 and the median rank per direction, mean ± sd over folds.',
  options: {
    audio: { type: 'string', value: 'A.npy', description: 'audio features: songs × dimensions, NPY (float32/float64) or CSV, e.g. from `entrain features audio` or an embedding' },
    text: { type: 'string', value: 'T.npy', description: 'lyrics features, rows paired with --audio, NPY or CSV (e.g. Doc2Vec vectors, or `entrain features text`)' },
    labels: { type: 'string', value: 'L.npy', description: 'class of each pair, whole numbers, shape (n,) or (n, 1): adds class MRR and stratifies the folds' },
    folds: { type: 'string', value: 'K', description: `folds of cross-validation (default ${retrievalDefaults.folds})` },
    model: { type: 'string', value: 'linear|deep', description: 'linear CCA only, or the two-branch network then a linear CCA (default linear)' },
    dims: { type: 'string', value: 'D', description: `dimensions of the shared space (default ${retrievalDefaults.dims})` },
    ridge: { type: 'string', value: 'R', description: `ridge of the linear CCA on standardised features (default ${retrievalDefaults.ridge})` },
    seed: { type: 'string', value: 'S', description: 'seed of the folds and of the network (default 1)' },
    hidden: { type: 'string', value: 'W,W,W', description: 'deep: hidden widths, tanh + BatchNorm (default 512,256,128)' },
    outputs: { type: 'string', value: 'N', description: 'deep: outputs of each branch (default 64)' },
    epochs: { type: 'string', value: 'E', description: 'deep: epochs per fold (default 500)' },
    batch: { type: 'string', value: 'B', description: 'deep: batch size, at most a fold’s training pairs (default 1000)' },
    lr: { type: 'string', value: 'L', description: 'deep: learning rate (default 0.001)' },
    optimizer: { type: 'string', value: 'NAME', description: 'deep: rmsprop or adam (default rmsprop)' },
    objective: { type: 'string', value: 'NAME', description: 'deep: CCA loss, frobenius (the paper), trace, topk or sumsq (default frobenius)' },
    reg: { type: 'string', value: 'R', description: 'deep: ridge of the CCA loss and of its final CCA (default 0.0001)' },
    backend: { type: 'string', value: 'NAME', description: 'deep: tensorflow, wasm, cpu or auto (default: $ENTRAIN_TF_BACKEND, else auto)' },
  },
  async run({ options, io }) {
    if (!options.audio || !options.text) throw new UsageError('--audio A.npy and --text T.npy are required')
    const model = (options.model ?? 'linear') as RetrievalModel
    if (!retrievalModels.includes(model)) throw new UsageError(`--model must be ${retrievalModels.join(' or ')}, not '${options.model}'`)
    const retrievalOptions = {
      folds: number(options.folds, 'folds', (value) => Number.isInteger(value) && value >= 2, 'a whole number ≥ 2') ?? retrievalDefaults.folds,
      dims: number(options.dims, 'dims', whole, 'a whole number ≥ 1') ?? retrievalDefaults.dims,
      ridge: number(options.ridge, 'ridge', (value) => value >= 0, 'a number ≥ 0') ?? retrievalDefaults.ridge,
      seed: number(options.seed, 'seed', (value) => Number.isInteger(value) && value >= 0, 'a whole number ≥ 0') ?? retrievalDefaults.seed,
    }
    let deep: DeepRetrievalSettings | undefined
    if (model === 'deep') {
      try {
        deep = parseDeepRetrieval({
          hidden: options.hidden === undefined ? undefined : options.hidden.trim() === '' ? [] : options.hidden.split(',').map((width) => number(width.trim(), 'hidden', whole, 'comma-separated whole numbers')!),
          outputs: number(options.outputs, 'outputs', whole, 'a whole number ≥ 2'),
          epochs: number(options.epochs, 'epochs', whole, 'a whole number ≥ 1'),
          batchSize: number(options.batch, 'batch', whole, 'a whole number ≥ 4'),
          learningRate: number(options.lr, 'lr', (value) => value > 0, 'a positive number'),
          optimizer: options.optimizer as DeepRetrievalSettings['optimizer'] | undefined,
          objective: options.objective as DeepRetrievalSettings['objective'] | undefined,
          ridge: number(options.reg, 'reg', (value) => value >= 0, 'a number ≥ 0'),
        })
      } catch (error) {
        throw new UsageError((error as Error).message)
      }
    } else {
      const deepOnly = ['hidden', 'outputs', 'epochs', 'batch', 'lr', 'optimizer', 'objective', 'reg', 'backend'].filter((name) => options[name as keyof typeof options] !== undefined)
      if (deepOnly.length) throw new UsageError(`--${deepOnly.join(', --')} apply to --model deep only`)
    }
    // tfjs loads only for this command, not for every `entrain` invocation.
    const [{ readViewFile }, { runRetrieval }, { readRowIndex }] = await Promise.all([import('../../trainer/files'), import('../../trainer/retrieval'), import('../../main/retrieval/features')])
    // NPY (rows named by a row index beside it, if any), or CSV for vectors made elsewhere (Doc2Vec, a spreadsheet, `entrain embed`).
    const readFeatures = async (file: string): Promise<ViewData & { names: string[] | null }> => {
      if (!file.toLowerCase().endsWith('.csv')) return { ...(await readViewFile(file)), names: await readRowIndex(file) }
      const name = path.basename(file)
      const text = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new EntrainError(error.code === 'ENOENT' ? 'NOT_FOUND' : 'IO_ERROR', `cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`)
      })
      try {
        return { name, ...parseNumericCsv(text, name) }
      } catch (error) {
        throw new EntrainError('INVALID_INPUT', (error as Error).message)
      }
    }
    const audio = await readFeatures(options.audio)
    const text = await readFeatures(options.text)
    // When both views name their rows, they must name the same songs in the same order.
    if (audio.names && text.names) {
      const row = audio.names.findIndex((name, index) => text.names![index] !== name)
      if (row >= 0) throw new EntrainError('INVALID_INPUT', `the rows do not pair: row ${row} is ${audio.names[row]} in ${audio.name} and ${text.names[row] ?? 'missing'} in ${text.name}`)
    }
    const labels = options.labels ? await readLabels(options.labels) : undefined
    if (deep) {
      const { selectBackend } = await import('../../trainer/backend')
      const choice = await selectBackend({ backend: options.backend })
      io.stderr.write(`backend: ${choice.description}\n`)
    }
    const progress = new ProgressBar(io.stderr, 'retrieval')
    const controller = new AbortController()
    void io.interrupted().then(() => controller.abort())
    const result = await runRetrieval({ audio, text, labels, model, options: retrievalOptions, deep, signal: controller.signal, onProgress: (fraction, detail) => progress.update(fraction, detail) })
    progress.done(`${result.options.folds} folds in ${result.seconds.toFixed(1)} s`)
    const { ranks: _ranks, ...withoutRanks } = result
    output(io, options.json, withoutRanks, summary(result))
    return exitCodes.ok
  },
})
