/**
 * Entrain's wasm kernels checked against the pure-JS backend (the reference), for the test files
 * that select the wasm backend with and without a native BLAS.
 */
import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'

/** The same computation on the pure-JS backend (the reference) and on wasm. */
function onBoth(compute: () => tf.Tensor): { wasm: Float32Array; cpu: Float32Array } {
  const run = (backend: string) => {
    tf.setBackend(backend)
    const result = tf.tidy(compute)
    const values = result.dataSync() as Float32Array
    result.dispose()
    return values
  }
  const wasm = run('wasm')
  const cpu = run('cpu')
  tf.setBackend('wasm')
  return { wasm, cpu }
}

const maxDifference = (a: Float32Array, b: Float32Array) => a.reduce((max, value, index) => Math.max(max, Math.abs(value - b[index]!)), 0)

/** Call after the wasm backend has been selected (selectBackend) in this process. */
export function describeWasmKernels(label: string): void {
  describe(`wasm kernels, ${label}`, () => {
    it('multiplies (transposed, batched, broadcast) operands exactly as the reference backend does', () => {
      const a = tf.randomNormal([2, 37, 23], 0, 1, 'float32', 1)
      const b = tf.randomNormal([2, 37, 19], 0, 1, 'float32', 2)
      const broadcast = onBoth(() => tf.matMul(tf.randomNormal([3, 5, 7], 0, 1, 'float32', 5), tf.randomNormal([1, 7, 4], 0, 1, 'float32', 6)))
      expect(broadcast.wasm).toHaveLength(3 * 5 * 4)
      expect(maxDifference(broadcast.wasm, broadcast.cpu)).toBeLessThan(1e-4)
      for (const [transposeA, transposeB] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ] as const) {
        const left = transposeA ? a : tf.transpose(a, [0, 2, 1])
        const right = transposeB ? tf.transpose(b, [0, 2, 1]) : b
        const { wasm, cpu } = onBoth(() => tf.matMul(left, right, transposeA, transposeB))
        expect(wasm).toHaveLength(2 * 23 * 19)
        expect(maxDifference(wasm, cpu)).toBeLessThan(1e-4)
      }
    })

    it('gives conv layers the filter gradient wasm lacks and a faster input gradient, equal to the reference at any stride', () => {
      const x = tf.randomNormal([3, 9, 11, 4], 0, 1, 'float32', 3) as tf.Tensor4D
      const filter = tf.randomNormal([3, 2, 4, 5], 0, 1, 'float32', 4) as tf.Tensor4D
      // wasm's own Conv3DBackpropFilterV2 is wrong for strides above 1: those cases matter most.
      const cases: [number | [number, number], 'same' | 'valid'][] = [
        [1, 'same'],
        [2, 'same'],
        [[2, 3], 'valid'],
        [3, 'valid'],
      ]
      for (const [strides, pad] of cases) {
        const { wasm, cpu } = onBoth(() => tf.grad((w: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x, w as tf.Tensor4D, strides, pad))))(filter))
        expect(wasm).toHaveLength(3 * 2 * 4 * 5)
        expect(maxDifference(wasm, cpu) / Math.max(...cpu.map(Math.abs))).toBeLessThan(1e-5)
        // The input gradient: wasm's own kernel is replaced by products too.
        const input = onBoth(() => tf.grad((xx: tf.Tensor) => tf.sum(tf.square(tf.conv2d(xx as tf.Tensor4D, filter, strides, pad))))(x))
        expect(input.wasm).toHaveLength(3 * 9 * 11 * 4)
        expect(maxDifference(input.wasm, input.cpu) / Math.max(...input.cpu.map(Math.abs))).toBeLessThan(1e-5)
      }
    })

    it('shares the data of a clone or a same-type cast instead of copying it', () => {
      const backend = tf.backend() as unknown as { numDataIds(): number }
      const x = tf.randomNormal([64, 32], 0, 1, 'float32', 7)
      const before = backend.numDataIds()
      const copies = [tf.clone(x), tf.cast(x, 'float32')]
      expect(backend.numDataIds()).toBe(before)
      const expected = x.dataSync().slice()
      x.dispose()
      for (const copy of copies) expect(copy.dataSync()).toEqual(expected)
      const asInt = tf.cast(copies[0]!, 'int32')
      expect(backend.numDataIds()).toBe(before + 1)
      expect(asInt.dataSync()).toEqual(Int32Array.from(expected, Math.trunc))
      tf.dispose([...copies, asInt])
    })

    it('sums over leading axes (bias gradients) and any others as the reference backend does', () => {
      const x = tf.randomNormal([6, 37, 23], 0, 1, 'float32', 8)
      const cases: [number | number[], boolean, number[]][] = [
        [0, false, [37, 23]],
        [[0, 1], false, [23]],
        [[1, 0], true, [1, 1, 23]],
        [-3, true, [1, 37, 23]],
        [1, false, [6, 23]],
        [[0, 2], false, [37]],
        [[0, 1, 2], false, []],
      ]
      for (const [axis, keepDims, shape] of cases) {
        tf.setBackend('wasm')
        expect(tf.sum(x, axis, keepDims).shape).toEqual(shape)
        const { wasm, cpu } = onBoth(() => tf.sum(x, axis, keepDims))
        expect(maxDifference(wasm, cpu) / Math.max(...cpu.map(Math.abs))).toBeLessThan(1e-5)
      }
    })

    it('computes fused dense layers (product, bias, every activation) as the reference backend does', () => {
      const a = tf.randomNormal([29, 17], 0, 1, 'float32', 9) as tf.Tensor2D
      const b = tf.randomNormal([17, 11], 0, 1, 'float32', 10) as tf.Tensor2D
      const bias = tf.randomNormal([11], 0, 1, 'float32', 11)
      const alpha = tf.randomUniform([11], 0, 0.5, 'float32', 12)
      const activations = ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const
      for (const activation of activations) {
        for (const withBias of [true, false]) {
          const { wasm, cpu } = onBoth(() =>
            tf.fused.matMul({ a, b: tf.transpose(b), transposeB: true, bias: withBias ? bias : undefined, activation, preluActivationWeights: activation === 'prelu' ? alpha : undefined, leakyreluAlpha: 0.3 }),
          )
          expect(wasm).toHaveLength(29 * 11)
          expect(maxDifference(wasm, cpu)).toBeLessThan(1e-4)
        }
      }
      // Trained through: the gradients of a dense layer with bias.
      const { wasm, cpu } = onBoth(() => {
        const [da, db, dbias] = tf.grads((x: tf.Tensor, w: tf.Tensor, c: tf.Tensor) => tf.sum(tf.square(tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: c, activation: 'linear' }))))([a, b, bias])
        return tf.concat([tf.reshape(da!, [-1]), tf.reshape(db!, [-1]), tf.reshape(dbias!, [-1])])
      })
      expect(maxDifference(wasm, cpu) / Math.max(...cpu.map(Math.abs))).toBeLessThan(1e-5)
    })

    it('backpropagates through ReLU (one pass on wasm) as the reference backend does', () => {
      // 7×13: SIMD turns and a rest; zeros among the inputs, where the gradient is 0.
      const x = tf.tidy(() => tf.mul(tf.randomNormal([7, 13], 0, 1, 'float32', 13), tf.cast(tf.greater(tf.randomUniform([7, 13], 0, 1, 'float32', 14), 0.2), 'float32')))
      const weights = tf.randomNormal([7, 13], 0, 1, 'float32', 15)
      const { wasm, cpu } = onBoth(() => tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.relu(input), weights)))(x))
      expect(cpu.filter((value) => value === 0).length).toBeGreaterThan(20)
      // tfjs's dy · 0 is −0 where dy < 0; + 0 makes both zeros alike.
      expect(Array.from(wasm, (value) => value + 0)).toEqual(Array.from(cpu, (value) => value + 0))
    })
  })
}
