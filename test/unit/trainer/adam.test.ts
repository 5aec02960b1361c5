import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { FusedAdam } from '../../../src/trainer/adam'
import { presetNetworks } from '../../../src/trainer/audio-eeg-models'
import { selectBackend } from '../../../src/trainer/backend'

describe('FusedAdam', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm', threads: 1 })
  })

  it.each(['wasm', 'cpu'])('takes the same steps as tf.train.adam on %s', (backend) => {
    tf.setBackend(backend)
    const x = tf.randomNormal([64, 10], 0, 1, 'float32', 1)
    const y = tf.randomNormal([64, 3], 0, 1, 'float32', 2)
    const start = tf.randomNormal([10, 3], 0, 0.5, 'float32', 3)
    const runs = [new FusedAdam(0.01), tf.train.adam(0.01)].map((optimizer) => {
      const weights = tf.variable(tf.clone(start))
      const bias = tf.variable(tf.zeros([3]))
      const loss = () => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, weights), bias), y))) as tf.Scalar
      const losses: number[] = []
      for (let step = 0; step < 20; step++) {
        const value = optimizer instanceof FusedAdam ? optimizer.minimize(loss, [weights, bias]) : optimizer.minimize(loss, true, [weights, bias])!
        losses.push(value.dataSync()[0]!)
        value.dispose()
      }
      return { losses, weights: weights.dataSync(), bias: bias.dataSync() }
    })
    expect(runs[0]!.losses.at(-1)).toBeLessThan(runs[0]!.losses[0]! * 0.9)
    runs[0]!.losses.forEach((loss, step) => expect(loss).toBeCloseTo(runs[1]!.losses[step]!, 4))
    Array.from(runs[0]!.weights).forEach((value, index) => expect(value).toBeCloseTo(runs[1]!.weights[index]!, 4))
    Array.from(runs[0]!.bias).forEach((value, index) => expect(value).toBeCloseTo(runs[1]!.bias[index]!, 4))
    tf.setBackend('wasm')
  })

  it('leaves a clone of a variable (a kept checkpoint) as it was, and updates as tf.train.adam does', () => {
    const x = tf.randomNormal([16, 4], 0, 1, 'float32', 4)
    const loss = (w1: tf.Variable, w2: tf.Variable) => () => tf.add(tf.sum(tf.square(tf.matMul(x, w1))), tf.sum(tf.sin(tf.matMul(x, w2)))) as tf.Scalar
    // A variable made inside tidy has its data to itself once the initial tensor is gone.
    const variableOf = (seed: number) => tf.tidy(() => tf.variable(tf.randomNormal([4, 2], 0, 1, 'float32', seed)))
    const [exclusive, shared, ...referenceWeights] = [variableOf(5), variableOf(6), variableOf(5), variableOf(6)] as [tf.Variable, tf.Variable, tf.Variable, tf.Variable]
    const checkpoint = tf.clone(shared)
    const kept = checkpoint.dataSync().slice()
    const optimizer = new FusedAdam(0.1)
    const reference = tf.train.adam(0.1)
    for (let step = 0; step < 3; step++) {
      optimizer.minimize(loss(exclusive, shared), [exclusive, shared]).dispose()
      reference.minimize(loss(...referenceWeights), false, referenceWeights)
    }
    expect(checkpoint.dataSync()).toEqual(kept)
    for (const [index, variable] of [exclusive, shared].entries()) {
      const expected = referenceWeights[index]!.dataSync()
      expect(Array.from(variable.dataSync()).some((value, entry) => value !== kept[entry])).toBe(true)
      Array.from(variable.dataSync()).forEach((value, entry) => expect(value).toBeCloseTo(expected[entry]!, 4))
    }
  })

  it('trains a conv network with batch normalisation as tf.train.adam does', () => {
    // The `fast` preset's EEG network, narrowed: convolutions, pooling, BatchNorm (whose moving
    // statistics change in every training step), a dense head. Both runs start from the same weights.
    const x = tf.randomNormal([12, 40, 4], 0, 1, 'float32', 7)
    const y = tf.randomNormal([12, 6], 0, 1, 'float32', 8)
    // A conv bias whose channel is all positive ahead of a BatchNorm has a gradient of rounding noise
    // alone, which Adam with a tiny ε turns into full steps of either sign in either implementation;
    // an ε of 1e-3 keeps such steps small and leaves the others as they are.
    const runs = [new FusedAdam(0.01, 0.9, 0.999, 1e-3), tf.train.adam(0.01, 0.9, 0.999, 1e-3)].map((optimizer) => {
      const model = presetNetworks('fast', { audio: [16, 8], eeg: [40, 4] }, 6, 0.5).eeg(3)
      const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable)
      const loss = () => tf.mean(tf.square(tf.sub(model.apply(x, { training: true }) as tf.Tensor, y))) as tf.Scalar
      const losses: number[] = []
      for (let step = 0; step < 6; step++) {
        const value = optimizer instanceof FusedAdam ? optimizer.minimize(loss, variables) : optimizer.minimize(loss, true, variables)!
        losses.push(value.dataSync()[0]!)
        value.dispose()
      }
      const weights = model.getWeights().map((tensor) => Array.from(tensor.dataSync()))
      const layers = model.layers.map((layer) => layer.getClassName())
      model.dispose()
      return { losses, weights, layers }
    })
    expect(runs[0]!.layers).toEqual(expect.arrayContaining(['BatchNormalization', 'Conv1D', 'MaxPooling1D', 'Dense']))
    expect(runs[0]!.losses.at(-1)).toBeLessThan(runs[0]!.losses[0]!)
    runs[0]!.losses.forEach((loss, step) => expect(loss).toBeCloseTo(runs[1]!.losses[step]!, 4))
    // Every weight, the BatchNorm moving statistics included.
    runs[0]!.weights.forEach((values, index) => values.forEach((value, entry) => expect(value).toBeCloseTo(runs[1]!.weights[index]![entry]!, 4)))
  })
})
