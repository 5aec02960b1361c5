/**
 * The retrieval evaluation of a folder (audio files + lyrics `.txt` + optional labels.csv), a job of
 * the trainer process: the lyrics become TF-IDF + SVD vectors, the audio the hand-crafted
 * descriptors, the embeddings of any audio↔EEG model folders and any embedding files given (NPY or
 * CSV, e.g. from `entrain embed`), and each feature set is evaluated with each model. Decoding every
 * song, the descriptors, the embeddings and the deep model's training are seconds to minutes of CPU,
 * so the app and `entrain demo` run this in the trainer process (src/trainer/jobs.ts), never in main.
 */
import { promises as fs } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { audioDescriptorMatrix, folderNames, readRowIndex, textFeatureMatrix } from '../main/retrieval/features'
import { namedView, type ViewData } from '../shared/dcca-training'
import { EntrainError } from '../shared/errors'
import { parseNpy } from '../shared/npy'
import { labelsFileName, pairFolderFiles, parseLabels, parseNumericCsv, type FolderLabels } from '../shared/retrieval/folder'
import { parseDeepRetrieval, retrievalDefaults, type DeepRetrievalSettings, type RetrievalModel, type RetrievalOptions } from '../shared/retrieval/protocol'
import type { ComparisonEntry, RetrievalComparison } from '../shared/retrieval/report'
import { embedAudioFiles } from './audio-eeg-jobs'
import { selectBackend } from './backend'
import { runRetrieval } from './retrieval'

/** What to evaluate on a folder: plain data, as the `retrieval.evaluate` request and the trainer's job carry it. */
export interface RetrievalEvaluation extends Partial<RetrievalOptions> {
  /** Default: linear only. */
  models?: RetrievalModel[]
  deep?: Partial<DeepRetrievalSettings>
  /** Dimensions of the lyrics' SVD (default 64, fewer for small folders). */
  textDims?: number
  /** Audio embeddings to compare with the descriptors (NPY or CSV): rows named by a row index, else in the pairs' (name) order. */
  embeddings?: { name: string; file: string }[]
  /** Audio↔EEG model folders (`entrain train`) whose embeddings of the folder's audio are compared too. */
  modelFolders?: string[]
}

export interface EvaluateOptions extends RetrievalEvaluation {
  onProgress?: (fraction: number, detail: string) => void
  /** Stops the evaluation between two files, epochs or folds (CANCELLED). */
  signal?: AbortSignal
}


/**
 * An embedding (NPY or CSV, e.g. from `entrain embed`) as rows in the pairs' order: matched by name
 * through its row index (`X.rows.csv` beside an NPY; the `file` column of a CSV), else taken in order.
 */
