import path from 'node:path'
import type { SessionStatus, SessionSummary } from '../../shared/contract'
import { EntrainError } from '../../shared/errors'
import type { EventHub } from '../events'
import { studyFileName } from '../store/study-folder'
import { lockHolder, readSessionRecord, sessionFolders } from './files'
import { SessionRunner, type SessionEnvironment, type SessionOptions } from './runner'

/**
 * The one session of the app (or the browser test host): prepared, run and controlled through the
 * contract, its status and log lines sent as events.
 */
export class SessionService {
  private runner: SessionRunner | null = null

  constructor(
    private readonly env: SessionEnvironment,
    private readonly events: EventHub,
  ) {}

  /** Sessions under a study folder's sessions/, newest first. */
  async list(studyFolder: string): Promise<SessionSummary[]> {
    const found: SessionSummary[] = []
    for (const folder of await sessionFolders(studyFolder)) {
      const record = await readSessionRecord(folder).catch(() => null)
      if (!record) continue
      const runningHere = this.runner?.sessionFolder === folder && ['ready', 'running', 'paused'].includes(this.runner.status().state)
      const busy = runningHere || (await lockHolder(folder)) !== null
      found.push({
        folder,
        participant: record.participant,
        session: record.session,
        status: record.status,
        simulated: record.simulated,
        completed: record.trials.length,
        total: record.sequence.length,
        updatedAt: record.updatedAt,
        resumable: record.status !== 'completed' && !busy,
      })
    }
    return found.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
  }

  async prepare(input: { path: string; participant: string; session: number; simulate: boolean; resume: boolean }): Promise<SessionStatus> {
    const state = this.runner?.status().state
    if (state === 'running' || state === 'paused') throw new EntrainError('INVALID_INPUT', 'a session is under way; abort it before preparing another')
    await this.close()
    this.runner = await SessionRunner.open(this.env, {
      studyFile: path.join(input.path, studyFileName),
      participant: input.participant,
      session: input.session,
      simulate: input.simulate,
      resume: input.resume,
      onStatus: (status) => this.events.emit('session.changed', status),
      onLog: (line) => this.events.emit('session.log', line),
    } satisfies SessionOptions)
    await this.runner.preflight()
    return this.runner.status()
  }

  async start(): Promise<SessionStatus> {
    const runner = this.require()
    await runner.start()
    return runner.status()
  }

  control(action: 'pause' | 'resume' | 'skip' | 'abort'): SessionStatus {
    const runner = this.require()
    runner[action]()
    return runner.status()
  }

  respond(trial: number, scale: string, value: number): SessionStatus {
    const runner = this.require()
    runner.respond(trial, scale, value)
    return runner.status()
  }

  status(): SessionStatus | null {
    return this.runner?.status() ?? null
  }

  /** Lets go of the session (aborting it if it runs). */
  async close(): Promise<{ closed: boolean }> {
    const runner = this.runner
    this.runner = null
    if (!runner) return { closed: false }
    await runner.close()
    this.events.emit('session.changed', null)
    return { closed: true }
  }

  private require(): SessionRunner {
    if (!this.runner) throw new EntrainError('INVALID_INPUT', 'no session is prepared; choose a participant and run the pre-flight check first')
    return this.runner
  }
}
