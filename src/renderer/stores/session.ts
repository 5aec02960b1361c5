import { reactive } from 'vue'
import type { LogLine, RequestInput, SessionStatus, SessionSummary } from '../../shared/contract'
import { sessionFolderName } from '../../shared/session/record'
import { call, on } from '../api/client'

/** Lines of the session log kept for the dashboard (log.jsonl in the session folder keeps them all). */
const logLimit = 1000

/**
 * The session as the Session view shows it. It lives here rather than in the view, so that the log
 * keeps growing while the experimenter looks at another view.
 */
export const session = reactive({
  /** The prepared, running or finished session; null when none is open. */
  status: null as SessionStatus | null,
  log: [] as LogLine[],
  /** The sessions already in the open study's folder. */
  existing: [] as SessionSummary[],
})

let started = false

export async function startSessionStore(): Promise<void> {
  if (started) return
  started = true
  on('session.changed', (status) => (session.status = status))
  on('session.log', (line) => {
    session.log.push(line)
    if (session.log.length > logLimit) session.log.splice(0, session.log.length - logLimit)
  })
  session.status = await call('session.status', {})
}

export async function listSessions(studyFolder: string): Promise<void> {
  session.existing = await call('session.list', { path: studyFolder })
}

/** Opens a session (a new one, or an unfinished one to resume) and runs its pre-flight checks. */
export async function prepareSession(input: RequestInput<'session.prepare'>): Promise<void> {
  session.log = []
  session.status = await call('session.prepare', input)
}

/** Lets go of the session and lists the study's sessions again (the one just run among them). */
export async function closeSession(studyFolder: string | null): Promise<void> {
  await call('session.close', {})
  session.status = null
  session.log = []
  if (studyFolder) await listSessions(studyFolder)
}

/** "sub-01 ses-02", as the session's folder is named. */
export const sessionName = (participant: string, number: number): string => sessionFolderName(participant, number).replace('/', ' ')
