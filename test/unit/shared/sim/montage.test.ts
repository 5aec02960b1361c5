import { describe, expect, it } from 'vitest'
import { defaultEegLabels, electrodePosition, type ScalpPosition } from '../../../../src/shared/sim/montage'

describe('defaultEegLabels', () => {
  it('gives the standard 10-20 sets for 8, 16, 32 and 64 channels, without duplicates', () => {
    expect(defaultEegLabels(8)).toEqual(['Fp1', 'Fp2', 'C3', 'C4', 'P7', 'P8', 'O1', 'O2'])
    expect(defaultEegLabels(16)).toEqual(['Fp1', 'Fp2', 'F7', 'F3', 'Fz', 'F4', 'F8', 'C3', 'Cz', 'C4', 'P3', 'Pz', 'P4', 'O1', 'Oz', 'O2'])
    for (const count of [8, 16, 32, 64]) {
      const labels = defaultEegLabels(count)
      expect(labels).toHaveLength(count)
      expect(new Set(labels).size).toBe(count)
      for (const label of labels) expect(electrodePosition(label), label).toBeDefined()
    }
  })

  it('numbers the channels beyond the largest standard set that fits', () => {
    expect(defaultEegLabels(18).slice(14)).toEqual(['Oz', 'O2', 'Ch17', 'Ch18'])
    expect(defaultEegLabels(66).slice(63)).toEqual(['Iz', 'Ch65', 'Ch66'])
    expect(defaultEegLabels(3)).toEqual(['Fp1', 'Fp2', 'C3'])
    expect(defaultEegLabels(0)).toEqual([])
    expect(() => defaultEegLabels(-1)).toThrow(/channel count/)
  })
})

describe('electrodePosition', () => {
  function expectAt(label: string, x: number, y: number): void {
    const position = electrodePosition(label)
    expect(position, label).toBeDefined()
    expect(position!.x, `${label}.x`).toBeCloseTo(x, 2)
    expect(position!.y, `${label}.y`).toBeCloseTo(y, 2)
  }

  it('places the midline and the equator of the 10-20 system', () => {
    expectAt('Cz', 0, 0)
    expectAt('Fz', 0, 0.5)
    expectAt('Pz', 0, -0.5)
    expectAt('Fpz', 0, 1)
    expectAt('Oz', 0, -1)
    expectAt('T7', -1, 0)
    expectAt('T8', 1, 0)
    expectAt('C3', -0.5, 0)
    expectAt('Fp1', -Math.sin(Math.PI / 10), Math.cos(Math.PI / 10))
    expectAt('O2', Math.sin(Math.PI / 10), -Math.cos(Math.PI / 10))
  })

  it('accepts any case and the old names T3–T6', () => {
    expect(electrodePosition('FP1')).toEqual(electrodePosition('Fp1'))
    expect(electrodePosition('t3')).toEqual(electrodePosition('T7'))
    expect(electrodePosition('T6')).toEqual(electrodePosition('P8'))
  })

  it('knows nothing of labels outside the system', () => {
    for (const label of ['Ch1', 'EOG', 'Fp3', 'C7', 'T1', 'Xz', '']) expect(electrodePosition(label), label).toBeUndefined()
  })

  it('keeps left–right symmetry and orders rows from front to back', () => {
    const at = (label: string): ScalpPosition => electrodePosition(label)!
    for (const [left, right] of [['F3', 'F4'], ['FC5', 'FC6'], ['CP1', 'CP2'], ['PO7', 'PO8'], ['P9', 'P10']] as const) {
      expect(at(left).x).toBeCloseTo(-at(right).x, 9)
      expect(at(left).y).toBeCloseTo(at(right).y, 9)
      expect(at(left).x).toBeLessThan(0)
    }
    const ys = ['Fp1', 'AF3', 'F3', 'FC3', 'C3', 'CP3', 'P3', 'PO3', 'O1'].map((label) => at(label).y)
    for (let i = 1; i < ys.length; i++) expect(ys[i]).toBeLessThan(ys[i - 1]!)
    // Within a row, higher numbers lie further out; 9/10 just beyond the unit circle.
    const radius = (label: string): number => Math.hypot(at(label).x, at(label).y)
    expect(radius('F1')).toBeLessThan(radius('F3'))
    expect(radius('F3')).toBeLessThan(radius('F5'))
    expect(radius('F7')).toBeCloseTo(1, 9)
    expect(radius('P9')).toBeGreaterThan(1)
    expect(radius('P9')).toBeLessThan(1.3)
  })
})
