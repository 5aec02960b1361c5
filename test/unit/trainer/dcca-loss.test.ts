import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { dccaObjective, dccaObjectives } from '../../../src/shared/dcca'
import { matrix } from '../../../src/shared/linalg'
import { Random } from '../../../src/shared/sim/random'
import { selectBackend } from '../../../src/trainer/backend'
import { dccaLoss } from '../../../src/trainer/dcca-loss'

/** Batch outputs with a shared part, so the correlations are distinct and between 0 and 1. */
function outputs(rows: number, seed: number) {
  const random = new Random(seed)
  const h1 = new Float32Array(rows * 6)
  const h2 = new Float32Array(rows * 5)
  for (let n = 0; n < rows; n++) {
    const shared = [random.normal(), random.normal(), random.normal()]
    for (let j = 0; j < 6; j++) h1[n * 6 + j] = (j < 3 ? shared[j]! * (1.2 - 0.3 * j) : 0) + random.normal()
    for (let j = 0; j < 5; j++) h2[n * 5 + j] = (j < 3 ? shared[j]! : 0) + 0.7 * random.normal()
  }
  return { h1, h2 }
}

const relativeError = (actual: ArrayLike<number>, expected: ArrayLike<number>) => {
  let difference = 0
  let scale = 0
  for (let index = 0; index < expected.length; index++) {
    difference = Math.max(difference, Math.abs(actual[index]! - expected[index]!))
    scale = Math.max(scale, Math.abs(expected[index]!))
  }
  return difference / scale
}

describe('the DCCA loss op', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm', threads: 1 })
  })

  for (const objective of dccaObjectives) {
    it(`${objective}: value and gradients through tf.grads equal the float64 reference`, () => {
      const { h1, h2 } = outputs(200, objective.length + 10)
      const options = { objective, ridge1: 1e-3, ridge2: 1e-3, topK: 3 }
      const reference = dccaObjective(matrix(200, 6, h1), matrix(200, 5, h2), options)
      const loss = dccaLoss(options)
      const t1 = tf.tensor2d(h1, [200, 6])
      const t2 = tf.tensor2d(h2, [200, 5])
      const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => loss(a as tf.Tensor2D, b as tf.Tensor2D))([t1, t2])
      expect(value.dataSync()[0]).toBeCloseTo(-reference.value, 4)
      expect(Array.from(loss.lastCorrelations())).toEqual(Array.from(reference.correlations).map((d) => expect.closeTo(d, 4)))
      expect(relativeError(grads[0]!.dataSync(), reference.grad1.data.map((g) => -g))).toBeLessThan(1e-3)
      expect(relativeError(grads[1]!.dataSync(), reference.grad2.data.map((g) => -g))).toBeLessThan(1e-3)
      tf.dispose([t1, t2, value, ...grads])
    })
  }

  it('scales the gradient by the upstream gradient and leaks no tensors', () => {
    const { h1, h2 } = outputs(100, 3)
    const loss = dccaLoss({ objective: 'trace', ridge1: 1e-3, ridge2: 1e-3 })
    const t1 = tf.tensor2d(h1, [100, 6])
    const t2 = tf.tensor2d(h2, [100, 5])
    const before = tf.memory().numTensors
    const plain = tf.grads((a: tf.Tensor, b: tf.Tensor) => loss(a as tf.Tensor2D, b as tf.Tensor2D))([t1, t2])
    const tripled = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.mul(3, loss(a as tf.Tensor2D, b as tf.Tensor2D)))([t1, t2])
    expect(relativeError(tripled[0]!.dataSync(), plain[0]!.dataSync().map((g) => 3 * g))).toBeLessThan(1e-5)
    tf.dispose([...plain, ...tripled])
    expect(tf.memory().numTensors).toBe(before)
  })
})
