import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { TrainerHost } from '../../../src/main/training/host'
import { listModels } from '../../../src/main/training/models'
import { parseAudioEegTraining } from '../../../src/shared/audio-eeg'
import type { TrainingJob, TrainingProgress, TrainingStage } from '../../../src/shared/training'
import { writeSimulatedDataset } from '../../support/audio-eeg-dataset'
import { assertBuilt } from '../../support/cli'
import { useTempDirs } from '../../support/temp-dir'

const tempDir = useTempDirs()
const host = new TrainerHost()
afterAll(() => host.shutdown())

const training = parseAudioEegTraining('fast', { dims: 2, batchSize: 16, epochs: 2, patience: 0, learningRate: 3e-3, seed: 5 })

describe('audio↔EEG jobs in the trainer process', () => {
  it('trains folds × runs with progress per fit; a cancelled job keeps its checkpoints and resumes', async () => {
    assertBuilt()
    const dir = await tempDir()
    const dataset = path.join(dir, 'data')
    await writeSimulatedDataset(dataset, { participants: 2, songs: 2, songSeconds: 6, windowSeconds: 0.5, channels: 4 })
    const job: TrainingJob = { kind: 'audio-eeg', dataset, out: path.join(dir, 'models', 'music'), training, resume: false, backend: { threads: 1 } }

    let cancelledAt: TrainingProgress | null = null
    const cancelled = host.run(job, {
      onProgress: (progress) => {
        if (cancelledAt === null && progress.epoch === 2) {
          cancelledAt = progress
          host.cancel()
        }
      },
    })
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED', message: expect.stringContaining(`its checkpoints stay in ${job.out}.training`) })
    expect(cancelledAt!.fit).toMatch(/^fold \d, run 1$/)
    expect(existsSync(`${job.out}.training`)).toBe(true)
    expect(existsSync(job.out)).toBe(false)

    const fits = new Set<string>()
    const result = await host.run({ ...job, resume: true }, { onProgress: (progress) => fits.add(progress.fit) })
    // Two participants, folds by subject: two folds of one run each.
    expect(result.fits.map((fit) => fit.fit).sort()).toEqual(['fold 1, run 1', 'fold 2, run 1'])
    expect([...fits].every((fit) => result.fits.some((done) => done.fit === fit))).toBe(true)
    expect(result.fits.every((fit) => fit.history.length === 2 && fit.validationCorrelation !== null)).toBe(true)
    expect(result.validation!.mean).toBeCloseTo((result.fits[0]!.validationCorrelation! + result.fits[1]!.validationCorrelation!) / 2, 10)
    expect(result.fits.map((fit) => fit.fit)).toContain(result.exported)
    expect(result.correlations).toHaveLength(2)

    const [listed] = await listModels(path.join(dir, 'models'))
    expect(listed).toMatchObject({ name: 'music', kind: 'audio-eeg', dims: 2, problem: null })
    expect(listed!.validationCorrelation).toBeCloseTo(result.validation!.mean, 10)
  }, 60_000)

  it('builds the dataset from the chosen sessions first, and says which session it cannot read', async () => {
    const dir = await tempDir()
    const notASession = path.join(dir, 'sessions', 'sub-01', 'ses-01')
    await mkdir(notASession, { recursive: true })
    const stages: TrainingStage[] = []
    const job: TrainingJob = { kind: 'audio-eeg', sessions: [notASession], dataset: path.join(dir, 'datasets', 'music'), out: path.join(dir, 'models', 'music'), training, resume: false }
    await expect(host.run(job, { onStage: (stage) => stages.push(stage) })).rejects.toMatchObject({ code: 'NOT_FOUND', message: `${notASession} holds no session.json` })
    expect(stages).toEqual([{ name: 'building the dataset', fraction: 0, detail: '1 session' }])
  })
})
