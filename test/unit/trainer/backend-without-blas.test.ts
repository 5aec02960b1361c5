import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend, type BackendChoice } from '../../../src/trainer/backend'
import { describeWasmKernels } from '../../support/wasm-kernels'

/** Where the machine has no optimised BLAS, wasm's own products (XNNPACK) must carry the same kernels. */
describe('training backend without a native BLAS', () => {
  let choice: BackendChoice
  beforeAll(async () => {
    choice = await selectBackend({ backend: 'wasm', threads: 2 }, { ENTRAIN_BLAS_LIB: 'none', ENTRAIN_BLAS_THREADS: '1' })
  })

  it('runs wasm alone and says why', () => {
    expect(choice).toMatchObject({ name: 'wasm', products: null, skipped: ['native BLAS for products: turned off (ENTRAIN_BLAS_LIB=none)'] })
    expect(choice.description).toBe('wasm (XNNPACK, SIMD, 2 threads)')
    expect(tf.getBackend()).toBe('wasm')
  })

  describeWasmKernels('with the products in wasm (XNNPACK)')
})
