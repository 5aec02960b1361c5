/**
 * How a participant answers a rating scale in the participant window: the points of a discrete
 * scale with their words, and the answer each key gives (digits pick a point, arrows move).
 */
import type { ScaleSpec } from './scales'

export interface ScalePoint {
  value: number
  /** The point's own label, else the end label at either end, else empty. */
  label: string
}

/** The points of a discrete scale, lowest first; none for a slider. */
export function scalePoints(spec: ScaleSpec): ScalePoint[] {
  if (!spec.discrete) return []
  const points: ScalePoint[] = []
  for (let value = spec.min; value <= spec.max; value++) {
    const ends = value === spec.min ? spec.minLabel : value === spec.max ? spec.maxLabel : ''
    points.push({ value, label: spec.pointLabels?.[value - spec.min] ?? ends })
  }
  return points
}

/** The answer the key `1`…`9` gives on a discrete scale: its nth point; null for other keys, sliders and points beyond the scale. */
export function digitAnswer(spec: ScaleSpec, key: string): number | null {
  if (!spec.discrete || !/^[1-9]$/.test(key)) return null
  const value = spec.min + Number(key) - 1
  return value <= spec.max ? value : null
}

/** Steps a slider takes from one end to the other with the arrow keys. */
export const sliderSteps = 20

/**
 * Where an arrow key moves the chosen answer: one point on a discrete scale, a twentieth of the
 * range on a slider, never past the ends. The first press chooses the middle, so that neither end
 * is suggested before the participant moves.
 */
export function steppedAnswer(spec: ScaleSpec, current: number | null, direction: -1 | 1): number {
  if (current === null) return spec.discrete ? Math.round((spec.min + spec.max) / 2) : (spec.min + spec.max) / 2
  const step = spec.discrete ? 1 : (spec.max - spec.min) / sliderSteps
  // Counting in steps from the minimum keeps slider answers on the grid (no 0.30000000000000004).
  const steps = Math.round((current - spec.min) / step) + direction
  const value = spec.min + steps * step
  return Math.min(spec.max, Math.max(spec.min, spec.discrete ? value : Number(value.toPrecision(12))))
}
