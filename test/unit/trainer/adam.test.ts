import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { FusedAdam } from '../../../src/trainer/adam'
import { selectBackend } from '../../../src/trainer/backend'

describe('FusedAdam', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm', threads: 1 })
  })

  it('takes the same steps as tf.train.adam', () => {
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
  })
})
