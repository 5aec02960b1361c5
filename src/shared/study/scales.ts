/**
 * What each kind of rating scale asks and which answers it takes. The session runner checks
 * answers against these ranges; the participant window draws the scales from them.
 */
import type { RatingScale } from './schema'

export interface ScaleSpec {
  /** The column name in events.tsv and the key in session.json (`valence`, or a custom id). */
  id: string
  prompt: string
  min: number
  max: number
  /** Whole numbers only (all but sliders). */
  discrete: boolean
  /** Words at the ends (and, for Likert scales with labels, at every point). */
  minLabel: string
  maxLabel: string
  pointLabels?: string[]
}

/**
 * The self-assessment manikin and liking on 1–9, familiarity on 1–5: the ranges of DEAP and most
 * music-emotion studies since, so that ratings can be compared with theirs.
 */
export function scaleSpec(scale: RatingScale): ScaleSpec {
  switch (scale.kind) {
    case 'sam-valence':
      return { id: 'valence', prompt: 'How did the music make you feel?', min: 1, max: 9, discrete: true, minLabel: 'unhappy', maxLabel: 'happy' }
    case 'sam-arousal':
      return { id: 'arousal', prompt: 'How calm or excited did you feel?', min: 1, max: 9, discrete: true, minLabel: 'calm', maxLabel: 'excited' }
    case 'liking':
      return { id: 'liking', prompt: 'How much did you like the music?', min: 1, max: 9, discrete: true, minLabel: 'not at all', maxLabel: 'very much' }
    case 'familiarity':
      return { id: 'familiarity', prompt: 'How well did you know the music?', min: 1, max: 5, discrete: true, minLabel: 'never heard it', maxLabel: 'know it well' }
    case 'likert':
      return {
        id: scale.id,
        prompt: scale.prompt,
        min: 1,
        max: scale.points,
        discrete: true,
        minLabel: scale.labels?.[0] ?? '',
        maxLabel: scale.labels?.[scale.points - 1] ?? '',
        ...(scale.labels ? { pointLabels: scale.labels } : {}),
      }
    case 'slider':
      return { id: scale.id, prompt: scale.prompt, min: scale.min, max: scale.max, discrete: false, minLabel: scale.minLabel ?? '', maxLabel: scale.maxLabel ?? '' }
  }
}

/** Why `value` is not an answer to the scale, or null when it is one. */
export function invalidAnswer(spec: ScaleSpec, value: number): string | null {
  if (!Number.isFinite(value)) return `${spec.id}: the answer must be a number`
  if (value < spec.min || value > spec.max) return `${spec.id}: the answer must lie between ${spec.min} and ${spec.max}, not ${value}`
  if (spec.discrete && !Number.isInteger(value)) return `${spec.id}: the answer must be a whole number, not ${value}`
  return null
}
