import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseDeepRetrieval, retrievalDefaults } from '../../../src/shared/retrieval/protocol'
import { selectBackend } from '../../../src/trainer/backend'
import { retrievalEncoder, runRetrieval } from '../../../src/trainer/retrieval'
import { sharedLatentPairs, shuffledRows } from '../../support/retrieval'

/** A small version of the paper's network, enough for synthetic pairs and a fast suite. */
const small = parseDeepRetrieval({ hidden: [64, 32], outputs: 16, epochs: 40, batchSize: 120 })
const options = { ...retrievalDefaults, folds: 3, dims: 8 }

describe('deep retrieval', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm', threads: 1 })
  })

  it('builds the paper’s branch: BatchNorm input, tanh + BatchNorm hidden layers, linear output', () => {
    const model = retrievalEncoder(30, [512, 256, 128], 64)(1)
    expect(model.layers.map((layer) => layer.getClassName())).toEqual(['BatchNormalization', 'Dense', 'BatchNormalization', 'Dense', 'BatchNormalization', 'Dense', 'BatchNormalization', 'Dense'])
    expect(model.layers.filter((layer) => layer.getClassName() === 'Dense').map((layer) => (layer.getConfig() as { units: number; activation: string }).units)).toEqual([512, 256, 128, 64])
    expect((model.layers.at(-1)!.getConfig() as { activation: string }).activation).toBe('linear')
    expect((model.layers[1]!.getConfig() as { activation: string }).activation).toBe('tanh')
    model.dispose()
  })

  it('matches pairs that share a latent, and only those, leaking no tensors', async () => {
    const { audio, text, labels } = sharedLatentPairs({ pairs: 360, seed: 6 })
    const before = tf.memory().numTensors
    const progress: number[] = []
    const result = await runRetrieval({ audio, text, labels: { name: 'labels', values: labels }, model: 'deep', options, deep: small, onProgress: (fraction) => progress.push(fraction) })
    expect(result.audioToText.iMRR.mean).toBeGreaterThan(0.7)
    expect(result.textToAudio.iMRR.mean).toBeGreaterThan(0.7)
    expect(result.deep).toEqual(small)
    expect(progress.at(-1)).toBe(1)
    expect(tf.memory().numTensors).toBe(before)

    const shuffled = await runRetrieval({ audio, text: shuffledRows(text, 2), model: 'deep', options, deep: { ...small, epochs: 10 } })
    expect(Math.abs(shuffled.audioToText.iMRR.mean - shuffled.chance.iMRR)).toBeLessThan(0.04)
  }, 120_000)

  it('says when a fold has too few pairs for the network', async () => {
    const { audio, text } = sharedLatentPairs({ pairs: 24, seed: 7 })
    await expect(runRetrieval({ audio, text, model: 'deep', options, deep: small })).rejects.toThrow(/fold 1 has 16 training pairs, too few to estimate the correlations of 16 network outputs/)
  })
})
