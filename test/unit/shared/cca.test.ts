import { describe, expect, it } from 'vitest'
import { fitCca, project } from '../../../src/shared/cca'
import { crossCovariance, matrix } from '../../../src/shared/linalg'
import { Random } from '../../../src/shared/sim/random'

/**
 * Two views sharing two unit-variance latents: view 1 holds z + noise of variance a in two columns
 * plus three noise columns, view 2 mixes z + noise of variance b into four columns. The canonical
 * correlations are 1/√((1+a)(1+b)) per latent, whatever the mixing.
 */
function views(samples: number, noise1: number[], noise2: number[], seed: number) {
  const random = new Random(seed)
  const x1 = matrix(samples, 5)
  const x2 = matrix(samples, 4)
  const mixing = [
    [1, 0.5],
    [-0.3, 1],
    [0.7, 0.7],
    [0.2, -0.9],
  ]
  for (let n = 0; n < samples; n++) {
    const z = [random.normal(), random.normal()]
    const seen2 = z.map((value, k) => value + Math.sqrt(noise2[k]!) * random.normal())
    x1.data[n * 5] = z[0]! + Math.sqrt(noise1[0]!) * random.normal()
    x1.data[n * 5 + 1] = z[1]! + Math.sqrt(noise1[1]!) * random.normal()
    for (let j = 2; j < 5; j++) x1.data[n * 5 + j] = random.normal()
    for (let j = 0; j < 4; j++) x2.data[n * 4 + j] = mixing[j]![0]! * seen2[0]! + mixing[j]![1]! * seen2[1]! + 0.01 * random.normal()
  }
  return { x1, x2, expected: [0, 1].map((k) => 1 / Math.sqrt((1 + noise1[k]!) * (1 + noise2[k]!))).sort((a, b) => b - a) }
}

describe('fitCca', () => {
  it('recovers canonical correlations known in closed form', () => {
    const { x1, x2, expected } = views(20_000, [0.25, 1], [0.25, 0.5], 11)
    const model = fitCca(x1, x2)
    expect(model.correlations).toHaveLength(4)
    expect(model.correlations[0]).toBeCloseTo(expected[0]!, 1.5)
    expect(model.correlations[1]).toBeCloseTo(expected[1]!, 1.5)
    expect(model.correlations[2]).toBeLessThan(0.05)
  })

  it('projects to uncorrelated unit-variance components whose pairwise correlations are the canonical ones', () => {
    const { x1, x2 } = views(5_000, [0.5, 2], [0.5, 1], 12)
    const model = fitCca(x1, x2, { components: 2 })
    const p1 = project(x1, model.mean1, model.weights1)
    const p2 = project(x2, model.mean2, model.weights2)
    const c11 = crossCovariance(p1, p1)
    const c12 = crossCovariance(p1, p2)
    expect(c11.data[0]).toBeCloseTo(1, 2)
    expect(c11.data[1]).toBeCloseTo(0, 2)
    expect(c12.data[0]).toBeCloseTo(model.correlations[0]!, 3)
    expect(c12.data[3]).toBeCloseTo(model.correlations[1]!, 3)
    expect(c12.data[1]).toBeCloseTo(0, 2)
  })

  it('finds nothing between independent views', () => {
    const random = new Random(3)
    const a = matrix(4000, 3, Array.from({ length: 12_000 }, () => random.normal()))
    const b = matrix(4000, 3, Array.from({ length: 12_000 }, () => random.normal()))
    expect(fitCca(a, b).correlations[0]).toBeLessThan(0.07)
  })
})