async function readEmbedding(file: string, names: string[]): Promise<ViewData> {
  const label = path.basename(file)
  let array: { rows: number; cols: number; data: Float32Array | Float64Array; names: string[] | null }
  try {
    const bytes = await fs.readFile(file)
    if (file.toLowerCase().endsWith('.csv')) array = parseNumericCsv(bytes.toString('utf8'), label)
    else {
      const npy = parseNpy(bytes, label)
      if (npy.shape.length !== 2) throw new RangeError(`${label} has shape (${npy.shape.join(', ')}); an embedding must be 2-D, songs × dimensions`)
      array = { rows: npy.shape[0]!, cols: npy.shape[1]!, data: npy.data, names: await readRowIndex(file) }
    }
  } catch (error) {
    if (error instanceof EntrainError) throw error
    throw new EntrainError((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'NOT_FOUND' : 'INVALID_INPUT', `cannot read the embedding ${file}: ${(error as Error).message}`)
  }
  const { cols } = array
  if (array.names) {
    const index = new Map(array.names.map((name, row) => [name, row]))
    const missing = names.filter((name) => !index.has(name))
    if (missing.length) throw new EntrainError('INVALID_INPUT', `${label} has no row for ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''} (its rows name ${array.names.length} songs)`)
    const data = new Float64Array(names.length * cols)
    names.forEach((name, row) => data.set(array.data.subarray(index.get(name)! * cols, (index.get(name)! + 1) * cols), row * cols))
    return { name: label, rows: names.length, cols, data }
  }
  if (array.rows !== names.length) throw new EntrainError('INVALID_INPUT', `${label} has ${array.rows} rows for ${names.length} pairs, and no row index says which row is which song`)
  return { name: label, rows: names.length, cols, data: array.data }
}

/** Evaluates every audio feature set with every model on the folder's pairs. */
export async function evaluateRetrieval(folder: string, options: EvaluateOptions = {}): Promise<RetrievalComparison> {
  const root = path.resolve(folder)
  const settings: RetrievalOptions = { ...retrievalDefaults, ...Object.fromEntries(Object.entries({ folds: options.folds, seed: options.seed, dims: options.dims, ridge: options.ridge }).filter(([, value]) => value !== undefined)) }
  const models = options.models?.length ? options.models : (['linear'] as RetrievalModel[])
  let deep: DeepRetrievalSettings | undefined
  try {
    deep = models.includes('deep') ? parseDeepRetrieval(options.deep ?? {}) : undefined
  } catch (error) {
    throw new EntrainError('INVALID_INPUT', (error as Error).message)
  }
  const report = options.onProgress ?? (() => {})
  // Decoding and embedding have no cancel of their own: stopping between two files is what cancel means there.
  const fileDone = (fraction: number, detail: string) => {
    if (options.signal?.aborted) throw new EntrainError('CANCELLED', 'retrieval evaluation cancelled while computing the audio features')
    report(fraction, detail)
  }
  const names = await folderNames(root)
  let paired
  try {
    paired = pairFolderFiles(names)
  } catch (error) {
    throw new EntrainError('INVALID_INPUT', (error as Error).message)
  }
  const { pairs, unpaired } = paired
  if (pairs.length < 2 * settings.folds) {
    throw new EntrainError('INVALID_INPUT', `${root} holds ${pairs.length} audio/lyrics pairs (same name, e.g. song01.mp3 and song01.txt); ${settings.folds} folds need at least ${2 * settings.folds}`)
  }
  const pairNames = pairs.map((pair) => pair.name)
  let labels: FolderLabels | null = null
  const labelsText = await fs.readFile(path.join(root, labelsFileName), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null
    throw new EntrainError('IO_ERROR', `cannot read ${path.join(root, labelsFileName)}: ${error.message}`)
  })
  if (labelsText !== null) {
    try {
      labels = parseLabels(labelsText, pairNames)
    } catch (error) {
      throw new EntrainError('INVALID_INPUT', `${path.join(root, labelsFileName)}: ${(error as Error).message}`)
    }
  }

  const featureShare = 0.3
  const text = await textFeatureMatrix(
    pairs.map((pair) => path.join(root, pair.text)),
    { dims: options.textDims, seed: settings.seed },
  )
  const descriptors = await audioDescriptorMatrix(
    pairs.map((pair) => path.join(root, pair.audio)),
    (done, total, file) => fileDone((featureShare * done) / total / (options.modelFolders?.length ? 2 : 1), `audio descriptors: ${path.basename(file)} (${done}/${total})`),
  )
  const featureSets: { name: string; audio: ViewData }[] = [{ name: 'descriptors', audio: namedView('descriptors', descriptors) }]
  for (const embedding of options.embeddings ?? []) featureSets.push({ name: embedding.name, audio: await readEmbedding(embedding.file, pairNames) })

  if (deep || options.modelFolders?.length) await selectBackend()
  if (options.modelFolders?.length) {
    const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'entrain-embed-'))
    try {
      for (const [index, model] of options.modelFolders.entries()) {
        const out = path.join(scratch, `${index}.npy`)
        await embedAudioFiles({ model, inputs: pairs.map((pair) => path.join(root, pair.audio)), out, perWindow: false, onProgress: (done, total) => fileDone(featureShare * (0.5 + (0.5 * (index + done / total)) / options.modelFolders!.length), `embedding with ${path.basename(model)} (${done}/${total})`) })
        featureSets.push({ name: path.basename(path.resolve(model)), audio: await readEmbedding(out, pairNames) })
      }
    } finally {
      await fs.rm(scratch, { recursive: true, force: true })
    }
  }
  const entries: ComparisonEntry[] = []
  const runs = featureSets.flatMap((features) => models.map((model) => ({ features, model })))
  for (const [index, { features, model }] of runs.entries()) {
    const result = await runRetrieval({
      audio: features.audio,
      text: namedView('lyrics', text.features),
      labels: labels ? { name: labelsFileName, values: labels.values } : undefined,
      model,
      options: settings,
      deep,
      signal: options.signal,
      onProgress: (fraction, detail) => report(featureShare + ((1 - featureShare) * (index + fraction)) / runs.length, `${features.name}, ${model}: ${detail}`),
    })
    entries.push({ features: features.name, result })
  }
  report(1, 'done')
  return { folder: root, pairs: pairs.length, names: pairNames, classes: labels?.classes ?? null, text: text.description, unpaired, entries, createdAt: new Date().toISOString() }
}
