/**
 * The audio↔EEG jobs, from files to files, in the shape of fitDccaFolder (request + onProgress,
 * onBackend, signal → summary) so that the CLI runs them in-process and the trainer process runs
 * them for the app: train k folds × runs on a dataset folder and export a model folder; embed audio
 * files with a saved model.
 *
 * Training works in `<out>.training/`: one folder per fold and run with its checkpoint (rewritten
 * every epoch) and, once finished, its own model folder. A stopped job resumes there (`resume`);
 * finished runs are not trained again. At the end the best run by validation correlation is
 * exported to `<out>` with every run's metrics and a model card, and the work folder goes.
 */
import { createHash } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { appVersion } from '../main/app-info'
import { decodeAudioFile } from '../main/audio/decode'
import { rowsFileOf } from '../main/retrieval/features'
import { audioEegRequestSchema, audioFeatures, presetFrontEnd, trackWindows, type AudioEegRequest, type AudioEegTraining } from '../shared/audio-eeg'
import { prepareStimulus } from '../shared/audio/prepare'
import { project } from '../shared/cca'
import { scaleEpoch } from '../shared/dataset/eeg-chain'
import type { DatasetManifest } from '../shared/dataset/manifest'
import type { DccaProgress } from '../shared/dcca-training'
import { EntrainError } from '../shared/errors'
import { csvCell } from '../shared/export/csv'
import { columnMeans } from '../shared/linalg'
import { viewFiles, type AudioEegModelConfig } from '../shared/model-folder'
import { formatNpy } from '../shared/npy'
import { presetNetworks } from './audio-eeg-models'
import { selectBackend, type BackendChoice } from './backend'
import { readCheckpoint, writeCheckpoint } from './checkpoint'
import { encode, trainDcca, type CorrelationScore, type EpochRecord, type RowSource } from './dcca'
import { openDataset, readManifest, type OpenDataset } from './dataset-rows'
import { assertNewModelFolder, loadModelFolder, saveModelFolder } from './files'

export interface AudioEegJob extends AudioEegRequest {
  onBackend?: (choice: BackendChoice) => void
  onProgress?: (progress: DccaProgress) => void
  signal?: AbortSignal
}

/** One fold × run, as metrics.json and the summary list them. */
export interface RunResult {
  fold: number
  run: number
  seed: number
  trainingWindows: number
  validationWindows: number
  epochs: number
  bestEpoch: number
  stoppedEarly: boolean
  seconds: number
  training: CorrelationScore
  /** The held-out fold through the networks and the projection fitted on the training fold. */
  validation: CorrelationScore
  history: EpochRecord[]
}

export interface AudioEegSummary {
  model: string
  backend: string
  runs: RunResult[]
  /** Validation total correlation over all runs. */
  validation: { mean: number; sd: number; min: number; max: number }
  exported: { fold: number; run: number; validationCorrelation: number }
  /** Folds without windows (e.g. more folds than participants), left out. */
  emptyFolds: number[]
  seconds: number
}

interface Fold {
  fold: number
  trainingRows: Int32Array
  validationRows: Int32Array
}

/** Folds from the manifest's assignment (by participant or by song); a fold with no windows is left out. */
function datasetFolds(manifest: DatasetManifest, by: AudioEegTraining['foldsBy']): { folds: Fold[]; empty: number[] } {
  const assignment = by === 'subject' ? manifest.folds.bySubject : manifest.folds.bySong
  const foldOf = manifest.items.map((item) => assignment[by === 'subject' ? item.participant : item.stimulus])
  const folds: Fold[] = []
  const empty: number[] = []
  for (let fold = 0; fold < manifest.folds.k; fold++) {
    const validation = foldOf.flatMap((value, row) => (value === fold ? [row] : []))
    if (validation.length === 0) empty.push(fold)
    else folds.push({ fold, validationRows: Int32Array.from(validation), trainingRows: Int32Array.from(foldOf.flatMap((value, row) => (value === fold ? [] : [row]))) })
  }
  return { folds, empty }
}

