import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseAudioEegTraining } from '../../../src/shared/audio-eeg'
import { selectBackend } from '../../../src/trainer/backend'
import { trainAudioEegFolder, type AudioEegSummary } from '../../../src/trainer/audio-eeg-jobs'
import { useTempDirs } from '../../support/temp-dir'
import { writeSimulatedDataset } from '../../support/audio-eeg-dataset'

const tempDir = useTempDirs()
const small = { participants: 4, songs: 3, songSeconds: 16, windowSeconds: 0.5, channels: 8 }
const quick = parseAudioEegTraining('fast', { dims: 4, batchSize: 64, epochs: 4, patience: 0, learningRate: 3e-3, seed: 3 })

describe('audio↔EEG training job', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm', threads: 1 })
  })

  it('a cancelled job keeps its checkpoints and, resumed, finishes as one uninterrupted run', async () => {
    const dir = await tempDir()
    await writeSimulatedDataset(path.join(dir, 'data'), small)
    const request = { dataset: path.join(dir, 'data'), training: quick, resume: false }
    const straight = await trainAudioEegFolder({ ...request, out: path.join(dir, 'straight') })

    const controller = new AbortController()
    const stopped = trainAudioEegFolder({ ...request, out: path.join(dir, 'stopped'), signal: controller.signal, onProgress: (event) => event.job!.fold === straight.runs[0]!.fold && event.epoch === 3 && event.batch === 1 && controller.abort() })
    await expect(stopped).rejects.toThrow('training cancelled after 2 complete epochs')
    await expect(trainAudioEegFolder({ ...request, out: path.join(dir, 'stopped') })).rejects.toThrow(/holds a stopped job .*--resume/)
    const events: number[] = []
    const resumed = await trainAudioEegFolder({ ...request, out: path.join(dir, 'stopped'), resume: true, onProgress: (event) => events.push(event.epoch) })
    // It went on from epoch 3 (the first two came from the checkpoint).
    expect(events[0]).toBe(3)
    const losses = (summary: AudioEegSummary) => summary.runs.map((run) => run.history.map((epoch) => epoch.loss))
    expect(losses(resumed).flat()).toEqual(losses(straight).flat().map((loss) => expect.closeTo(loss, 3)))
    expect(resumed.validation.mean).toBeCloseTo(straight.validation.mean, 2)
  }, 120_000)

  it('refuses bad input before training, naming what is wrong', async () => {
    const dir = await tempDir()
    const data = path.join(dir, 'data')
    const { manifest } = await writeSimulatedDataset(data, { ...small, participants: 2, songSeconds: 6 })
    const job = (training = quick, dataset = data) => trainAudioEegFolder({ dataset, out: path.join(dir, 'model'), training, resume: false })
    await expect(job(quick, path.join(dir, 'nowhere'))).rejects.toThrow(/nowhere is not a finished dataset \(no manifest.json\)/)
    await expect(job({ ...quick, batchSize: 500 })).rejects.toThrow(/fold 0 leaves 36 training windows, fewer than one batch of 500; lower --batch/)
    await expect(job({ ...quick, foldsBy: 'song', dims: 40 })).rejects.toThrow(/holds \d+ validation windows, too few to measure 40 correlations/)
    const eeg = path.join(data, manifest.shards[0]!.eeg)
    const values = new Float32Array((await readFile(eeg)).buffer.slice(0))
    values[8 * 125 * 5 + 17] = Number.NaN
    await writeFile(eeg, Buffer.from(values.buffer))
    await expect(job()).rejects.toThrow(`${eeg} holds NaN in window 5 (value 17)`)
    await writeFile(eeg, Buffer.from(values.buffer.slice(0, 4000)))
    await expect(job()).rejects.toThrow(`${eeg} holds 4000 bytes; 72 windows of 1000 float32 values need 288000`)
    await writeFile(path.join(data, 'manifest.json'), JSON.stringify({ ...manifest, items: manifest.items.slice(1) }))
    await expect(job()).rejects.toThrow(/its shards hold 72 windows but it lists 71 items/)
  }, 60_000)
})
