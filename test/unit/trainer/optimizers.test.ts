import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../src/trainer/backend'
import { createOptimizer, FusedAdam, FusedRmsprop, type Optimizer } from '../../../src/trainer/optimizers'

/** A small least-squares problem: its loss, and the variables it trains. */
function problem() {
  const x = tf.randomNormal([64, 10], 0, 1, 'float32', 1)
  const y = tf.randomNormal([64, 3], 0, 1, 'float32', 2)
  const weights = tf.variable(tf.randomNormal([10, 3], 0, 0.5, 'float32', 3))
  const bias = tf.variable(tf.zeros([3]))
  const loss = () => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, weights), bias), y))) as tf.Scalar
  return { loss, variables: [weights, bias] }
}

function steps(optimizer: Optimizer | tf.Optimizer, loss: () => tf.Scalar, variables: tf.Variable[], count: number): number[] {
  const losses: number[] = []
  for (let step = 0; step < count; step++) {
    const value = 'getState' in optimizer ? optimizer.minimize(loss, variables) : optimizer.minimize(loss, true, variables)!
    losses.push(value.dataSync()[0]!)
    value.dispose()
  }
  return losses
}

describe('fused optimisers', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm', threads: 1 })
  })

  for (const [name, fused, reference] of [
    ['adam', () => new FusedAdam(0.01), () => tf.train.adam(0.01)],
    // tfjs puts ε inside the root, Keras (and Entrain) outside: compared with ε too small to matter to either.
    ['rmsprop', () => new FusedRmsprop(0.01, 0.9, 1e-12), () => tf.train.rmsprop(0.01, 0.9, 0, 1e-24)],
  ] as const) {
    it(`${name} takes the same steps as tf.train.${name}`, () => {
      const runs = [fused(), reference()].map((optimizer) => {
        const { loss, variables } = problem()
        return { losses: steps(optimizer, loss, variables, 20), values: variables.map((variable) => Array.from(variable.dataSync())) }
      })
      expect(runs[0]!.losses.at(-1)).toBeLessThan(runs[0]!.losses[0]! * 0.9)
      runs[0]!.losses.forEach((loss, step) => expect(loss).toBeCloseTo(runs[1]!.losses[step]!, 4))
      runs[0]!.values.flat().forEach((value, index) => expect(value).toBeCloseTo(runs[1]!.values.flat()[index]!, 4))
    })

    it(`${name}: a run resumed from its saved state (weights + optimiser) continues exactly`, () => {
      const straight = problem()
      const whole = steps(createOptimizer(name, 0.01), straight.loss, straight.variables, 12)

      const first = problem()
      const before = createOptimizer(name, 0.01)
      const head = steps(before, first.loss, first.variables, 5)
      const state = before.getState(first.variables)
      expect(state).toMatchObject({ name, step: 5 })
      const second = problem()
      second.variables.forEach((variable, index) => variable.assign(first.variables[index]!))
      const after = createOptimizer(name, 0.01)
      after.setState(state, second.variables)
      const tail = steps(after, second.loss, second.variables, 7)
      ;[...head, ...tail].forEach((loss, step) => expect(loss).toBeCloseTo(whole[step]!, 6))
    })
  }

  it('refuses a saved state of another optimiser or another model', () => {
    const { variables } = problem()
    const adam = createOptimizer('adam', 0.01)
    expect(() => createOptimizer('rmsprop', 0.01).setState(adam.getState(variables), variables)).toThrow("the saved optimiser state is adam's, not rmsprop's")
    expect(() => adam.setState(adam.getState(variables), variables.slice(1))).toThrow('the saved optimiser state has 2 variables, the model 1')
  })
})
