import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { encodeWav } from '../../../src/shared/audio/wav'
import { project } from '../../../src/shared/cca'
import { modelConfigSchema } from '../../../src/shared/model-folder'
import { parseNpy } from '../../../src/shared/npy'
import type { TrainingResult } from '../../../src/shared/training'
import { selectBackend } from '../../../src/trainer/backend'
import { openDataset } from '../../../src/trainer/dataset-rows'
import { encode } from '../../../src/trainer/dcca'
import { loadModelFolder } from '../../../src/trainer/files'
import { runCli, startCli } from '../../support/cli'
import { audioRate, tune, writeSimulatedDataset } from '../../support/audio-eeg-dataset'
import { useTempDirs } from '../../support/temp-dir'

const tempDir = useTempDirs()

describe('entrain train → model folder → entrain embed', () => {
  it('trains the fast preset by fold, exports the best run with a model card, and embeds audio files as in training', async () => {
    const dir = await tempDir()
    await writeSimulatedDataset(path.join(dir, 'data'), { participants: 4, songs: 3, songSeconds: 12, windowSeconds: 0.5, channels: 8 })
    const model = path.join(dir, 'model')
    const trained = await runCli(['train', '--dataset', path.join(dir, 'data'), '--preset', 'fast', '--out', model, '--dims', '4', '--batch', '64', '--epochs', '3', '--lr', '0.003', '--threads', '1', '--json'])
    expect(trained.code, trained.stderr).toBe(0)
    expect(trained.stderr).toMatch(/training 100% fold 2\/2 run 1\/1, epoch 3\/3/)
    // The summary is the trainer process's result, as the app gets it.
    const summary = JSON.parse(trained.stdout) as TrainingResult
    expect(summary).toMatchObject({ kind: 'audio-eeg', model: path.resolve(model), correlationsOn: 'validation' })
    expect(summary.fits.map((fit) => [fit.fit, fit.epochs, fit.history.length])).toEqual([
      ['fold 1, run 1', 3, 3],
      ['fold 2, run 1', 3, 3],
    ])
    const totals = summary.fits.map((fit) => fit.validationCorrelation!)
    const best = Math.max(...totals)
    const exported = summary.fits.find((fit) => fit.fit === summary.exported)!
    expect(exported.validationCorrelation).toBe(best)
    expect(summary.correlations.reduce((sum, value) => sum + value, 0)).toBeCloseTo(best, 6)
    expect(summary.validation!.mean).toBeCloseTo((totals[0]! + totals[1]!) / 2, 10)
    const exportedFold = summary.fits.indexOf(exported)

    const config = modelConfigSchema.parse(JSON.parse(await readFile(path.join(model, 'config.json'), 'utf8')))
    if (config.kind !== 'audio-eeg') throw new Error(`kind ${config.kind}`)
    expect(config.views.map((view) => [view.name, view.inputShape])).toEqual([
      ['audio', [20, 64]],
      ['eeg', [125, 8]],
    ])
    expect(config.audio).toMatchObject({ rate: 22_050, scaling: 'minmax', samplesPerWindow: 11_025, windowSeconds: 0.5, frontEnd: { kind: 'logmel', mels: 64 } })
    expect(config.dataset).toMatchObject({ windows: 288, participants: 4, songs: 3, manifestSha256: expect.stringMatching(/^[0-9a-f]{64}$/) })
    expect(config.exported).toMatchObject({ fold: exportedFold, validationCorrelation: best, reason: expect.stringContaining('best validation total correlation of the 2 runs') })
    const card = await readFile(path.join(model, 'MODEL_CARD.md'), 'utf8')
    expect(card).toContain(`**${summary.validation!.mean.toFixed(3)} ± ${summary.validation!.sd.toFixed(3)}**`)
    expect(card).toContain(`The networks and projection of ${summary.exported} (seed`)
    expect(existsSync(`${model}.training`)).toBe(false)
    for (const file of ['audio/model.json', 'audio/weights.bin', 'projection/audio-weights.npy', 'eeg/model.json', 'metrics.json']) expect(existsSync(path.join(model, file)), file).toBe(true)

    // Audio files: two of the training songs (float32 WAV, as the dataset holds them) and one 1.2 s clip.
    const music = path.join(dir, 'music')
    await mkdir(music)
    const wav = (samples: Float32Array) => encodeWav({ sampleRate: audioRate, channels: [samples] }, 'float32')
    await writeFile(path.join(music, 'a.wav'), wav(tune(0, 12)))
    await writeFile(path.join(music, 'b.wav'), wav(tune(1, 12)))
    await writeFile(path.join(music, 'c.wav'), wav(tune(2, 1.2)))
    const perFile = await runCli(['embed', '--model', model, music, '--out', path.join(dir, 'songs.npy'), '--json'])
    expect(perFile.code, perFile.stderr).toBe(0)
    expect(perFile.stderr).toMatch(/embedding 100% 3 files/)
    const songs = parseNpy(await readFile(path.join(dir, 'songs.npy')), 'songs.npy')
    expect(songs.shape).toEqual([3, 4])
    expect(await readFile(path.join(dir, 'songs.rows.csv'), 'utf8')).toBe(`file\n${['a', 'b', 'c'].map((name) => path.join(music, `${name}.wav`)).join('\n')}\n`)

    const perWindow = await runCli(['embed', '--model', model, path.join(music, 'a.wav'), path.join(music, 'c.wav'), '--per-window', '--out', path.join(dir, 'windows.csv')])
    expect(perWindow.code, perWindow.stderr).toBe(0)
    const lines = (await readFile(path.join(dir, 'windows.csv'), 'utf8')).trim().split('\n')
    expect(lines[0]).toBe('file,start_s,d1,d2,d3,d4')
    // 24 windows of a 12 s song, 2 of a 1.2 s clip.
    expect(lines).toHaveLength(1 + 24 + 2)
    expect(lines[2]!.split(',').slice(0, 2)).toEqual([path.join(music, 'a.wav'), '0.5000'])
    // A file's embedding is the mean of its windows' embeddings.
    const rowsOfA = lines.slice(1, 25).map((line) => line.split(',').slice(2).map(Number))
    rowsOfA[0]!.forEach((_, d) => expect(rowsOfA.reduce((sum, row) => sum + row[d]!, 0) / 24).toBeCloseTo(songs.data[d]!, 4))
    // Embedding a file goes the way training went: its windows equal the dataset's windows of that song
    // (participant 1's first 24 items) through the audio network and the projection.
    await selectBackend({ backend: 'wasm', threads: 1 })
    const saved = await loadModelFolder(model)
    const dataset = await openDataset(path.join(dir, 'data'), config.audio.frontEnd)
    const fromDataset = project(await encode(saved.encoders[0]!, dataset.audio, Int32Array.from({ length: 24 }, (_, index) => index)), saved.projection.mean1, saved.projection.weights1)
    await dataset.close()
    saved.encoders.forEach((encoder) => encoder.dispose())
    rowsOfA.forEach((row, window) => row.forEach((value, d) => expect(value).toBeCloseTo(fromDataset.data[window * 4 + d]!, 3)))
    expect(new Set(rowsOfA.map((row) => row[0]!.toFixed(4))).size).toBeGreaterThan(12)

    await writeFile(path.join(music, 'broken.wav'), 'RIFF not really a wave file')
    const broken = await runCli(['embed', '--model', model, music, '--out', path.join(dir, 'again.npy')])
    expect(broken.code).toBe(1)
    expect(broken.stderr).toContain(`${path.join(music, 'broken.wav')} cannot be decoded`)
    expect(existsSync(path.join(dir, 'again.npy'))).toBe(false)
    const exists = await runCli(['embed', '--model', model, music, '--out', path.join(dir, 'songs.npy')])
    expect(exists.stderr).toMatch(/songs.npy already exists/)
  }, 120_000)

  it('Ctrl+C stops the trainer process between two steps, keeps the checkpoints, and --resume finishes the job', async () => {
    const dir = await tempDir()
    await writeSimulatedDataset(path.join(dir, 'data'), { participants: 2, songs: 3, songSeconds: 12, windowSeconds: 0.5, channels: 8 })
    const model = path.join(dir, 'model')
    const args = ['train', '--dataset', path.join(dir, 'data'), '--preset', 'fast', '--out', model, '--dims', '4', '--batch', '16', '--epochs', '4', '--threads', '1']
    const child = startCli(args)
    let stderr = ''
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
    await new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk) => {
        stderr += chunk
        if (/epoch 2\/4/.test(stderr)) resolve()
      }),
    )
    child.kill('SIGINT')
    expect(await exited).toBe(1)
    // Between two steps of epoch 2 or later (progress events are throttled, and the run is quick).
    expect(stderr).toMatch(/training cancelled after [1-3] complete epochs?; its checkpoints stay in .*model\.training, and the same job again with Resume \(--resume in the CLI\) continues from them/)
    expect(existsSync(path.join(`${model}.training`, 'fold-0-run-0', 'checkpoint.json'))).toBe(true)
    expect(existsSync(model)).toBe(false)

    const again = await runCli([...args, '--json'])
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/holds a stopped job .*--resume/)
    const resumed = await runCli([...args, '--resume', '--json'])
    expect(resumed.code, resumed.stderr).toBe(0)
    const result = JSON.parse(resumed.stdout) as TrainingResult
    expect(result.fits.map((fit) => fit.history.map((epoch) => epoch.epoch))).toEqual([
      [1, 2, 3, 4],
      [1, 2, 3, 4],
    ])
    expect(existsSync(`${model}.training`)).toBe(false)
  }, 120_000)
})