/** Everything that would stop training half-way, found before it starts. */
function foldProblems(folds: Fold[], training: AudioEegTraining, manifest: DatasetManifest): string[] {
  const by = training.foldsBy === 'subject' ? 'participant' : 'song'
  if (folds.length < 2) return [`folds by ${training.foldsBy}: the dataset's ${manifest.items.length} windows fall in ${folds.length} of its ${manifest.folds.k} folds (one ${by} per fold at least); cross-validation needs two or more: record more ${by}s, or fold by ${training.foldsBy === 'subject' ? 'song' : 'subject'}`]
  const problems: string[] = []
  for (const { fold, trainingRows, validationRows } of folds) {
    if (trainingRows.length < training.batchSize) problems.push(`fold ${fold} leaves ${trainingRows.length} training windows, fewer than one batch of ${training.batchSize}; lower --batch`)
    if (validationRows.length <= training.dims) problems.push(`fold ${fold} holds ${validationRows.length} validation windows, too few to measure ${training.dims} correlations; lower --dims`)
  }
  return problems
}

const runName = (fold: number, run: number) => `fold-${fold}-run-${run}`
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  )
}

async function sha256(file: string): Promise<string> {
  return createHash('sha256')
    .update(await fs.readFile(file))
    .digest('hex')
}

