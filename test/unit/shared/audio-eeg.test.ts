import { describe, expect, it } from 'vitest'
import { audioEegRequestSchema, audioFeatures, audioInputShape, parseAudioEegTraining, presetDefaults, presetFrontEnd, trackWindows } from '../../../src/shared/audio-eeg'
import { dccaProgressSchema } from '../../../src/shared/dcca-training'

describe('audio↔EEG request and front end', () => {
  it('presets: the paper’s settings, and the fast set-up; given values over them; bad ones named', () => {
    expect(parseAudioEegTraining('paper', {})).toEqual(presetDefaults.paper)
    expect(presetDefaults.paper).toMatchObject({ dims: 128, batchSize: 102, epochs: 20, runs: 5, learningRate: 1e-3, optimizer: 'adam', objective: 'frobenius', ridge: 1e-4 })
    expect(parseAudioEegTraining('fast', { dims: 8, runs: undefined })).toMatchObject({ preset: 'fast', dims: 8, runs: 1 })
    expect(() => parseAudioEegTraining('fast', { batchSize: 1, optimizer: 'sgd' as never })).toThrow(/batchSize: .*; optimizer: /)
  })

  it('a request is plain JSON that survives a round trip through the schema; extra fields are refused', () => {
    const request = { dataset: '/d', out: '/m', training: presetDefaults.fast, resume: false, backend: { threads: 2 } }
    expect(audioEegRequestSchema.parse(JSON.parse(JSON.stringify(request)))).toEqual(request)
    expect(audioEegRequestSchema.safeParse({ ...request, training: { ...request.training, layers: [3] } }).success).toBe(false)
    const progress = { epoch: 1, epochs: 2, batch: 3, batches: 4, loss: -1, validationCorrelation: null, elapsedSeconds: 1, etaSeconds: 2, job: { fold: 0, folds: 5, run: 1, runs: 5, done: 0.1 } }
    expect(dccaProgressSchema.parse(JSON.parse(JSON.stringify(progress)))).toEqual(progress)
  })

  it('the front end: the waveform as it is for paper, a log-mel spectrogram of [frames, mels] for fast', () => {
    expect(presetFrontEnd('paper', 22_050)).toEqual({ kind: 'waveform' })
    expect(audioInputShape({ kind: 'waveform' }, 33_075)).toEqual([33_075, 1])
    const fast = presetFrontEnd('fast', 22_050)
    expect(fast).toMatchObject({ kind: 'logmel', mels: 64, maxHz: 11_025 })
    const window = Float32Array.from({ length: 33_075 }, (_, index) => Math.sin(index / 5))
    expect(audioFeatures(window, 22_050, { kind: 'waveform' })).toBe(window)
    expect(audioFeatures(window, 22_050, fast)).toHaveLength(63 * 64)
  })

  it('windows a track from its start, whole windows only', () => {
    expect(trackWindows(10, 4, 4)).toEqual([0, 4])
    expect(trackWindows(12, 4, 2)).toEqual([0, 2, 4, 6, 8])
    expect(trackWindows(3, 4, 4)).toEqual([])
  })
})
