import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { audioInputShape, presetFrontEnd } from '../../../src/shared/audio-eeg'
import { parseDccaTraining } from '../../../src/shared/dcca-training'
import { presetNetworks } from '../../../src/trainer/audio-eeg-models'
import { selectBackend } from '../../../src/trainer/backend'
import { dccaStep } from '../../../src/trainer/dcca'

const paperShapes = { audio: [33_075, 1] as [number, number], eeg: [375, 16] as [number, number] }

describe('audio↔EEG presets', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm', threads: 1 })
  })

  it('paper: the two conv stacks of the paper, each down to one step of 128 outputs (≈ 6.8 M and 3.6 M parameters)', () => {
    const networks = presetNetworks('paper', paperShapes, 128, 1)
    const audio = networks.audio(1)
    const eeg = networks.eeg(2)
    const convs = (model: typeof audio) => model.layers.filter((layer) => layer.getClassName() === 'Conv1D').map((layer) => (layer.getConfig() as { filters: number; kernelSize: number[] }).filters + 'k' + (layer.getConfig() as { kernelSize: number[] }).kernelSize[0])
    expect(convs(audio)).toEqual(['128k3', '128k3', '256k3', '256k5', '512k5', '512k7', '1024k7', '128k1'])
    expect(convs(eeg)).toEqual(['128k3', '256k5', '512k5', '1024k5', '128k1'])
    // Batch normalisation before every convolution.
    audio.layers.forEach((layer, index) => layer.getClassName() === 'Conv1D' && expect(audio.layers[index - 1]!.getClassName()).toBe('BatchNormalization'))
    // The step count reaches exactly 1 before the mean over steps (the paper's own shape).
    expect(audio.layers.at(-2)!.outputShape).toEqual([null, 1, 128])
    expect(eeg.layers.at(-2)!.outputShape).toEqual([null, 1, 128])
    expect(audio.outputs[0]!.shape).toEqual([null, 128])
    expect(audio.countParams() / 1e6).toBeCloseTo(6.8, 1)
    expect(eeg.countParams() / 1e6).toBeCloseTo(3.6, 1)
    audio.dispose()
    eeg.dispose()
  })

  it('fast: a log-mel front end and small networks; sizes follow dims and width', () => {
    const shapes = { audio: audioInputShape(presetFrontEnd('fast', 22_050), 33_075), eeg: [375, 16] as [number, number] }
    expect(shapes.audio).toEqual([63, 64])
    const small = presetNetworks('fast', shapes, 16, 1)
    const wide = presetNetworks('fast', shapes, 32, 2)
    const [audio, wideAudio] = [small.audio(1), wide.audio(1)]
    expect(audio.outputs[0]!.shape).toEqual([null, 16])
    expect(wideAudio.outputs[0]!.shape).toEqual([null, 32])
    expect(audio.countParams()).toBeLessThan(30_000)
    expect(wideAudio.countParams()).toBeGreaterThan(3 * audio.countParams())
    tf.dispose([audio, wideAudio].flatMap((model) => model.getWeights()))
  })

  it('trains conv layers on wasm (its Conv2DBackpropFilter is Entrain’s): the loss falls on shared structure', async () => {
    // EEG windows of 125 × 4 whose first channel carries a noisy copy of the "audio".
    const rows = 64
    const audio = tf.randomNormal([rows, 125, 1], 0, 1, 'float32', 1)
    const eeg = tf.tidy(() => tf.concat([tf.add(tf.mul(audio, 0.8), tf.randomNormal([rows, 125, 1], 0, 0.5, 'float32', 2)), tf.randomNormal([rows, 125, 3], 0, 1, 'float32', 3)], 2))
    const networks = presetNetworks('fast', { audio: [125, 1], eeg: [125, 4] }, 4, 1)
    const encoders: [ReturnType<typeof networks.audio>, ReturnType<typeof networks.eeg>] = [networks.audio(1), networks.eeg(2)]
    const before = encoders[0].getWeights()[2]!.dataSync().slice()
    const step = dccaStep(encoders, parseDccaTraining({ dims: 4, learningRate: 3e-3, ridge: 1e-3 }))
    const losses: number[] = []
    for (let index = 0; index < 10; index++) losses.push(await step.run(tf.clone(audio), tf.clone(eeg)))
    expect(tf.getBackend()).toBe('wasm')
    expect(Math.max(...Array.from(encoders[0].getWeights()[2]!.dataSync(), (value, index) => Math.abs(value - before[index]!)))).toBeGreaterThan(1e-3)
    expect(losses.at(-1)!).toBeLessThan(losses[0]! - 0.3)
    tf.dispose([audio, eeg])
    encoders.forEach((encoder) => encoder.dispose())
  }, 60_000)
})
