import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TrainerHost } from '../../../src/main/training/host'
import { deleteModel, listModels, modelsFolder, showModel } from '../../../src/main/training/models'
import { parseDccaTraining } from '../../../src/shared/dcca-training'
import { assertBuilt } from '../../support/cli'
import { writePairedViews } from '../../support/views'

const study = mkdtempSync(path.join(os.tmpdir(), 'entrain-models-'))
const models = modelsFolder(study, '/unused')
const [x1, x2] = writePairedViews(study, 'views', 600, 3)

beforeAll(async () => {
  assertBuilt()
  const host = new TrainerHost()
  try {
    await host.run({ kind: 'dcca-fit', x1, x2, out: path.join(models, 'good'), config: parseDccaTraining({ dims: 2, layers: [8], epochs: 3, batchSize: 100, seed: 2 }), backend: { threads: 1 } })
  } finally {
    await host.shutdown()
  }
  mkdirSync(path.join(models, 'damaged'))
  writeFileSync(path.join(models, 'damaged', 'config.json'), '{"format": "entrain-model"')
  mkdirSync(path.join(models, 'not-a-model'))
  mkdirSync(path.join(models, 'good.partial-123'))
  writeFileSync(path.join(models, 'good.partial-123', 'config.json'), '{}')
}, 60_000)
afterAll(() => rmSync(study, { recursive: true, force: true }))

describe('model folders', () => {
  it('lives in the study’s models folder, or the app’s without a study', () => {
    expect(modelsFolder('/s', '/data')).toBe(path.join('/s', 'models'))
    expect(modelsFolder(null, '/data')).toBe(path.join('/data', 'models'))
  })

  it('lists every folder with a config.json, a damaged one with its problem, and no staging folder', async () => {
    const list = await listModels(models)
    expect(list.map((model) => model.name).sort()).toEqual(['damaged', 'good'])
    const good = list.find((model) => model.name === 'good')!
    expect(good).toMatchObject({ kind: 'dcca', objective: 'trace', dims: 2, epochs: 3, problem: null, path: path.join(models, 'good') })
    expect(good.validationCorrelation).toEqual(expect.any(Number))
    expect(list.find((model) => model.name === 'damaged')!.problem).toMatch(/JSON/)
    expect(await listModels(path.join(study, 'nothing-here'))).toEqual([])
  })

  it('shows one model with its config, metrics and card', async () => {
    const detail = await showModel(path.join(models, 'good'))
    expect(detail.card).toContain('# good')
    expect(detail.card).toContain(`${x1} (600 × 5, float64, SHA-256 `)
    expect(detail.card).toContain('- 3 epochs, batch 100, Adam 0.001, seed 2')
    expect((detail.metrics as { history: unknown[] }).history).toHaveLength(3)
    await expect(showModel(path.join(models, 'not-a-model'))).rejects.toMatchObject({ code: 'NOT_FOUND', message: `${path.join(models, 'not-a-model')} is not an Entrain model folder (no config.json)` })
  })

  it('deletes only folders it reads as models', async () => {
    await expect(deleteModel(path.join(models, 'not-a-model'))).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(deleteModel(path.join(models, 'damaged'))).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(deleteModel(study)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect(await deleteModel(path.join(models, 'good'))).toEqual({ deleted: path.join(models, 'good') })
    expect(existsSync(path.join(models, 'good'))).toBe(false)
    expect(existsSync(path.join(models, 'damaged'))).toBe(true)
  })
})
