/**
 * session.json: what a session is and how far it got. It is rewritten atomically after every
 * trial, so after a crash it says exactly which trials were completed; events.tsv is derived from
 * it. Read back with a schema, because a resumed session must not trust a damaged file.
 */
import { z } from 'zod'
import { formatPath } from '../study/check'
import type { SessionEvent } from './events'

export const sessionFormat = 'entrain-session'
export const sessionVersion = 1

const plannedTrial = z.object({
  index: z.number().int().min(0),
  block: z.string(),
  repetition: z.number().int().min(1),
  stimulus: z.string(),
  breakBefore: z.boolean(),
})

const part = z.object({
  part: z.number().int().min(1),
  /** The XDF file, relative to the session folder. */
  file: z.string(),
  /** Wall-clock time the part started (metadata only). */
  startedAt: z.string(),
  /** LSL clock when its recording started: events.tsv onsets count from here. */
  clockStart: z.number(),
  streams: z.array(z.object({ name: z.string(), type: z.string(), key: z.string() })),
})

const completedTrial = z.object({
  index: z.number().int().min(0),
  stimulus: z.string(),
  status: z.enum(['completed', 'skipped']),
  part: z.number().int().min(1),
  /** DAC time of the stimulus onset (LSL clock); null when skipped before it played. */
  onset: z.number().nullable(),
  ratings: z.record(z.string(), z.number()),
})

export const sessionStatuses = ['running', 'paused', 'completed', 'aborted'] as const

export const sessionRecordSchema = z.object({
  format: z.literal(sessionFormat),
  version: z.literal(sessionVersion),
  study: z.object({ name: z.string(), file: z.string(), sha256: z.string() }),
  participant: z.string(),
  session: z.number().int().min(1),
  /** The seed of every random choice of this session (from study seed, participant, session). */
  seed: z.number().int(),
  simulated: z.boolean(),
  status: z.enum(sessionStatuses),
  createdAt: z.string(),
  updatedAt: z.string(),
  software: z.record(z.string(), z.string()),
  audio: z.object({ device: z.string(), rate: z.number(), latencyMs: z.number() }).nullable(),
  sequence: z.array(plannedTrial),
  parts: z.array(part),
  trials: z.array(completedTrial),
  /** Every event of the completed trials and of the session itself (SessionEvent). */
  events: z.array(
    z.custom<SessionEvent>((value) => {
      const event = value as Partial<SessionEvent> | null
      return typeof event === 'object' && event !== null && typeof event.event === 'string' && typeof event.time === 'number' && typeof event.part === 'number'
    }, 'must be an event with event, time and part'),
  ),
})

export type SessionRecord = z.infer<typeof sessionRecordSchema>
export type SessionPart = SessionRecord['parts'][number]
export type CompletedTrial = SessionRecord['trials'][number]

export function parseSessionRecord(value: unknown): { ok: true; record: SessionRecord } | { ok: false; problem: string } {
  const parsed = sessionRecordSchema.safeParse(value)
  if (parsed.success) return { ok: true, record: parsed.data }
  const [issue] = parsed.error.issues
  return { ok: false, problem: `${formatPath(issue!.path) || '(the file)'}: ${issue!.message}` }
}

/** The first trial of the sequence that is neither completed nor skipped; null when all are done. */
export function nextTrialIndex(record: Pick<SessionRecord, 'sequence' | 'trials'>): number | null {
  const done = new Set(record.trials.map((trial) => trial.index))
  return record.sequence.find((trial) => !done.has(trial.index))?.index ?? null
}

/** Why `participant` cannot name a session folder (BIDS labels are letters and digits), or null. */
export function participantProblem(participant: string): string | null {
  if (!/^[A-Za-z0-9]{1,64}$/.test(participant)) return `the participant label must be 1–64 letters and digits (BIDS), not "${participant}"`
  return null
}

/** `sub-01/ses-01`: the session's folder under the study's sessions/ (two-digit session numbers). */
export function sessionFolderName(participant: string, session: number): string {
  return `sub-${participant}/ses-${String(session).padStart(2, '0')}`
}

/** The part's XDF name: recording.xdf, then recording-part2.xdf, … after resumes. */
export function partFileName(part: number): string {
  return part === 1 ? 'recording.xdf' : `recording-part${part}.xdf`
}
