/**
 * Everything wrong with a study file, each problem with the exact path to its field: the shape
 * (schema.ts) first, then what a schema cannot say (ids, references, satisfiable orders).
 */
import { Random } from '../sim/random'
import { scaleSpec } from './scales'
import { studySchema, type Study } from './schema'
import { constrainedOrder, ImpossibleOrderError } from './sequence'

export interface StudyIssue {
  /** e.g. `stimuli[2].file`, or `` for the whole file. */
  path: string
  message: string
}

export type StudyCheck = { ok: true; study: Study } | { ok: false; issues: StudyIssue[] }

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '')
}

export function checkStudy(value: unknown): StudyCheck {
  const parsed = studySchema.safeParse(value)
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })) }
  }
  const study = parsed.data
  const issues: StudyIssue[] = []

  const firstWithId = new Map<string, number>()
  study.stimuli.forEach((stimulus, index) => {
    const earlier = firstWithId.get(stimulus.id)
    if (earlier !== undefined) issues.push({ path: `stimuli[${index}].id`, message: `"${stimulus.id}" is also the id of stimuli[${earlier}]` })
    else firstWithId.set(stimulus.id, index)
  })

  const stimulusPhases = study.trial.phases.filter((phase) => phase.kind === 'stimulus').length
  if (stimulusPhases !== 1) issues.push({ path: 'trial.phases', message: `needs exactly one stimulus phase, has ${stimulusPhases}` })

  const scaleIds = new Set<string>()
  study.trial.phases.forEach((phase, phaseIndex) => {
    if (phase.kind !== 'rating') return
    phase.scales.forEach((scale, scaleIndex) => {
      const scaleId = scaleSpec(scale).id
      if (scaleIds.has(scaleId)) issues.push({ path: `trial.phases[${phaseIndex}].scales[${scaleIndex}]`, message: `the rating "${scaleId}" is asked twice` })
      scaleIds.add(scaleId)
    })
  })

  const blockIds = new Set<string>()
  study.blocks.forEach((block, blockIndex) => {
    if (blockIds.has(block.id)) issues.push({ path: `blocks[${blockIndex}].id`, message: `"${block.id}" is the id of an earlier block too` })
    blockIds.add(block.id)
    if (block.stimuli !== 'all') {
      block.stimuli.forEach((id, index) => {
        if (!firstWithId.has(id)) issues.push({ path: `blocks[${blockIndex}].stimuli[${index}]`, message: `no stimulus has the id "${id}"` })
      })
    }
    if (typeof block.order === 'object' && issues.length === 0) {
      const ids = block.stimuli === 'all' ? study.stimuli.map((stimulus) => stimulus.id) : block.stimuli
      const tags = new Map(study.stimuli.map((stimulus) => [stimulus.id, stimulus.tags]))
      try {
        constrainedOrder(Array.from({ length: block.repetitions }, () => ids).flat(), (id) => tags.get(id) ?? [], block.order, new Random(study.seed))
      } catch (error) {
        if (!(error instanceof ImpossibleOrderError)) throw error
        issues.push({ path: `blocks[${blockIndex}].order`, message: `the constraints cannot be met: ${error.message}` })
      }
    }
  })

  return issues.length ? { ok: false, issues } : { ok: true, study }
}
