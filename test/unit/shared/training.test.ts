import { describe, expect, it, vi } from 'vitest'
import { createDispatch, type Handlers } from '../../../src/main/dispatch'
import { requestNames, requests } from '../../../src/shared/contract'
import { dccaTrainingDefaults } from '../../../src/shared/dcca-training'
import { presetDefaults } from '../../../src/shared/audio-eeg'
import { dccaPresets, EpochCurves, fitName, modelNameSchema, trainingJobSchema, type TrainingProgress } from '../../../src/shared/training'

const step = (fit: string, epoch: number, batch: number, loss: number, validationCorrelation: number | null): TrainingProgress => ({
  fit,
  epoch,
  epochs: 3,
  batch,
  batches: 2,
  loss,
  validationCorrelation,
  elapsedSeconds: 0,
  etaSeconds: 0,
})

const job = { kind: 'dcca-fit', x1: '/data/a.npy', x2: '/data/b.npy', out: '/study/models/m', config: dccaTrainingDefaults }

describe('EpochCurves', () => {
  it('averages each epoch’s batch losses and takes its validation correlation from the next epoch’s first event', () => {
    const curves = new EpochCurves()
    ;[step('f', 1, 1, -1, null), step('f', 1, 2, -3, null), step('f', 2, 1, -4, 0.5), step('f', 2, 2, -6, 0.5), step('f', 3, 1, -7, 0.8)].forEach((event) => curves.add(event))
    expect(curves.curves).toEqual([
      {
        fit: 'f',
        points: [
          { epoch: 1, loss: -2, validationCorrelation: 0.5 },
          { epoch: 2, loss: -5, validationCorrelation: 0.8 },
        ],
      },
    ])
  })

  it('keeps one curve per fit, and takes the fits’ own histories when they end', () => {
    const curves = new EpochCurves()
    ;[step('fold 1', 1, 1, -1, null), step('fold 1', 2, 1, -2, 0.4), step('fold 2', 1, 1, -3, null), step('fold 2', 2, 1, -5, 0.6)].forEach((event) => curves.add(event))
    expect(curves.curves.map((curve) => [curve.fit, curve.points.map((point) => point.epoch)])).toEqual([
      ['fold 1', [1, 2]],
      ['fold 2', [1]],
    ])
    // A fit's last epoch has no next event: its validation is unknown until the result.
    expect(curves.curves[0]!.points[1]!.validationCorrelation).toBeNull()
    const history = [{ epoch: 1, loss: -1, validationCorrelation: 0.4 }]
    curves.finish([{ fit: 'fold 1', epochs: 1, bestEpoch: 1, stoppedEarly: false, seconds: 1, trainingCorrelation: 1, validationCorrelation: 0.4, history }])
    expect(curves.curves).toEqual([{ fit: 'fold 1', points: history }])
  })
})

describe('training jobs in the contract', () => {
  it('accepts a generic DCCA job and fills the backend choice in', () => {
    expect(trainingJobSchema.parse(job)).toEqual({ ...job, backend: {} })
    for (const preset of dccaPresets) expect(trainingJobSchema.safeParse({ ...job, config: preset.config }).success).toBe(true)
  })

  it('accepts an audio↔EEG job on a dataset, or on sessions to build it from', () => {
    const audioEeg = { kind: 'audio-eeg', dataset: '/study/datasets/m', out: '/study/models/m', training: presetDefaults.fast, resume: false }
    expect(trainingJobSchema.safeParse(audioEeg).success).toBe(true)
    expect(trainingJobSchema.safeParse({ ...audioEeg, sessions: ['/study/sessions/sub-01/ses-01'] }).success).toBe(true)
    expect(trainingJobSchema.safeParse({ ...audioEeg, sessions: [] }).error!.issues[0]).toMatchObject({ path: ['sessions'], message: 'choose at least one session' })
    expect(trainingJobSchema.safeParse({ ...audioEeg, training: { ...presetDefaults.fast, foldsBy: 'song title' } }).error!.issues[0]!.path).toEqual(['training', 'foldsBy'])
  })

  it('names the fold and run of a progress event', () => {
    const event = step('', 1, 1, 0, null)
    expect(fitName(event)).toBe('validation split')
    expect(fitName({ ...event, job: { fold: 0, folds: 5, run: 2, runs: 5, done: 0.1 } })).toBe('fold 1, run 3')
  })

  it('refuses unknown kinds, unknown fields, and bad configurations, naming the field', () => {
    expect(trainingJobSchema.safeParse({ ...job, kind: 'rm-rf' }).success).toBe(false)
    expect(trainingJobSchema.safeParse({ ...job, shell: 'ls' }).success).toBe(false)
    expect(trainingJobSchema.safeParse({ ...job, backend: { backend: 'cuda' } }).success).toBe(false)
    const bad = trainingJobSchema.safeParse({ ...job, config: { ...dccaTrainingDefaults, dims: 0 } })
    expect(bad.success).toBe(false)
    expect(bad.error!.issues[0]!.path).toEqual(['config', 'dims'])
    expect(trainingJobSchema.safeParse({ ...job, x1: '' }).error!.issues[0]!.path).toEqual(['x1'])
  })

  it('takes model names, never paths', () => {
    for (const name of ['m', 'dcca-20260101-120000', 'run_2.b']) expect(modelNameSchema.safeParse(name).success).toBe(true)
    for (const name of ['', '..', '../escape', 'a/b', 'a\\b', '.hidden', 'x'.repeat(101)]) expect(modelNameSchema.safeParse(name).success).toBe(false)
    expect(requests['models.target'].input.safeParse({ study: null, name: '../x' }).success).toBe(false)
    expect(requests['models.list'].input.safeParse({ study: null }).success).toBe(true)
    expect(requests['models.list'].input.safeParse({}).success).toBe(false)
    expect(requests['training.cancel'].input.safeParse({ id: 'x' }).success).toBe(false)
  })

  it('is checked in main before the training service sees it', async () => {
    const start = vi.fn()
    const unused = async () => {
      throw new Error('not used in this test')
    }
    const handlers = Object.assign(Object.fromEntries(requestNames.map((name) => [name, unused])), { 'training.start': start }) as unknown as Handlers
    const reply = await createDispatch(handlers)('training.start', { job: { ...job, config: { ...dccaTrainingDefaults, batchSize: 'big' } } })
    expect(start).not.toHaveBeenCalled()
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(/^training\.start: job\.config\.batchSize: /) } })
  })
})
