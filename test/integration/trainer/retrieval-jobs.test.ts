import { promises as fs } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { writeRetrievalDemoFolder } from '../../../src/main/retrieval/demo-folder'
import { parseAudioEegTraining } from '../../../src/shared/audio-eeg'
import { trainAudioEegFolder } from '../../../src/trainer/audio-eeg-jobs'
import { selectBackend } from '../../../src/trainer/backend'
import { evaluateRetrieval } from '../../../src/trainer/retrieval-jobs'
import { writeSimulatedDataset } from '../../support/audio-eeg-dataset'
import { useTempDirs } from '../../support/temp-dir'

const tempDir = useTempDirs()

describe('evaluateRetrieval on a folder', () => {
  let folder: string
  beforeAll(async () => {
    folder = path.join(await import('node:os').then((os) => os.tmpdir()), `entrain-retrieval-${process.pid}`)
    await fs.rm(folder, { recursive: true, force: true })
    await writeRetrievalDemoFolder(folder, { songs: 30 })
    return () => fs.rm(folder, { recursive: true, force: true })
  })

  it('compares the descriptors under both models, well above chance, with progress', async () => {
    const progress: number[] = []
    const comparison = await evaluateRetrieval(folder, { models: ['linear', 'deep'], folds: 3, dims: 8, textDims: 16, deep: { hidden: [32], outputs: 8, epochs: 60, batchSize: 20 }, onProgress: (fraction) => progress.push(fraction) })
    expect(comparison.pairs).toBe(30)
    expect(comparison.classes).toEqual(['ballad', 'dance', 'road'])
    expect(comparison.entries.map((entry) => `${entry.features}/${entry.result.model}`)).toEqual(['descriptors/linear', 'descriptors/deep'])
    // The linear CCA hears style and key; the deep model, on 20 training songs a fold, less (but more than nothing).
    const [linear, deep] = comparison.entries.map((entry) => entry.result)
    for (const direction of [linear!.audioToText, linear!.textToAudio]) {
      expect(direction.cMRR!.mean).toBeGreaterThan(linear!.chance.cMRR! + 0.15)
      expect(direction.iMRR.mean).toBeGreaterThan(1.7 * linear!.chance.iMRR)
    }
    expect(deep!.audioToText.iMRR.mean).toBeGreaterThan(deep!.chance.iMRR)
    expect(deep!.deep).toMatchObject({ hidden: [32], outputs: 8, optimizer: 'rmsprop', objective: 'frobenius' })
    expect(progress.at(-1)).toBe(1)
    expect(progress.every((value, index) => index === 0 || value >= progress[index - 1]!)).toBe(true)
  }, 120_000)

  it('compares an audio↔EEG model’s embeddings with the descriptors', async () => {
    const dir = await tempDir()
    await writeSimulatedDataset(path.join(dir, 'data'), { participants: 3, songs: 3, songSeconds: 8, windowSeconds: 0.5, channels: 4 })
    await selectBackend({ backend: 'wasm', threads: 1 })
    const model = path.join(dir, 'tiny-model')
    await trainAudioEegFolder({ dataset: path.join(dir, 'data'), out: model, training: parseAudioEegTraining('fast', { dims: 4, batchSize: 32, epochs: 1, patience: 0, seed: 1 }), resume: false })
    const comparison = await evaluateRetrieval(folder, { folds: 3, dims: 4, textDims: 16, modelFolders: [model] })
    expect(comparison.entries.map((entry) => entry.features)).toEqual(['descriptors', 'tiny-model'])
    const embedded = comparison.entries[1]!.result
    expect(embedded.pairs).toBe(30)
    expect(Number.isFinite(embedded.audioToText.iMRR.mean)).toBe(true)
  }, 120_000)

  it('names what is wrong with a folder', async () => {
    const small = await tempDir()
    await expect(evaluateRetrieval(path.join(small, 'missing'))).rejects.toThrow(/no such folder/)
    // Two dance songs and two ballads: each style's words occur in two of the four lyrics.
    const copy = async (from: string, to: string) => {
      await fs.copyFile(path.join(folder, `${from}.wav`), path.join(small, `${to}.wav`))
      await fs.copyFile(path.join(folder, `${from}.txt`), path.join(small, `${to}.txt`))
    }
    await copy('song01', 'a')
    await copy('song02', 'b')
    await copy('song04', 'c')
    await fs.writeFile(path.join(small, 'lonely.txt'), 'no song for me')
    await expect(evaluateRetrieval(small, { folds: 2 })).rejects.toThrow(/holds 3 audio\/lyrics pairs .*; 2 folds need at least 4/)
    await copy('song05', 'd')
    await fs.writeFile(path.join(small, 'labels.csv'), 'file,label\na.wav,x\nb,y\nc,x\n')
    await expect(evaluateRetrieval(small, { folds: 2 })).rejects.toThrow(/labels.csv: labels.csv has no label for d/)
    await fs.writeFile(path.join(small, 'labels.csv'), 'file,label\na.wav,x\nb,y\nc,x\nd,y\n')
    const comparison = await evaluateRetrieval(small, { folds: 2, textDims: 2, dims: 2 })
    expect(comparison.unpaired).toEqual(['lonely.txt'])
    expect(comparison.classes).toEqual(['x', 'y'])
  }, 60_000)
})
