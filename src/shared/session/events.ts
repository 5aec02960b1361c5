/**
 * What happens in a session, as the runner publishes it (LSL marker streams, one JSON object per
 * sample, timestamped in the LSL clock), keeps it (session.json, log.jsonl) and hands it on
 * (events.tsv, BIDS-style). One event type serves all four, so they cannot disagree.
 */
import type { MarkerEvent } from '../audio/markers'

export type PhaseName = 'break' | 'baseline' | 'fixation' | 'stimulus' | 'rating' | 'rest'

interface Common {
  /** LSL clock: for stimulus events the DAC time of the onset frame, otherwise when main acted. */
  time: number
  /** Which recording part (1, 2, … after resumes) was running. */
  part: number
}

interface OfTrial {
  /** 0-based position in the realised sequence. */
  trial: number
  stimulus: string
}

export type SessionEvent = Common &
  (
    | { event: 'session_start' | 'session_resume'; participant: string; session: number }
    | { event: 'session_end'; status: 'completed' | 'aborted' }
    | ({ event: 'phase'; phase: PhaseName; seconds?: number } & OfTrial)
    | ({ event: MarkerEvent['event']; file: string; frame: number; underruns?: number } & OfTrial)
    | ({ event: 'response'; scale: string; value: number; responseSeconds: number } & OfTrial)
    | ({ event: 'pause' | 'resume' | 'skip' | 'trial_end' } & OfTrial)
    | { event: 'abort'; trial: number | null }
    | { event: 'error'; message: string; trial: number | null }
  )

export type SessionEventName = SessionEvent['event']

/** One line of a session's log.jsonl (and of the Session view's log). */
export interface LogLine {
  /** Wall-clock time, for people reading the log. */
  at: string
  level: 'info' | 'warn' | 'error'
  message: string
  /** The event, when the line records one (with its LSL time). */
  event?: SessionEvent
}

/** The marker streams a session publishes besides the audio engine's stimulus markers. */
export const sessionStreams = {
  /** Phases, pauses, skips, errors, start and end. */
  events: { name: 'EntrainSession', type: 'Markers' },
  /** The participant's answers. */
  ratings: { name: 'EntrainRatings', type: 'Ratings' },
} as const

/** The JSON text of a marker sample: the event without its time (the LSL timestamp) and part. */
export function sessionMarkerPayload(event: SessionEvent): string {
  const { time: _time, part: _part, ...payload } = event
  return JSON.stringify(payload)
}

/** A marker of the session streams back from its text, timestamp and part; null for other texts. */
export function parseSessionMarker(text: string, time: number, part: number): SessionEvent | null {
  try {
    const value = JSON.parse(text) as { event?: unknown }
    if (typeof value !== 'object' || value === null || typeof value.event !== 'string') return null
    return { ...(value as object), time, part } as SessionEvent
  } catch {
    return null
  }
}

export const eventsColumns = ['onset', 'duration', 'trial_type', 'trial', 'block', 'stim_file', 'stimulus', 'scale', 'value', 'response_time', 'recording'] as const

export interface EventsTableContext {
  /** LSL time at which each part's recording started, by part number. */
  partStart: (part: number) => number
  /** The part's XDF file name, by part number. */
  partFile: (part: number) => string
  /** The block of each trial. */
  blockOf: (trial: number) => string
  /** The stimulus file as written in study.json (relative to the study folder). */
  stimulusFile: (stimulus: string) => string
  /** The rating-scale ids of the study, each becoming a column with that trial's answer. */
  scales: string[]
}

const number = (value: number | undefined, digits: number) => (value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits))
const cell = (text: string | number | undefined) => (text === undefined || text === '' ? 'n/a' : String(text).replace(/[\t\r\n]/g, ' '))

/**
 * events.tsv: one row per event, ordered by time. `onset` is seconds from the start of the
 * recording part the event belongs to (named in `recording`), as BIDS wants it relative to its
 * data file. Phases last until the next event of their trial; a stimulus from onset to offset.
 * Every stimulus_onset row carries that trial's answers in one column per scale; each answer is
 * also a `response` row of its own, at the moment it was given.
 */
export function eventsTsv(events: SessionEvent[], context: EventsTableContext): string {
  const ordered = [...events].sort((a, b) => a.part - b.part || a.time - b.time)
  const answers = new Map<number, Map<string, number>>()
  for (const event of ordered) {
    if (event.event !== 'response') continue
    const trialAnswers = answers.get(event.trial) ?? new Map<string, number>()
    trialAnswers.set(event.scale, event.value)
    answers.set(event.trial, trialAnswers)
  }
  const duration = (index: number): number | undefined => {
    const event = ordered[index]!
    if (!('trial' in event) || event.trial === null) return undefined
    if (event.event === 'stimulus_onset') {
      const end = ordered.find((other, at) => at > index && 'trial' in other && other.trial === event.trial && (other.event === 'stimulus_offset' || other.event === 'stimulus_stopped'))
      return end && end.time - event.time
    }
    if (event.event !== 'phase') return 0
    const next = ordered.find((other, at) => at > index && other.part === event.part && other.event !== 'response' && !other.event.startsWith('stimulus_'))
    return next ? next.time - event.time : undefined
  }
  const header = [...eventsColumns, ...context.scales]
  const rows = ordered.map((event, index) => {
    const trial = 'trial' in event && event.trial !== null ? event.trial : undefined
    const stimulus = 'stimulus' in event ? event.stimulus : undefined
    const trialAnswers = event.event === 'stimulus_onset' ? answers.get(event.trial) : undefined
    return [
      number(event.time - context.partStart(event.part), 6),
      number(duration(index), 6),
      event.event === 'phase' ? event.phase : event.event,
      cell(trial),
      cell(trial === undefined ? undefined : context.blockOf(trial)),
      cell(stimulus === undefined ? undefined : context.stimulusFile(stimulus)),
      cell(stimulus),
      cell(event.event === 'response' ? event.scale : undefined),
      cell(event.event === 'response' ? event.value : undefined),
      number(event.event === 'response' ? event.responseSeconds : undefined, 3),
      cell(context.partFile(event.part)),
      ...context.scales.map((scale) => cell(trialAnswers?.get(scale))),
    ].join('\t')
  })
  return `${[header.join('\t'), ...rows].join('\n')}\n`
}

/** The rows of a TSV file as objects keyed by its header (events.tsv as written above). */
export function parseTsv(text: string): Record<string, string>[] {
  const [header, ...rows] = text.replace(/\r/g, '').trimEnd().split('\n')
  if (!header) return []
  const names = header.split('\t')
  return rows.filter((row) => row !== '').map((row) => Object.fromEntries(row.split('\t').map((value, index) => [names[index] ?? `column${index + 1}`, value])))
}

/** Every answer in an events.tsv, by stimulus and scale, stimuli in the order they were first rated. */
export function ratingsFromEvents(rows: readonly Record<string, string>[]): { stimulus: string; answers: Record<string, number[]> }[] {
  const byStimulus = new Map<string, Record<string, number[]>>()
  for (const row of rows) {
    if (row.trial_type !== 'response' || !row.stimulus || row.stimulus === 'n/a' || !row.scale || row.scale === 'n/a') continue
    const value = Number(row.value)
    if (!Number.isFinite(value)) continue
    const answers = byStimulus.get(row.stimulus) ?? {}
    ;(answers[row.scale] ??= []).push(value)
    byStimulus.set(row.stimulus, answers)
  }
  return [...byStimulus].map(([stimulus, answers]) => ({ stimulus, answers }))
}