/** Train folds × runs on a dataset folder and export the best run as a model folder. */
export async function trainAudioEegFolder(job: AudioEegJob): Promise<AudioEegSummary> {
  const parsed = audioEegRequestSchema.safeParse({ dataset: job.dataset, out: job.out, training: job.training, resume: job.resume, ...(job.backend ? { backend: job.backend } : {}) })
  if (!parsed.success) throw new EntrainError('INVALID_INPUT', parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '))
  const { training, resume } = parsed.data
  const out = path.resolve(parsed.data.out)
  const work = `${out}.training`
  const started = performance.now()
  await assertNewModelFolder(out)
  const jobFile = path.join(work, 'job.json')
  const datasetFolder = path.resolve(parsed.data.dataset)
  if (resume) {
    const saved = await fs.readFile(jobFile, 'utf8').then((text) => JSON.parse(text) as { dataset: string; training: AudioEegTraining }, () => null)
    if (!saved) throw new EntrainError('NOT_FOUND', `there is no stopped job to resume in ${work}; start one without --resume`)
    const differs = Object.keys(training).filter((key) => JSON.stringify(saved.training[key as keyof AudioEegTraining]) !== JSON.stringify(training[key as keyof AudioEegTraining]))
    if (saved.dataset !== datasetFolder) differs.unshift('dataset')
    if (differs.length) throw new EntrainError('INVALID_INPUT', `the stopped job in ${work} was started with other settings (${differs.join(', ')}); resume it with the same ones`)
  } else if (await exists(work)) {
    throw new EntrainError('INVALID_INPUT', `${work} holds a stopped job for ${out}; continue it with --resume, or delete that folder`)
  }

  const frontEnd = presetFrontEnd(training.preset, (await readManifest(datasetFolder)).audio.rate)
  const dataset = await openDataset(datasetFolder, frontEnd)
  try {
    const { folds, empty } = datasetFolds(dataset.manifest, training.foldsBy)
    const problems = foldProblems(folds, training, dataset.manifest)
    if (problems.length) throw new EntrainError('INVALID_INPUT', `${datasetFolder}: ${problems.join('; ')}`)
    const backend = await selectBackend(parsed.data.backend)
    job.onBackend?.(backend)
    await fs.mkdir(work, { recursive: true })
    if (!resume) await fs.writeFile(jobFile, `${JSON.stringify({ dataset: datasetFolder, training }, null, 2)}\n`)

    const networks = presetNetworks(training.preset, dataset.shapes, training.dims, training.width)
    const results: RunResult[] = []
    const total = folds.length * training.runs
    for (const [foldIndex, fold] of folds.entries()) {
      for (let run = 0; run < training.runs; run++) {
        const seed = training.seed + 1000 * fold.fold + run
        const folder = path.join(work, runName(fold.fold, run))
        const modelFolder = path.join(folder, 'model')
        if (await exists(modelFolder)) {
          results.push(JSON.parse(await fs.readFile(path.join(modelFolder, 'metrics.json'), 'utf8')) as RunResult)
          continue
        }
        const position = foldIndex * training.runs + run
        const resumeFrom = resume ? await readCheckpoint(folder) : null
        const trained = await trainDcca(
          { ...training, views: [dataset.audio, dataset.eeg], encoders: [networks.audio, networks.eeg], trainingRows: fold.trainingRows, validationRows: fold.validationRows, seed, ...(resumeFrom ? { resume: resumeFrom } : {}) },
          {
            signal: job.signal,
            onEpoch: (checkpoint) => writeCheckpoint(folder, checkpoint),
            onProgress: (event) => {
              const runShare = (event.epoch - 1 + event.batch / event.batches) / event.epochs
              const runSeconds = event.elapsedSeconds + event.etaSeconds
              job.onProgress?.({
                ...event,
                etaSeconds: event.etaSeconds + runSeconds * (total - position - 1),
                job: { fold: fold.fold, folds: folds.length, run, runs: training.runs, done: (position + runShare) / total },
              })
            },
          },
        )
        try {
          const result: RunResult = {
            fold: fold.fold,
            run,
            seed,
            trainingWindows: fold.trainingRows.length,
            validationWindows: fold.validationRows.length,
            epochs: trained.history.length,
            bestEpoch: trained.bestEpoch,
            stoppedEarly: trained.stoppedEarly,
            seconds: trained.seconds,
            training: trained.training,
            validation: trained.validation!,
            history: trained.history,
          }
          const config = await modelConfig(dataset, training, backend.description, Array.from(trained.projection.correlations), { fold: fold.fold, run, seed, validationCorrelation: result.validation.totalCorrelation, reason: 'one run of the job' })
          await saveModelFolder(modelFolder, { config, metrics: result, encoders: trained.encoders, projection: trained.projection })
          results.push(result)
        } finally {
          trained.encoders.forEach((encoder) => encoder.dispose())
        }
      }
    }

    // The exported weights: the run with the best validation correlation (its own fold held out).
    const best = results.reduce((top, result) => (result.validation.totalCorrelation > top.validation.totalCorrelation ? result : top))
    const correlations = results.map((result) => result.validation.totalCorrelation)
    const average = mean(correlations)
    const validation = { mean: average, sd: Math.sqrt(correlations.reduce((sum, value) => sum + (value - average) ** 2, 0) / Math.max(1, correlations.length - 1)), min: Math.min(...correlations), max: Math.max(...correlations) }
    const bestFolder = path.join(work, runName(best.fold, best.run), 'model')
    const bestModel = await loadModelFolder(bestFolder)
    const reason = `the best validation total correlation of the ${results.length} runs (${folds.length} folds by ${training.foldsBy} × ${training.runs} runs)`
    const config = { ...(bestModel.config as AudioEegModelConfig), createdAt: new Date().toISOString(), exported: { fold: best.fold, run: best.run, seed: best.seed, validationCorrelation: best.validation.totalCorrelation, reason } }
    const summary: AudioEegSummary = {
      model: out,
      backend: backend.description,
      runs: results,
      validation,
      exported: { fold: best.fold, run: best.run, validationCorrelation: best.validation.totalCorrelation },
      emptyFolds: empty,
      seconds: (performance.now() - started) / 1000,
    }
    try {
      await saveModelFolder(out, { config, metrics: { validation, exported: summary.exported, emptyFolds: empty, runs: results }, card: modelCard(config, summary), encoders: bestModel.encoders, projection: bestModel.projection })
    } finally {
      bestModel.encoders.forEach((encoder) => encoder.dispose())
    }
    await fs.rm(work, { recursive: true, force: true })
    return summary
  } finally {
    await dataset.close()
  }
}

async function modelConfig(dataset: OpenDataset, training: AudioEegTraining, backend: string, projectionCorrelations: number[], exported: AudioEegModelConfig['exported']): Promise<AudioEegModelConfig> {
  const { manifest } = dataset
  return {
    format: 'entrain-model',
    version: 1,
    kind: 'audio-eeg',
    createdAt: new Date().toISOString(),
    entrainVersion: appVersion,
    backend,
    views: [
      { name: 'audio', inputShape: dataset.shapes.audio, ...viewFiles('audio') },
      { name: 'eeg', inputShape: dataset.shapes.eeg, ...viewFiles('eeg') },
    ],
    projectionCorrelations,
    training,
    audio: { rate: manifest.audio.rate, scaling: manifest.audio.scaling, samplesPerWindow: manifest.audio.samplesPerWindow, windowSeconds: manifest.windows.windowSeconds, hopSeconds: manifest.windows.hopSeconds, frontEnd: presetFrontEnd(training.preset, manifest.audio.rate) },
    eeg: { rate: manifest.eeg.rate, channels: manifest.eeg.channels, samplesPerWindow: manifest.eeg.samplesPerWindow, lagSeconds: manifest.windows.lagSeconds, chain: { ...manifest.eeg.chain } },
    dataset: {
      folder: dataset.folder,
      manifestSha256: await sha256(path.join(dataset.folder, 'manifest.json')),
      windows: manifest.items.length,
      participants: new Set(manifest.items.map((item) => item.participant)).size,
      songs: new Set(manifest.items.map((item) => item.stimulus)).size,
      sessions: manifest.sources.map((source) => ({ folder: source.folder, sha256: source.sha256 })),
    },
    exported,
  }
}

const fixed = (value: number, digits = 3) => value.toFixed(digits)

/** MODEL_CARD.md: what the model is, what it learned from, how, how well, and which weights these are. */
export function modelCard(config: AudioEegModelConfig, summary: AudioEegSummary): string {
  const { training, audio, eeg, dataset } = config
  const frontEnd = audio.frontEnd.kind === 'waveform' ? 'the raw waveform' : `a log-mel spectrogram (${audio.frontEnd.mels} bands ${audio.frontEnd.minHz}–${audio.frontEnd.maxHz} Hz, frames of ${audio.frontEnd.frameSize} samples every ${audio.frontEnd.hop}, Hann window, natural log of energy + ${audio.frontEnd.floor})`
  const chain = eeg.chain as { lineHz?: number | null; bandpass?: [number, number] | null; filterOrder?: number; reference?: string; scaling?: string }
  const lines = [
    `# Audio↔EEG model (${training.preset} preset)`,
    '',
    `A two-view Deep CCA model after Raposo et al. (arXiv 1712.05197), trained by Entrain ${config.entrainVersion} on ${config.createdAt.slice(0, 10)}. Its audio branch, followed by the linear CCA projection, is a music embedding of ${training.dims} dimensions per ${audio.windowSeconds} s window; no EEG is needed to use it (\`entrain embed --model DIR FILE…\`).`,
    '',
    '## Data',
    '',
    `${dataset.windows} paired windows from ${dataset.sessions.length} session(s): ${dataset.participants} participant(s), ${dataset.songs} song(s). Dataset \`${dataset.folder}\` (manifest SHA-256 \`${dataset.manifestSha256}\`).`,
    '',
    '## Preprocessing',
    '',
    `- Audio: decoded, mono, ${audio.rate} Hz, ${audio.scaling === 'minmax' ? 'whole-track min–max scaling to [−1, 1]' : 'not scaled'}; windows of ${audio.samplesPerWindow} samples (${audio.windowSeconds} s) every ${audio.hopSeconds} s from the start; the network reads ${frontEnd}.`,
    `- EEG: ${eeg.channels.length} channels at ${eeg.rate} Hz, ${chain.lineHz ? `${chain.lineHz} Hz band-stop, ` : ''}${chain.bandpass ? `${chain.bandpass[0]}–${chain.bandpass[1]} Hz band-pass (Butterworth order ${chain.filterOrder}, zero-phase), ` : ''}reference ${chain.reference ?? 'none'}, per-song ${chain.scaling ?? 'none'} scaling; each window starts ${eeg.lagSeconds} s after its audio window.`,
    '',
    '## Networks and objective',
    '',
    training.preset === 'paper'
      ? '- `paper`: the paper\'s Conv1D stacks (batch normalisation before every convolution, ReLU, max-pooling of size = stride), audio 7 convolutions and EEG 4, each then a 1×1 convolution to the output (linear here, ReLU in the paper) and the mean over the steps left (one step for 1.5 s windows).'
      : '- `fast`: the audio network reads the log-mel spectrogram through three small convolutions; the EEG network is the paper\'s with an eighth of its channels; each ends in a linear dense layer over the steps left.',
    `- Channel widths × ${training.width}; ${training.dims} outputs per network.`,
    `- Objective: ${training.objective} (Deep CCA), ridge ${training.ridge}; ${training.optimizer} at ${training.learningRate}, batch ${training.batchSize}, up to ${training.epochs} epochs${training.patience ? `, early stop after ${training.patience} epochs without a better validation correlation` : ''}; the epoch with the best validation correlation is kept. A regularised linear CCA fitted on the training windows' outputs is the projection.`,
    `- Cross-validation: ${summary.runs.length / training.runs} folds by ${training.foldsBy} (a ${training.foldsBy === 'subject' ? 'participant' : 'song'} is never in training and validation at once) × ${training.runs} runs; seed of fold f, run r (counted from 1, as below): ${training.seed} + 1000·(f − 1) + (r − 1).${summary.emptyFolds.length ? ` Folds ${summary.emptyFolds.join(', ')} held no windows and were left out.` : ''}`,
    `- Backend: ${config.backend}.`,
    '',
    '## Results',
    '',
    `Validation total correlation (sum over ${training.dims} components, on the held-out fold through the networks and the training fold's projection): **${fixed(summary.validation.mean)} ± ${fixed(summary.validation.sd)}** (mean ± sd over ${summary.runs.length} runs; ${fixed(summary.validation.min)}–${fixed(summary.validation.max)}).`,
    '',
    '| fold | run | seed | epochs (best) | training | validation | strongest validation correlations |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...summary.runs.map((result) => `| ${result.fold + 1} | ${result.run + 1} | ${result.seed} | ${result.epochs} (${result.bestEpoch})${result.stoppedEarly ? ' early stop' : ''} | ${fixed(result.training.totalCorrelation)} | ${fixed(result.validation.totalCorrelation)} | ${result.validation.correlations.slice(0, 3).map((value) => fixed(value)).join(', ')} |`),
    '',
    '## Which weights these are',
    '',
    `The networks and projection of fold ${config.exported.fold + 1}, run ${config.exported.run + 1} (seed ${config.exported.seed}): ${config.exported.reason}, ${fixed(config.exported.validationCorrelation)}. Its validation fold also chose its epoch, so this figure is optimistic; the mean ± sd above is the estimate to quote. Every run's metrics are in metrics.json.`,
    '',
  ]
  return lines.join('\n')
}

const audioExtensions = new Set(['.wav', '.flac', '.mp3', '.ogg', '.opus', '.oga'])

export interface EmbedRequest {
  model: string
  /** Audio files, or folders whose audio files (by extension, sorted) are all taken. */
  inputs: string[]
  out: string
  perWindow: boolean
  backend?: { backend?: string; threads?: number }
  onProgress?: (done: number, total: number, file: string) => void
}

export interface EmbedSummary {
  out: string
  files: number
  rows: number
  dims: number
  /** Where each row came from (the .npy's rows; a CSV holds these columns itself). */
  index: string | null
}

/** The audio files named, folders expanded; a missing one is named. */
async function audioFiles(inputs: string[]): Promise<string[]> {
  const files: string[] = []
  for (const input of inputs) {
    const stat = await fs.stat(input).catch(() => null)
    if (!stat) throw new EntrainError('NOT_FOUND', `${input}: no such file or folder`)
    if (stat.isDirectory()) {
      const found = (await fs.readdir(input)).filter((name) => audioExtensions.has(path.extname(name).toLowerCase())).sort()
      if (found.length === 0) throw new EntrainError('NOT_FOUND', `${input} holds no audio files (${[...audioExtensions].join(', ')})`)
      files.push(...found.map((name) => path.join(input, name)))
    } else files.push(input)
  }
  return files
}

/** One embedding per audio file (mean over its windows), or one per window. */
export async function embedAudioFiles(request: EmbedRequest): Promise<EmbedSummary> {
  const format = path.extname(request.out).toLowerCase()
  if (format !== '.npy' && format !== '.csv') throw new EntrainError('INVALID_INPUT', `--out must end in .npy or .csv, not ${path.basename(request.out)}`)
  if (await exists(request.out)) throw new EntrainError('INVALID_INPUT', `${request.out} already exists; Entrain does not write over it`)
  const files = await audioFiles(request.inputs)
  await selectBackend(request.backend)
  const model = await loadModelFolder(request.model)
  try {
    if (model.config.kind !== 'audio-eeg') throw new EntrainError('INVALID_INPUT', `${request.model} is a ${model.config.kind} model; embed needs an audio-eeg model (\`entrain train\`)`)
    const { audio } = model.config
    const hop = Math.round(audio.hopSeconds * audio.rate)
    const inputShape = model.config.views[0]!.inputShape as [number, number]
    const dims = model.projection.weights1.cols
    const rows: { file: string; start: number | null; values: Float64Array }[] = []
    for (const [index, file] of files.entries()) {
      request.onProgress?.(index, files.length, file)
      let mono: Float32Array
      try {
        const decoded = await decodeAudioFile(file)
        mono = prepareStimulus(decoded, { targetRate: audio.rate, targetChannels: 1 }).audio.channels[0]!
      } catch (error) {
        throw new EntrainError('INVALID_INPUT', `${file} cannot be decoded: ${(error as Error).message}`)
      }
      if (audio.scaling === 'minmax') scaleEpoch([mono], 'minmax')
      const starts = trackWindows(mono.length, audio.samplesPerWindow, hop)
      if (starts.length === 0) throw new EntrainError('INVALID_INPUT', `${file} lasts ${(mono.length / audio.rate).toFixed(2)} s, shorter than one ${audio.windowSeconds} s window`)
      const source: RowSource = {
        name: file,
        rows: starts.length,
        read: async (picked) => {
          const size = inputShape[0] * inputShape[1]
          const batch = new Float32Array(picked.length * size)
          picked.forEach((row, at) => batch.set(audioFeatures(mono.subarray(starts[row]!, starts[row]! + audio.samplesPerWindow), audio.rate, audio.frontEnd), at * size))
          return tf.tensor3d(batch, [picked.length, ...inputShape])
        },
      }
      const embedded = project(await encode(model.encoders[0]!, source), model.projection.mean1, model.projection.weights1)
      if (request.perWindow) starts.forEach((start, row) => rows.push({ file, start: start / audio.rate, values: embedded.data.slice(row * dims, (row + 1) * dims) }))
      else rows.push({ file, start: null, values: columnMeans(embedded) })
    }
    let index: string | null = null
    if (format === '.npy') {
      const data = new Float32Array(rows.length * dims)
      rows.forEach((row, at) => data.set(row.values, at * dims))
      await fs.writeFile(request.out, formatNpy({ dtype: 'float32', shape: [rows.length, dims], data }), { flag: 'wx' })
      index = rowsFileOf(request.out)
      await fs.writeFile(index, `${['file', ...(request.perWindow ? ['start_s'] : [])].join(',')}\n${rows.map((row) => [csvCell(row.file), ...(request.perWindow ? [row.start!.toFixed(4)] : [])].join(',')).join('\n')}\n`)
    } else {
      const header = ['file', ...(request.perWindow ? ['start_s'] : []), ...Array.from({ length: dims }, (_, at) => `d${at + 1}`)]
      const body = rows.map((row) => [csvCell(row.file), ...(request.perWindow ? [row.start!.toFixed(4)] : []), ...Array.from(row.values, (value) => Math.fround(value).toPrecision(9))].join(','))
      await fs.writeFile(request.out, `${header.join(',')}\n${body.join('\n')}\n`, { flag: 'wx' })
    }
    return { out: path.resolve(request.out), files: files.length, rows: rows.length, dims, index }
  } finally {
    model.encoders.forEach((encoder) => encoder.dispose())
  }
}


