/**
 * Files training reads and writes: paired-view NPY matrices, and model folders
 * (src/shared/model-folder.ts describes the layout). A model folder appears whole or not at all:
 * it is written beside its final name and renamed into place, and an existing one is never replaced.
 */
import { createHash } from 'node:crypto'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import type { CcaModel } from '../shared/cca'
import type { ViewData } from '../shared/dcca-training'
import { EntrainError } from '../shared/errors'
import { matrix } from '../shared/linalg'
import { modelConfigSchema, type ModelConfig } from '../shared/model-folder'
import { formatNpy, NpyError, parseNpy } from '../shared/npy'

export interface ViewFile extends ViewData {
  file: string
  dtype: string
  sha256: string
}

/** A samples × features matrix from an .npy file; every problem names the file. */
export async function readViewFile(file: string): Promise<ViewFile> {
  const name = path.basename(file)
  let bytes: Buffer
  try {
    bytes = await fs.readFile(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new EntrainError(code === 'ENOENT' ? 'NOT_FOUND' : 'IO_ERROR', `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`)
  }
  try {
    const array = parseNpy(bytes, name)
    if (array.shape.length !== 2) throw new NpyError(`${name} has shape (${array.shape.join(', ')}); a view must be 2-D, samples × features`)
    return { name, file: path.resolve(file), rows: array.shape[0]!, cols: array.shape[1]!, data: array.data, dtype: array.dtype, sha256: createHash('sha256').update(bytes).digest('hex') }
  } catch (error) {
    if (error instanceof NpyError) throw new EntrainError('INVALID_INPUT', error.message)
    throw error
  }
}

export interface ModelFolderContents {
  config: ModelConfig
  metrics: unknown
  /** MODEL_CARD.md, for people. */
  card?: string
  /** In the order of config.views. */
  encoders: tfl.LayersModel[]
  projection: CcaModel
}

async function saveLayersModel(model: tfl.LayersModel, folder: string): Promise<void> {
  await fs.mkdir(folder, { recursive: true })
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData instanceof ArrayBuffer ? artifacts.weightData : tf.io.concatenateArrayBuffers(artifacts.weightData!)
      const manifest = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tfl.version_layers}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      }
      await fs.writeFile(path.join(folder, 'weights.bin'), new Uint8Array(weights))
      await fs.writeFile(path.join(folder, 'model.json'), `${JSON.stringify(manifest)}\n`)
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } }
    }),
  )
}

async function loadLayersModel(file: string): Promise<tfl.LayersModel> {
  const manifest = JSON.parse(await fs.readFile(file, 'utf8')) as { modelTopology: object; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] }
  const group = manifest.weightsManifest[0]!
  const buffers = await Promise.all(group.paths.map((part) => fs.readFile(path.join(path.dirname(file), part))))
  const weightData = tf.io.concatenateArrayBuffers(buffers.map((buffer) => buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer))
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: manifest.modelTopology, weightSpecs: group.weights, weightData }))
}

/** Fails unless `folder` is free for a new model (checked before training, and again when saving). */
export async function assertNewModelFolder(folder: string): Promise<void> {
  const target = path.resolve(folder)
  if (await exists(target)) throw new EntrainError('INVALID_INPUT', `${target} already exists; choose a new --out folder (Entrain never replaces a model)`)
}

/** Writes a model folder at `folder`, which must not exist yet. */
export async function saveModelFolder(folder: string, contents: ModelFolderContents): Promise<void> {
  const target = path.resolve(folder)
  await assertNewModelFolder(target)
  const staging = `${target}.partial-${process.pid}`
  await fs.rm(staging, { recursive: true, force: true })
  try {
    await fs.mkdir(path.join(staging, 'projection'), { recursive: true })
    for (const [index, view] of contents.config.views.entries()) {
      await saveLayersModel(contents.encoders[index]!, path.join(staging, path.dirname(view.encoder)))
      const mean = index === 0 ? contents.projection.mean1 : contents.projection.mean2
      const weights = index === 0 ? contents.projection.weights1 : contents.projection.weights2
      await fs.writeFile(path.join(staging, view.projection.mean), formatNpy({ dtype: 'float64', shape: [mean.length], data: mean }))
      await fs.writeFile(path.join(staging, view.projection.weights), formatNpy({ dtype: 'float64', shape: [weights.rows, weights.cols], data: weights.data }))
    }
    await fs.writeFile(path.join(staging, 'metrics.json'), `${JSON.stringify(contents.metrics, null, 2)}\n`)
    if (contents.card !== undefined) await fs.writeFile(path.join(staging, 'MODEL_CARD.md'), contents.card)
    await fs.writeFile(path.join(staging, 'config.json'), `${JSON.stringify(contents.config, null, 2)}\n`)
    await fs.rename(staging, target)
  } catch (error) {
    await fs.rm(staging, { recursive: true, force: true })
    throw error
  }
}

/** Reads a model folder; a missing or damaged part is named. */
export async function loadModelFolder(folder: string): Promise<ModelFolderContents> {
  const configFile = path.join(folder, 'config.json')
  let raw: unknown
  try {
    raw = JSON.parse(await fs.readFile(configFile, 'utf8'))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new EntrainError(code === 'ENOENT' ? 'NOT_FOUND' : 'INVALID_INPUT', code === 'ENOENT' ? `${folder} is not an Entrain model folder (no config.json)` : `${configFile} cannot be read: ${(error as Error).message}`)
  }
  const parsed = modelConfigSchema.safeParse(raw)
  if (!parsed.success) throw new EntrainError('INVALID_INPUT', `${configFile}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`)
  const config = parsed.data
  const part = async <T>(relative: string, read: (file: string) => Promise<T>): Promise<T> => {
    const file = path.join(folder, relative)
    try {
      return await read(file)
    } catch (error) {
      throw new EntrainError('INVALID_INPUT', `${file} (part of the model) cannot be read: ${(error as Error).message}`)
    }
  }
  const readArray = (file: string) => fs.readFile(file).then((bytes) => parseNpy(bytes, path.basename(file)))
  const encoders = await Promise.all(config.views.map((view) => part(view.encoder, loadLayersModel)))
  const projections = await Promise.all(
    config.views.map(async (view) => {
      const mean = await part(view.projection.mean, readArray)
      const weights = await part(view.projection.weights, readArray)
      return { mean: Float64Array.from(mean.data), weights: matrix(weights.shape[0]!, weights.shape[1]!, weights.data) }
    }),
  )
  const metrics = await part('metrics.json', (file) => fs.readFile(file, 'utf8').then((text) => JSON.parse(text) as unknown))
  return {
    config,
    metrics,
    encoders,
    projection: {
      correlations: Float64Array.from(config.projectionCorrelations),
      mean1: projections[0]!.mean,
      mean2: projections[1]!.mean,
      weights1: projections[0]!.weights,
      weights2: projections[1]!.weights,
    },
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  )
}
