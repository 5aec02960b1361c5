import { createRequire } from 'node:module'
import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { selectBackend } from '../../../src/trainer/backend'
import { describeWasmKernels } from '../../support/wasm-kernels'

const tfjsNodeInstalled = (() => {
  try {
    createRequire(__filename).resolve('@tensorflow/tfjs-node')
    return true
  } catch {
    return false
  }
})()

if (tfjsNodeInstalled) console.warn('skipping the wasm fall-back test: @tensorflow/tfjs-node is installed here, so auto chooses it instead')

describe('training backend', () => {
  it('refuses an unknown backend by name', async () => {
    await expect(selectBackend({ backend: 'gpu' })).rejects.toThrow(/unknown training backend 'gpu' \(choose tensorflow, wasm, cpu or auto\)/)
  })

  it('refuses a BLAS thread count that is not a whole number', async () => {
    await expect(selectBackend({ backend: 'wasm' }, { ENTRAIN_BLAS_THREADS: 'two' })).rejects.toThrow(/ENTRAIN_BLAS_THREADS must be a whole number ≥ 1, not two/)
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

  describeWasmKernels('with the products through a native BLAS where there is one')
})
