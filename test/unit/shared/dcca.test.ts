import { describe, expect, it } from 'vitest'
import { fitCca } from '../../../src/shared/cca'
import { dccaObjective, dccaObjectives, type DccaObjectiveOptions } from '../../../src/shared/dcca'
import { matrix, type Matrix } from '../../../src/shared/linalg'
import { Random } from '../../../src/shared/sim/random'

/** Two small views with a shared signal, so the correlations are distinct and away from 0 and 1. */
function views(rows: number, cols1: number, cols2: number, seed: number) {
  const random = new Random(seed)
  const h1 = matrix(rows, cols1)
  const h2 = matrix(rows, cols2)
  for (let n = 0; n < rows; n++) {
    const shared = [random.normal(), random.normal()]
    for (let j = 0; j < cols1; j++) h1.data[n * cols1 + j] = (j < 2 ? shared[j]! * (1.5 - j * 0.6) : 0) + random.normal()
    for (let j = 0; j < cols2; j++) h2.data[n * cols2 + j] = (j < 2 ? shared[j]! : 0) + 0.8 * random.normal()
  }
  return { h1, h2 }
}

/** Central finite differences of the objective's value with respect to every entry of `target`. */
function numericGradient(h1: Matrix, h2: Matrix, target: Matrix, options: DccaObjectiveOptions, step = 1e-6): Float64Array {
  const result = new Float64Array(target.data.length)
  for (let index = 0; index < target.data.length; index++) {
    const saved = target.data[index]!
    target.data[index] = saved + step
    const up = dccaObjective(h1, h2, options).value
    target.data[index] = saved - step
    const down = dccaObjective(h1, h2, options).value
    target.data[index] = saved
    result[index] = (up - down) / (2 * step)
  }
  return result
}

const relativeError = (analytic: Float64Array, numeric: Float64Array) => {
  let difference = 0
  let scale = 0
  analytic.forEach((value, index) => {
    difference = Math.max(difference, Math.abs(value - numeric[index]!))
    scale = Math.max(scale, Math.abs(numeric[index]!))
  })
  return difference / scale
}

describe('dccaObjective', () => {
  for (const objective of dccaObjectives) {
    it(`${objective}: the closed-form gradient matches finite differences in both views`, () => {
      const { h1, h2 } = views(40, 5, 4, objective.length)
      const options: DccaObjectiveOptions = { objective, ridge1: 1e-3, ridge2: 2e-3, topK: 2 }
      const result = dccaObjective(h1, h2, options)
      expect(relativeError(result.grad1.data, numericGradient(h1, h2, h1, options))).toBeLessThan(1e-6)
      expect(relativeError(result.grad2.data, numericGradient(h1, h2, h2, options))).toBeLessThan(1e-6)
    })
  }

  it('the trace norm is the sum of the linear CCA correlations at the same ridges', () => {
    const { h1, h2 } = views(200, 6, 3, 9)
    const result = dccaObjective(h1, h2, { objective: 'trace', ridge1: 1e-3, ridge2: 1e-3 })
    const cca = fitCca(h1, h2, { ridge1: 1e-3, ridge2: 1e-3 })
    expect(result.correlations).toHaveLength(3)
    expect(result.value).toBeCloseTo(cca.correlations.reduce((sum, value) => sum + value, 0), 10)
  })

  it('values each objective from the same correlations', () => {
    const { h1, h2 } = views(100, 4, 4, 4)
    const base = { ridge1: 1e-4, ridge2: 1e-4 }
    const d = Array.from(dccaObjective(h1, h2, { ...base, objective: 'trace' }).correlations)
    expect(d[0]! > d[1]! && d[1]! > d[2]!).toBe(true)
    expect(dccaObjective(h1, h2, { ...base, objective: 'topk', topK: 2 }).value).toBeCloseTo(d[0]! + d[1]!, 12)
    const sumsq = d.reduce((sum, value) => sum + value * value, 0)
    expect(dccaObjective(h1, h2, { ...base, objective: 'sumsq' }).value).toBeCloseTo(sumsq, 12)
    expect(dccaObjective(h1, h2, { ...base, objective: 'frobenius' }).value).toBeCloseTo(Math.sqrt(sumsq), 12)
  })

  it('is near one per shared dimension for identical views and rejects unpaired rows', () => {
    const { h1 } = views(50, 3, 3, 2)
    expect(dccaObjective(h1, h1, { objective: 'trace', ridge1: 1e-8, ridge2: 1e-8 }).value).toBeCloseTo(3, 5)
    expect(() => dccaObjective(h1, matrix(49, 3), { objective: 'trace', ridge1: 0, ridge2: 0 })).toThrow(/50 and 49 rows/)
  })
})
