/**
 * study.json, version 1: the stimuli, the phases of every trial, the blocks and their ordering,
 * counterbalancing, seeds, and what the session needs. Parsed with zod so that every problem is
 * reported with the exact path to the field.
 */
import { z } from 'zod'

export const studyVersion = 1

const id = z
  .string()
  .min(1, 'must not be empty')
  .max(100)
  .regex(/^[A-Za-z0-9_.-]+$/, 'may only hold letters, digits, _ . and -')
const seconds = z.number().min(0, 'must be ≥ 0').max(24 * 3600, 'is longer than a day')

const stimulus = z
  .object({
    id,
    /** Relative to the study folder (usually stimuli/…) or absolute. */
    file: z.string().min(1, 'must name an audio file'),
    label: z.string().max(500).optional(),
    tags: z.array(id).max(50).default([]),
    gainDb: z.number().min(-60).max(24).default(0),
    excerpt: z
      .object({ start: seconds, end: seconds.optional() })
      .strict()
      .refine((value) => value.end === undefined || value.end > value.start, { message: 'end must be after start', path: ['end'] })
      .optional(),
  })
  .strict()

const scale = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sam-valence') }).strict(),
  z.object({ kind: z.literal('sam-arousal') }).strict(),
  z.object({ kind: z.literal('liking') }).strict(),
  z.object({ kind: z.literal('familiarity') }).strict(),
  z
    .object({
      kind: z.literal('likert'),
      id,
      prompt: z.string().min(1).max(500),
      points: z.number().int().min(2).max(11),
      labels: z.array(z.string().max(100)).max(11).optional(),
    })
    .strict()
    .refine((value) => !value.labels || value.labels.length === value.points, { message: 'needs one label per point', path: ['labels'] }),
  z
    .object({
      kind: z.literal('slider'),
      id,
      prompt: z.string().min(1).max(500),
      min: z.number(),
      max: z.number(),
      minLabel: z.string().max(100).optional(),
      maxLabel: z.string().max(100).optional(),
    })
    .strict()
    .refine((value) => value.max > value.min, { message: 'max must be greater than min', path: ['max'] }),
])

const phase = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('baseline'), seconds, instruction: z.string().max(500).optional() }).strict(),
  z.object({ kind: z.literal('fixation'), seconds }).strict(),
  z.object({ kind: z.literal('stimulus') }).strict(),
  z.object({ kind: z.literal('rating'), scales: z.array(scale).min(1, 'needs at least one scale') }).strict(),
  z.object({ kind: z.literal('rest'), seconds }).strict(),
])

const order = z.union([
  z.literal('fixed'),
  z.literal('random'),
  z
    .object({
      kind: z.literal('constrained'),
      /** At most this many trials in a row share a tag (for every tag). */
      maxConsecutiveTag: z.number().int().min(1).optional(),
      /** Repeats of the same stimulus are at least this many trials apart (1: never back to back). */
      minRepeatDistance: z.number().int().min(1).optional(),
    })
    .strict(),
])

const block = z
  .object({
    id,
    /** Stimulus ids, or "all". */
    stimuli: z.union([z.literal('all'), z.array(id).min(1, 'needs at least one stimulus')]),
    order: order.default('fixed'),
    repetitions: z.number().int().min(1).max(100).default(1),
    /** A break after every N trials of this block (0: none). */
    breakEvery: z.number().int().min(0).default(0),
  })
  .strict()

export const studySchema = z
  .object({
    version: z.literal(studyVersion, { message: `must be ${studyVersion} (this Entrain reads study files of version ${studyVersion})` }),
    name: z.string().min(1).max(200),
    description: z.string().max(5000).optional(),
    stimuli: z.array(stimulus).min(1, 'needs at least one stimulus'),
    trial: z.object({ phases: z.array(phase).min(1, 'needs at least one phase') }).strict(),
    blocks: z.array(block).min(1, 'needs at least one block'),
    /** How block order varies between participants. */
    blockOrder: z.enum(['fixed', 'latin-square', 'random']).default('fixed'),
    breakSeconds: seconds.default(30),
    /** With the participant and session, fixes every random choice. */
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
    devices: z
      .object({
        /** LSL streams that must be present before a session starts. */
        streams: z.array(z.object({ name: z.string().min(1).optional(), type: z.string().min(1).optional() }).strict()).default([]),
        audioDevice: z.string().min(1).optional(),
      })
      .strict()
      .default({ streams: [] }),
  })
  .strict()

export type StudyInput = z.input<typeof studySchema>
export type Study = z.output<typeof studySchema>
export type Stimulus = Study['stimuli'][number]
/** A stimulus as written in study.json (defaults not yet filled in). */
export type StimulusInputRow = StudyInput['stimuli'][number]
export type Phase = Study['trial']['phases'][number]
export type Block = Study['blocks'][number]
export type RatingScale = Extract<Phase, { kind: 'rating' }>['scales'][number]
