/**
 * The realised sequence of trials for one participant and session: a pure function of the study,
 * the participant and the session, so it can be shown in the editor, checked, and reproduced.
 */
import { Random } from '../sim/random'
import type { Block, Phase, Study } from './schema'

export interface PlannedTrial {
  /** 0-based position in the session. */
  index: number
  block: string
  /** 1-based repetition of the stimulus within its block. */
  repetition: number
  stimulus: string
  /** A break comes before this trial (between blocks, and every `breakEvery` trials). */
  breakBefore: boolean
}

export class ImpossibleOrderError extends Error {}

/** A 32-bit seed from the study seed, the participant and the session (FNV-1a over their text). */
export function sessionSeed(studySeed: number, participant: string, session: number): number {
  let hash = 0x811c9dc5
  for (const character of `${studySeed}|${participant}|${session}`) {
    hash ^= character.codePointAt(0)!
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
}

/** The participant's number for counterbalancing: its digits ("P07" → 7), else a hash. */
export function participantNumber(participant: string): number {
  const digits = /\d+/.exec(participant)
  return digits ? Number.parseInt(digits[0], 10) : sessionSeed(0, participant, 0)
}

/**
 * Rows of a balanced Latin square (Williams design): every block appears once in every position
 * and follows every other block equally often. Odd counts need twice as many rows.
 */
export function williamsRows(count: number): number[][] {
  const first: number[] = []
  for (let low = 0, high = count - 1, step = 0; first.length < count; step++) first.push(step % 2 === 0 ? low++ : high--)
  const rows = Array.from({ length: count }, (_, shift) => first.map((value) => (value + shift) % count))
  return count % 2 === 0 ? rows : [...rows, ...rows.map((row) => [...row].reverse())]
}

function shuffle<T>(items: T[], random: Random): T[] {
  const copy = [...items]
  random.shuffle(copy)
  return copy
}

const searchBudget = 200_000

/**
 * A random order of `items` (stimulus ids, repeats included) such that no tag occurs more than
 * `maxConsecutiveTag` times in a row and repeats of a stimulus are at least `minRepeatDistance`
 * apart. Depth-first with random candidate order, so every valid order can come out; throws
 * ImpossibleOrderError when the search space is exhausted (or too large to finish).
 */
export function constrainedOrder(
  items: string[],
  tagsOf: (id: string) => readonly string[],
  constraints: { maxConsecutiveTag?: number; minRepeatDistance?: number },
  random: Random,
): string[] {
  const remaining = new Map<string, number>()
  for (const item of items) remaining.set(item, (remaining.get(item) ?? 0) + 1)
  const order: string[] = []
  let visited = 0
  const fits = (candidate: string): boolean => {
    const distance = constraints.minRepeatDistance
    if (distance !== undefined && order.slice(-distance).includes(candidate)) return false
    const limit = constraints.maxConsecutiveTag
    if (limit !== undefined) {
      for (const tag of tagsOf(candidate)) {
        let run = 0
        for (let index = order.length - 1; index >= 0 && tagsOf(order[index]!).includes(tag); index--) run++
        if (run >= limit) return false
      }
    }
    return true
  }
  const search = (): boolean => {
    if (order.length === items.length) return true
    if (++visited > searchBudget) throw new ImpossibleOrderError(`no order found within ${searchBudget} steps; loosen the constraints`)
    for (const candidate of shuffle([...remaining.keys()], random)) {
      if (!fits(candidate)) continue
      order.push(candidate)
      const left = remaining.get(candidate)! - 1
      if (left === 0) remaining.delete(candidate)
      else remaining.set(candidate, left)
      if (search()) return true
      order.pop()
      remaining.set(candidate, left + 1)
    }
    return false
  }
  if (!search()) throw new ImpossibleOrderError('no order of these stimuli meets the constraints')
  return order
}

function blockStimuli(study: Study, block: Block): string[] {
  return block.stimuli === 'all' ? study.stimuli.map((stimulus) => stimulus.id) : block.stimuli
}

function orderBlock(study: Study, block: Block, random: Random): string[] {
  const ids = blockStimuli(study, block)
  const items = Array.from({ length: block.repetitions }, () => ids).flat()
  if (block.order === 'fixed') return items
  if (block.order === 'random') return shuffle(items, random)
  const tags = new Map(study.stimuli.map((stimulus) => [stimulus.id, stimulus.tags]))
  return constrainedOrder(items, (id) => tags.get(id) ?? [], block.order, random)
}

function orderBlocks(study: Study, participant: string, random: Random): Block[] {
  if (study.blockOrder === 'fixed') return study.blocks
  if (study.blockOrder === 'random') return shuffle(study.blocks, random)
  const rows = williamsRows(study.blocks.length)
  const row = rows[(participantNumber(participant) - 1 + rows.length * 1000) % rows.length]!
  return row.map((index) => study.blocks[index]!)
}

export function realiseSequence(study: Study, participant: string, session = 1): PlannedTrial[] {
  const random = new Random(sessionSeed(study.seed, participant, session))
  const trials: PlannedTrial[] = []
  orderBlocks(study, participant, random).forEach((block, blockPosition) => {
    const seen = new Map<string, number>()
    orderBlock(study, block, random).forEach((stimulus, position) => {
      const repetition = (seen.get(stimulus) ?? 0) + 1
      seen.set(stimulus, repetition)
      const breakBefore = (blockPosition > 0 && position === 0) || (block.breakEvery > 0 && position > 0 && position % block.breakEvery === 0)
      trials.push({ index: trials.length, block: block.id, repetition, stimulus, breakBefore })
    })
  })
  return trials
}

/** Seconds a rating scale is expected to take, for the duration estimate. */
export const ratingSecondsPerScale = 5

/** Expected seconds of one phase of a trial whose stimulus plays `stimulusSeconds`. */
export function phaseSeconds(phase: Phase, stimulusSeconds: number): number {
  if (phase.kind === 'stimulus') return stimulusSeconds
  if (phase.kind === 'rating') return phase.scales.length * ratingSecondsPerScale
  return phase.seconds
}

/**
 * Expected session length: every phase of every trial, the stimuli's own lengths (excerpt or
 * whole file, from `stimulusSeconds`), ratings at `ratingSecondsPerScale` each, and the breaks.
 */
export function expectedDurationSeconds(study: Study, trials: PlannedTrial[], stimulusSeconds: (id: string) => number): number {
  let total = 0
  for (const trial of trials) {
    if (trial.breakBefore) total += study.breakSeconds
    for (const phase of study.trial.phases) total += phaseSeconds(phase, stimulusSeconds(trial.stimulus))
  }
  return total
}
