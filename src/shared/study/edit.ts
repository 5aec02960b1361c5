/**
 * A study as the experimenter edits it: the study.json value itself (defaults not filled in, and
 * possibly invalid while they type). The operations here change it in place, keeping what refers
 * to a stimulus (block lists) in step with the stimulus.
 */
import type { StudyIssue } from './check'
import { studyVersion, type Phase, type RatingScale, type StimulusInputRow, type StudyInput } from './schema'

/** A protocol to start from when a study has no study.json yet; the experimenter refines it. */
export function startingStudy(name: string): StudyInput {
  return {
    version: studyVersion,
    name,
    stimuli: [],
    trial: {
      phases: [
        { kind: 'fixation', seconds: 2 },
        { kind: 'stimulus' },
        { kind: 'rating', scales: [{ kind: 'sam-valence' }, { kind: 'sam-arousal' }, { kind: 'liking' }] },
        { kind: 'rest', seconds: 2 },
      ],
    },
    blocks: [{ id: 'main', stimuli: 'all', order: 'random' }],
  }
}

/** `wanted`, or the first of wanted_2, wanted_3, … not in `taken`; the result is added to `taken`. */
export function freeId(wanted: string, taken: Set<string>): string {
  let id = wanted
  for (let count = 2; taken.has(id); count++) id = `${wanted}_${count}`
  taken.add(id)
  return id
}

/** Appends stimuli, numbering ids that are already taken; returns the rows as added. */
export function addStimuli(study: StudyInput, rows: readonly StimulusInputRow[]): StimulusInputRow[] {
  const taken = new Set(study.stimuli.map((stimulus) => stimulus.id))
  const added = rows.map((row) => ({ ...row, id: freeId(row.id, taken) }))
  study.stimuli.push(...added)
  return added
}

/** Removes a stimulus and every block's reference to it. */
export function removeStimulus(study: StudyInput, index: number): StimulusInputRow {
  const [removed] = study.stimuli.splice(index, 1)
  if (!removed) throw new RangeError(`no stimulus at ${index}`)
  if (!study.stimuli.some((stimulus) => stimulus.id === removed.id)) {
    for (const block of study.blocks) {
      if (Array.isArray(block.stimuli)) block.stimuli = block.stimuli.filter((id) => id !== removed.id)
    }
  }
  return removed
}

/**
 * Gives a stimulus a new id. Block lists that named it by its old id follow, unless another
 * stimulus still has the old id (then the references were ambiguous and stay as they are).
 */
export function renameStimulus(study: StudyInput, index: number, id: string): void {
  const stimulus = study.stimuli[index]
  if (!stimulus) throw new RangeError(`no stimulus at ${index}`)
  const old = stimulus.id
  stimulus.id = id
  if (old === id || study.stimuli.some((other) => other.id === old)) return
  for (const block of study.blocks) {
    if (Array.isArray(block.stimuli)) block.stimuli = block.stimuli.map((entry) => (entry === old ? id : entry))
  }
}

/** Moves list[from] to position `to` (clamped to the list). */
export function moveItem<T>(list: T[], from: number, to: number): void {
  const target = Math.max(0, Math.min(list.length - 1, to))
  if (from < 0 || from >= list.length || target === from) return
  const [item] = list.splice(from, 1)
  list.splice(target, 0, item!)
}

export type StandardScale = Exclude<RatingScale['kind'], 'likert' | 'slider'>
/** The rating scales every lab knows, in the order they are usually asked. */
export const standardScales: readonly StandardScale[] = ['sam-valence', 'sam-arousal', 'liking', 'familiarity']

/**
 * Asks, or stops asking, a standard scale in a rating phase. Standard scales keep their usual
 * order and come before the lab's own questions.
 */
export function setStandardScale(scales: RatingScale[], kind: StandardScale, asked: boolean): void {
  const at = scales.findIndex((scale) => scale.kind === kind)
  if (!asked) {
    if (at >= 0) scales.splice(at, 1)
    return
  }
  if (at >= 0) return
  const rank = standardScales.indexOf(kind)
  const before = scales.findIndex((scale) => {
    const other = standardScales.indexOf(scale.kind as StandardScale)
    return other < 0 || other > rank
  })
  scales.splice(before < 0 ? scales.length : before, 0, { kind })
}

/** A phase of another kind in place of `previous`, keeping its length where both have one. */
export function phaseOfKind(kind: Phase['kind'], previous?: Phase): Phase {
  if (kind === 'stimulus') return { kind }
  if (kind === 'rating') return { kind, scales: previous?.kind === 'rating' ? previous.scales : [{ kind: 'sam-valence' }, { kind: 'sam-arousal' }] }
  const seconds = previous && 'seconds' in previous ? previous.seconds : kind === 'baseline' ? 60 : 2
  return { kind, seconds }
}

/** Tags as typed: separated by commas, semicolons or spaces. */
export function parseTags(text: string): string[] {
  return text.split(/[\s,;]+/).filter(Boolean)
}

/**
 * Problems at `path` itself or inside it (`stimuli[0]` holds `stimuli[0].excerpt.end`); with
 * `exact`, only those at `path` (a list's own problems, not its items').
 */
export function issuesAt(issues: readonly StudyIssue[], path: string, exact = false): StudyIssue[] {
  return issues.filter(
    (issue) => issue.path === path || (!exact && path !== '' && (issue.path.startsWith(`${path}.`) || issue.path.startsWith(`${path}[`))),
  )
}

/** A stimulus file as written in study.json (relative to the study folder, or absolute) as a path. */
export function stimulusPath(folder: string, file: string): string {
  if (/^([A-Za-z]:)?[\\/]/.test(file)) return file
  return `${folder.replace(/[\\/]+$/, '')}/${file}`
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const phaseKinds = new Set(['baseline', 'fixation', 'stimulus', 'rating', 'rest'])

/**
 * What the editor needs of a study file before it can show it: the lists it draws (stimuli, trial
 * phases and their scales, blocks) must be lists of objects. Anything else wrong is for the
 * editor to show next to its field; these problems must be fixed in the file itself.
 */
export function draftShapeIssues(value: unknown): StudyIssue[] {
  if (!isObject(value)) return [{ path: '', message: 'is not a JSON object' }]
  const issues: StudyIssue[] = []
  const objects = (list: unknown, path: string): Record<string, unknown>[] => {
    if (!Array.isArray(list)) {
      issues.push({ path, message: 'is not a list' })
      return []
    }
    list.forEach((item, index) => isObject(item) || issues.push({ path: `${path}[${index}]`, message: 'is not an object' }))
    return list.filter(isObject)
  }
  objects(value.stimuli, 'stimuli').forEach((stimulus, index) => {
    if (stimulus.tags !== undefined && !Array.isArray(stimulus.tags)) issues.push({ path: `stimuli[${index}].tags`, message: 'is not a list' })
  })
  if (!isObject(value.trial)) issues.push({ path: 'trial', message: 'is not an object' })
  else {
    objects(value.trial.phases, 'trial.phases').forEach((phase, index) => {
      if (!phaseKinds.has(phase.kind as string)) issues.push({ path: `trial.phases[${index}].kind`, message: `must be one of ${[...phaseKinds].join(', ')}` })
      if (phase.kind === 'rating') objects(phase.scales, `trial.phases[${index}].scales`)
    })
  }
  objects(value.blocks, 'blocks').forEach((block, index) => {
    if (block.stimuli !== 'all' && !Array.isArray(block.stimuli)) issues.push({ path: `blocks[${index}].stimuli`, message: 'must be "all" or a list of stimulus ids' })
  })
  return issues
}
