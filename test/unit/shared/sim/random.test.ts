import { describe, expect, it } from 'vitest'
import { Random } from '../../../../src/shared/sim/random'

function draw(random: Random, count: number, how: (random: Random) => number): number[] {
  return Array.from({ length: count }, () => how(random))
}

describe('Random', () => {
  it('repeats its stream for a seed and differs between seeds', () => {
    const uniform = (random: Random): number => random.next()
    expect(draw(new Random(1), 50, uniform)).toEqual(draw(new Random(1), 50, uniform))
    expect(draw(new Random(1), 50, uniform)).not.toEqual(draw(new Random(2), 50, uniform))
    expect(draw(new Random(0), 5, uniform)).not.toEqual([0, 0, 0, 0, 0])
  })

  it('draws uniformly from [0, 1)', () => {
    const values = draw(new Random(3), 100_000, (random) => random.next())
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...values)).toBeLessThan(1)
    const histogram = new Array<number>(10).fill(0)
    for (const value of values) histogram[Math.floor(value * 10)]!++
    for (const count of histogram) expect(Math.abs(count - 10_000)).toBeLessThan(500)
  })

  it('draws standard normal values', () => {
    const values = draw(new Random(4), 100_000, (random) => random.normal())
    const mean = values.reduce((sum, x) => sum + x, 0) / values.length
    const variance = values.reduce((sum, x) => sum + (x - mean) ** 2, 0) / values.length
    expect(Math.abs(mean)).toBeLessThan(0.02)
    expect(Math.abs(variance - 1)).toBeLessThan(0.02)
    const withinOneSigma = values.filter((x) => Math.abs(x) < 1).length / values.length
    expect(Math.abs(withinOneSigma - 0.6827)).toBeLessThan(0.01)
  })

  it('forks reproducible streams that differ from their parent', () => {
    const parent = new Random(5)
    const child = parent.fork()
    const again = new Random(5).fork()
    expect(draw(child, 10, (random) => random.nextUint32())).toEqual(draw(again, 10, (random) => random.nextUint32()))
    expect(draw(parent, 10, (random) => random.nextUint32())).not.toEqual(draw(new Random(5).fork(), 10, (random) => random.nextUint32()))
  })
})
