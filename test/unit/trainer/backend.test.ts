import { createRequire } from 'node:module'
import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { selectBackend } from '../../../src/trainer/backend'

const tfjsNodeInstalled = (() => {
  try {
    createRequire(__filename).resolve('@tensorflow/tfjs-node')
    return true
  } catch {
    return false
  }
})()

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

describe('training backend', () => {
  it('refuses an unknown backend by name', async () => {
    await expect(selectBackend({ backend: 'gpu' })).rejects.toThrow(/unknown training backend 'gpu' \(choose tensorflow, wasm, cpu or auto\)/)
  })

  it(`tensorflow (tfjs-node): ${tfjsNodeInstalled ? 'installed here, so it is chosen' : 'not installed here, so asking for it says why'}`, async () => {
    if (tfjsNodeInstalled) expect((await selectBackend({ backend: 'tensorflow' })).name).toBe('tensorflow')
    else await expect(selectBackend({ backend: 'tensorflow' })).rejects.toThrow(/tensorflow: @tensorflow\/tfjs-node is not installed/)
  })

  it.skipIf(tfjsNodeInstalled)('falls back to wasm with two threads under Node, and says what it skipped', async () => {
    const choice = await selectBackend({ threads: 2 })
    expect(choice).toMatchObject({ name: 'wasm', threads: 2 })
    expect(choice.description).toMatch(/^wasm \(XNNPACK, SIMD, 2 threads/)
    expect(choice.skipped[0]).toMatch(/^tensorflow: @tensorflow\/tfjs-node is not installed/)
    if (choice.products) expect(choice.description).toContain(`; matrix products through ${choice.products})`)
    else expect(choice.skipped[1]).toMatch(/^native BLAS for products: no optimised BLAS found/)
    expect(tf.getBackend()).toBe('wasm')
  })

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
})
