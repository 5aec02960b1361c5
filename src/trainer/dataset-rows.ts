/**
 * A dataset folder (src/shared/dataset/manifest.ts) as the two row sources training reads: the
 * audio windows through the model's front end, and the EEG windows as [samples, channels]. Rows are
 * read from the shards on disk a batch at a time, so memory stays bounded however large the
 * dataset. Opening checks everything training would otherwise trip over half-way: the manifest,
 * every shard's presence and size, and every value (the first non-finite one is named).
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { audioFeatures, audioInputShape, type AudioFrontEnd } from '../shared/audio-eeg'
import { datasetFormat, datasetVersion, type DatasetManifest } from '../shared/dataset/manifest'
import { EntrainError } from '../shared/errors'
import type { RowSource } from './dcca'

export interface OpenDataset {
  folder: string
  manifest: DatasetManifest
  audio: RowSource
  eeg: RowSource
  shapes: { audio: [number, number]; eeg: [number, number] }
  close(): Promise<void>
}

const invalid = (message: string) => new EntrainError('INVALID_INPUT', message)

/** The manifest of a dataset folder; a missing or foreign one is named. */
export async function readManifest(folder: string): Promise<DatasetManifest> {
  const file = path.join(folder, 'manifest.json')
  let manifest: DatasetManifest
  try {
    manifest = JSON.parse(await fs.readFile(file, 'utf8')) as DatasetManifest
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new EntrainError('NOT_FOUND', `${folder} is not a finished dataset (no manifest.json); build one with \`entrain dataset build\``)
    throw invalid(`${file} cannot be read: ${(error as Error).message}`)
  }
  if (manifest?.format !== datasetFormat || manifest.version !== datasetVersion) throw invalid(`${file} is not an Entrain dataset manifest (format ${datasetFormat} v${datasetVersion})`)
  const count = manifest.shards?.reduce((sum, shard) => sum + shard.windows, 0)
  if (!Array.isArray(manifest.items) || count !== manifest.items.length) throw invalid(`${file}: its shards hold ${count} windows but it lists ${manifest.items?.length} items`)
  return manifest
}

export async function openDataset(folder: string, frontEnd: AudioFrontEnd): Promise<OpenDataset> {
  const manifest = await readManifest(folder)
  const audioSamples = manifest.audio.samplesPerWindow
  const channels = manifest.eeg.channels.length
  const eegSamples = manifest.eeg.samplesPerWindow
  const eegSize = channels * eegSamples
  const handles: { audio: fs.FileHandle; eeg: fs.FileHandle }[] = []
  const close = () => Promise.all(handles.flatMap((pair) => [pair.audio.close(), pair.eeg.close()])).then(() => {})
  try {
    for (const shard of manifest.shards) {
      const pair: Partial<(typeof handles)[number]> = {}
      for (const [kind, size] of [
        ['audio', audioSamples],
        ['eeg', eegSize],
      ] as const) {
        const file = path.join(folder, shard[kind])
        const handle = await fs.open(file, 'r').catch((error: NodeJS.ErrnoException) => {
          throw invalid(`${file} (a shard of the dataset) cannot be read: ${error.code === 'ENOENT' ? 'no such file' : error.message}`)
        })
        pair[kind] = handle
        const expected = shard.windows * size * 4
        const { size: actual } = await handle.stat()
        if (actual !== expected) throw invalid(`${file} holds ${actual} bytes; ${shard.windows} windows of ${size} float32 values need ${expected}`)
        await checkFinite(handle, size, shard.windows, file)
      }
      handles.push(pair as (typeof handles)[number])
    }
  } catch (error) {
    await close()
    throw error
  }
  // Row r lives in shard shardOf[r] at position within[r].
  const shardOf = new Int32Array(manifest.items.length)
  const within = new Int32Array(manifest.items.length)
  let row = 0
  manifest.shards.forEach((shard, index) => {
    for (let position = 0; position < shard.windows; position++, row++) {
      shardOf[row] = index
      within[row] = position
    }
  })
  const readWindow = async (kind: 'audio' | 'eeg', row: number, size: number): Promise<Float32Array> => {
    const values = new Float32Array(size)
    await handles[shardOf[row]!]![kind].read(new Uint8Array(values.buffer), 0, size * 4, within[row]! * size * 4)
    return values
  }
  const shapes = { audio: audioInputShape(frontEnd, audioSamples), eeg: [eegSamples, channels] as [number, number] }
  const audioSize = shapes.audio[0] * shapes.audio[1]
  return {
    folder,
    manifest,
    shapes,
    close,
    audio: {
      name: 'audio',
      rows: manifest.items.length,
      read: async (rows) => {
        const batch = new Float32Array(rows.length * audioSize)
        await Promise.all(Array.from(rows, async (row, index) => batch.set(audioFeatures(await readWindow('audio', row, audioSamples), manifest.audio.rate, frontEnd), index * audioSize)))
        return tf.tensor3d(batch, [rows.length, ...shapes.audio])
      },
    },
    eeg: {
      name: 'eeg',
      rows: manifest.items.length,
      read: async (rows) => {
        const batch = new Float32Array(rows.length * eegSize)
        await Promise.all(
          Array.from(rows, async (row, index) => {
            // Shards hold channels × samples; the network takes samples × channels.
            const window = await readWindow('eeg', row, eegSize)
            const base = index * eegSize
            for (let channel = 0; channel < channels; channel++) for (let sample = 0; sample < eegSamples; sample++) batch[base + sample * channels + channel] = window[channel * eegSamples + sample]!
          }),
        )
        return tf.tensor3d(batch, [rows.length, eegSamples, channels])
      },
    },
  }
}

/** Reads a shard through once, a few windows at a time; the first NaN or infinity is named. */
async function checkFinite(handle: fs.FileHandle, size: number, windows: number, file: string): Promise<void> {
  const perRead = Math.max(1, Math.floor((4 << 20) / (size * 4)))
  const values = new Float32Array(perRead * size)
  for (let first = 0; first < windows; first += perRead) {
    const count = Math.min(perRead, windows - first)
    await handle.read(new Uint8Array(values.buffer), 0, count * size * 4, first * size * 4)
    for (let index = 0; index < count * size; index++) {
      if (!Number.isFinite(values[index]!)) throw invalid(`${file} holds ${values[index]} in window ${first + Math.floor(index / size)} (value ${index % size}); rebuild the dataset`)
    }
  }
}
