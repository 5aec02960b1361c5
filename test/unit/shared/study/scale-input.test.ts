import { describe, expect, it } from 'vitest'
import { digitAnswer, scalePoints, sliderSteps, steppedAnswer } from '../../../../src/shared/study/scale-input'
import { invalidAnswer, scaleSpec } from '../../../../src/shared/study/scales'

const valence = scaleSpec({ kind: 'sam-valence' })
const familiarity = scaleSpec({ kind: 'familiarity' })
const groove = scaleSpec({ kind: 'likert', id: 'groove', prompt: 'Groove?', points: 3, labels: ['no', 'some', 'lots'] })
const eleven = scaleSpec({ kind: 'likert', id: 'eleven', prompt: 'How much?', points: 11 })
const tension = scaleSpec({ kind: 'slider', id: 'tension', prompt: 'Tension', min: -1, max: 1, minLabel: 'relaxed', maxLabel: 'tense' })

describe('scale points', () => {
  it('run from min to max with the end labels at the ends', () => {
    const points = scalePoints(valence)
    expect(points.map((point) => point.value)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(points[0]!.label).toBe('unhappy')
    expect(points[8]!.label).toBe('happy')
    expect(points.slice(1, 8).every((point) => point.label === '')).toBe(true)
  })

  it('carry every point label of a labelled Likert scale', () => {
    expect(scalePoints(groove)).toEqual([
      { value: 1, label: 'no' },
      { value: 2, label: 'some' },
      { value: 3, label: 'lots' },
    ])
  })

  it('are none for a slider', () => {
    expect(scalePoints(tension)).toEqual([])
  })
})

describe('digit keys', () => {
  it('pick the nth point of a discrete scale', () => {
    expect(digitAnswer(valence, '1')).toBe(1)
    expect(digitAnswer(valence, '7')).toBe(7)
    expect(digitAnswer(familiarity, '5')).toBe(5)
  })

  it('give nothing beyond the scale, for other keys, or on a slider', () => {
    expect(digitAnswer(familiarity, '6')).toBeNull()
    expect(digitAnswer(valence, '0')).toBeNull()
    expect(digitAnswer(valence, 'a')).toBeNull()
    expect(digitAnswer(valence, '12')).toBeNull()
    expect(digitAnswer(tension, '3')).toBeNull()
  })

  it('reach the first nine points of a longer scale', () => {
    expect(digitAnswer(eleven, '9')).toBe(9)
  })
})

describe('arrow keys', () => {
  it('start in the middle, then move one point and stop at the ends', () => {
    expect(steppedAnswer(valence, null, 1)).toBe(5)
    expect(steppedAnswer(valence, null, -1)).toBe(5)
    expect(steppedAnswer(familiarity, null, 1)).toBe(3)
    expect(steppedAnswer(valence, 5, 1)).toBe(6)
    expect(steppedAnswer(valence, 5, -1)).toBe(4)
    expect(steppedAnswer(valence, 9, 1)).toBe(9)
    expect(steppedAnswer(valence, 1, -1)).toBe(1)
  })

  it('move a slider in twentieths of its range, on the grid and within it, every answer valid', () => {
    let value = steppedAnswer(tension, null, 1)
    expect(value).toBe(0)
    const visited = [value]
    for (let press = 0; press < sliderSteps; press++) visited.push((value = steppedAnswer(tension, value, 1)))
    expect(visited.slice(0, 4)).toEqual([0, 0.1, 0.2, 0.3])
    expect(visited.at(-1)).toBe(1)
    for (const answer of visited) expect(invalidAnswer(tension, answer)).toBeNull()
    expect(steppedAnswer(tension, -0.95, -1)).toBe(-1)
  })
})
