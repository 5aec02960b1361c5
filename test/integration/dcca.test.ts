import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { modelConfigSchema } from '../../src/shared/model-folder'
import { formatNpy, parseNpy } from '../../src/shared/npy'
import type { TrainingResult } from '../../src/shared/training'
import { Random } from '../../src/shared/sim/random'
import { runCli } from '../support/cli'
import { writePairedViews } from '../support/views'

const folder = mkdtempSync(path.join(os.tmpdir(), 'entrain-dcca-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

const writeViews = (name: string, rows: number, seed: number) => writePairedViews(folder, name, rows, seed)

const python = '/usr/bin/python3'

describe('entrain dcca', () => {
  const [trainA, trainB] = writeViews('train', 1200, 1)
  const [testA, testB] = writeViews('test', 500, 2)
  const model = path.join(folder, 'model')
  const fitArgs = ['dcca', 'fit', '--x1', trainA, '--x2', trainB, '--dims', '2', '--layers', '32,32', '--epochs', '6', '--batch', '200', '--lr', '0.003', '--seed', '4', '--threads', '1']

  it('fits a model folder with progress on stderr and a summary on stdout', async () => {
    const result = await runCli([...fitArgs, '--out', model, '--json'])
    expect(result.stderr).toMatch(/backend: wasm \(XNNPACK, SIMD, 1 thread[;)]/)
    expect(result.stderr).toMatch(/training 100% /)
    expect(result.code).toBe(0)
    const summary = JSON.parse(result.stdout) as TrainingResult
    expect(summary.fits).toHaveLength(1)
    expect(summary.fits[0]!.epochs).toBe(6)
    expect(summary.fits[0]!.history.map((point) => point.epoch)).toEqual([1, 2, 3, 4, 5, 6])
    expect(summary.correlationsOn).toBe('validation')
    expect(summary.correlations).toHaveLength(2)
    expect(summary.fits[0]!.validationCorrelation).toBeCloseTo(summary.correlations[0]! + summary.correlations[1]!, 10)
    expect(summary.fits[0]!.validationCorrelation).toBeGreaterThan(1)

    const config = modelConfigSchema.parse(JSON.parse(readFileSync(path.join(model, 'config.json'), 'utf8')))
    expect(config.training).toMatchObject({ dims: 2, layers: [32, 32], epochs: 6, batchSize: 200, objective: 'trace', ridge: 1e-4, validationSplit: 0.2, seed: 4 })
    expect(config.views.map((view) => view.data)).toEqual([
      expect.objectContaining({ file: trainA, rows: 1200, cols: 5, dtype: 'float64', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }),
      expect.objectContaining({ file: trainB, rows: 1200, cols: 4, dtype: 'float32' }),
    ])
    for (const file of ['view1/model.json', 'view1/weights.bin', 'view2/model.json', 'projection/view1-weights.npy', 'metrics.json']) expect(existsSync(path.join(model, file))).toBe(true)
    const topology = JSON.parse(readFileSync(path.join(model, 'view1', 'model.json'), 'utf8')) as { format: string; weightsManifest: { weights: { name: string; shape: number[] }[] }[] }
    expect(topology.format).toBe('layers-model')
    expect(topology.weightsManifest[0]!.weights.map((weight) => weight.shape)).toEqual([[5, 32], [32], [32, 32], [32], [32, 2], [2]])
  })

  it('scores the saved model on new rows, as JSON', async () => {
    const result = await runCli(['dcca', 'score', '--model', model, '--x1', testA, '--x2', testB, '--json'])
    expect(result.code).toBe(0)
    const score = JSON.parse(result.stdout) as { totalCorrelation: number; correlations: number[]; rows: number }
    expect(score.rows).toBe(500)
    expect(score.correlations).toHaveLength(2)
    expect(score.totalCorrelation).toBeCloseTo(score.correlations[0]! + score.correlations[1]!, 10)
    expect(score.totalCorrelation).toBeGreaterThan(1)
    // The same rows with their pairing broken share nothing.
    const shuffled = parseNpy(readFileSync(testB))
    const order = Int32Array.from({ length: 500 }, (_, index) => index)
    new Random(9).shuffle(order)
    const broken = new Float32Array(500 * 4)
    order.forEach((from, to) => broken.set(shuffled.data.subarray(from * 4, from * 4 + 4), to * 4))
    const brokenFile = path.join(folder, 'test-b-shuffled.npy')
    writeFileSync(brokenFile, formatNpy({ dtype: 'float32', shape: [500, 4], data: broken }))
    const unpaired = JSON.parse((await runCli(['dcca', 'score', '--model', model, '--x1', testA, '--x2', brokenFile, '--json'])).stdout) as { totalCorrelation: number }
    expect(Math.abs(unpaired.totalCorrelation)).toBeLessThan(0.25)
  })

  it('refuses bad input with one clear line that names the file, and never replaces a model', async () => {
    const again = await runCli([...fitArgs, '--out', model])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain(`${model} already exists`)

    const [shortA] = writeViews('short', 1100, 3)
    const unpaired = await runCli(['dcca', 'fit', '--x1', shortA, '--x2', trainB, '--out', path.join(folder, 'never')])
    expect(unpaired.code).toBe(1)
    expect(unpaired.stderr).toContain('short-a.npy has 1100 rows and train-b.npy 1200; rows must be paired samples')
    expect(existsSync(path.join(folder, 'never'))).toBe(false)

    const csv = path.join(folder, 'views.csv')
    writeFileSync(csv, 'a,b\n1,2\n')
    const notNpy = await runCli(['dcca', 'score', '--model', model, '--x1', csv, '--x2', testB])
    expect(notNpy.stderr).toContain('views.csv is not a NumPy .npy file')

    const wide = await runCli(['dcca', 'score', '--model', model, '--x1', testB, '--x2', testB])
    expect(wide.stderr).toContain("test-b.npy has 4 columns; the model's view1 takes 5")

    const usage = await runCli(['dcca', 'fit', '--x1', trainA, '--x2', trainB, '--out', path.join(folder, 'never'), '--objective', 'cosine'])
    expect(usage.code).toBe(2)
    expect(usage.stderr).toMatch(/objective: .*trace.*sumsq/)
  })

  it('writes NPY files NumPy reads, and reads what NumPy writes', () => {
    const check = execFileSync(
      python,
      [
        '-c',
        `import numpy as np, sys
a = np.load(sys.argv[1]); w = np.load(sys.argv[2])
print(a.dtype, a.shape, w.dtype, w.shape)
np.save(sys.argv[3], np.asfortranarray(np.arange(6, dtype='>f8').reshape(2, 3)))`,
        trainA,
        path.join(model, 'projection', 'view1-weights.npy'),
        path.join(folder, 'numpy.npy'),
      ],
      { encoding: 'utf8' },
    )
    expect(check.trim()).toBe('float64 (1200, 5) float64 (2, 2)')
    const fromNumpy = parseNpy(readFileSync(path.join(folder, 'numpy.npy')))
    expect(fromNumpy.shape).toEqual([2, 3])
    expect(Array.from(fromNumpy.data)).toEqual([0, 1, 2, 3, 4, 5])
  })
})
