/**
 * The host side of the trainer process (src/trainer/index.ts): starts it when the first job comes,
 * hands it jobs one at a time (training jobs and retrieval evaluations), forwards their backend,
 * stage and progress events, cancels them, and notices when the process dies under a job (the job
 * fails with what happened; the next job starts a new process). Each host has its own process: the
 * app's training and its retrieval evaluations have one each, so they run side by side. How the
 * process is started is injected: a forked Node child here (CLI, tests, browser host), an Electron
 * utilityProcess in the app (src/main/trainer-process.ts).
 */
import { fork } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { EntrainError } from '../../shared/errors'
import type { TrainingProgress, TrainingStage } from '../../shared/training'
import type { TrainerJob, TrainerReply, TrainerRequest, TrainerResult } from '../../trainer/protocol'
import { workerFile } from '../paths'

/** A started trainer process, whatever started it. */
export interface TrainerProcess {
  readonly pid: number | undefined
  send(message: TrainerRequest): void
  onMessage(listener: (message: TrainerReply) => void): void
  /** Once, when the process has gone; `how` says how ("exit code 1", "signal SIGKILL"). */
  onExit(listener: (how: string) => void): void
  kill(): void
}

export type TrainerLauncher = (entry: string) => TrainerProcess

/** The trainer as a Node child process, with the host's stdout and stderr. */
export const forkTrainer: TrainerLauncher = (entry) => {
  const child = fork(entry, [], { stdio: 'inherit', serialization: 'advanced' })
  return {
    get pid() {
      return child.pid
    },
    send: (message) => {
      if (child.connected) child.send(message)
    },
    onMessage: (listener) => child.on('message', (message) => listener(message as TrainerReply)),
    onExit: (listener) => child.once('exit', (code, signal) => listener(signal ? `signal ${signal}` : `exit code ${code}`)),
    kill: () => child.kill(),
  }
}

export interface JobListeners {
  onBackend?: (backend: { description: string; skipped: string[] }) => void
  onStage?: (stage: TrainingStage) => void
  onProgress?: (progress: TrainingProgress) => void
}

interface RunningJob extends JobListeners {
  id: string
  /** Its start message went out. A cancel sent before it would reach the trainer before the job, which would then run on. */
  sent: boolean
  cancelled: boolean
  resolve(result: TrainerResult): void
  reject(error: Error): void
}

interface TrainerHandle {
  handle: TrainerProcess
  ready: Promise<void>
  /** The backend request of the process's first job, which chose its backend for good. */
  backend: string
}

export class TrainerHost {
  private process: TrainerHandle | null = null
  private job: RunningJob | null = null

  constructor(
    private readonly launch: TrainerLauncher = forkTrainer,
    private readonly entry: string = workerFile('trainer'),
  ) {}

  /** The trainer process's id, while one runs. */
  get pid(): number | null {
    return this.process?.handle.pid ?? null
  }

  get busy(): boolean {
    return this.job !== null
  }

  /** Runs a job in the trainer process; rejects with CANCELLED after `cancel()`, and when the process dies. */
  async run<J extends TrainerJob>(job: J, listeners: JobListeners = {}): Promise<TrainerResult<J>> {
    if (this.job) throw new EntrainError('CONFLICT', 'the trainer process is running another job; cancel it or wait for it to end')
    const id = randomUUID()
    // The trainer answers a job with its own kind's result (src/trainer/jobs.ts), which the message's type cannot say.
    const result = new Promise<TrainerResult<J>>((resolve, reject) => (this.job = { id, ...listeners, sent: false, cancelled: false, resolve: resolve as (result: TrainerResult) => void, reject }))
    try {
      // A process keeps the backend its first job chose (tfjs's choice, wasm's thread pool): a job that asks for another gets a new process.
      const backend = 'backend' in job ? `${job.backend?.backend ?? 'auto'}, ${job.backend?.threads ?? 'default'} threads` : null
      if (this.process && backend !== null && this.process.backend !== backend) await this.stopProcess()
      const trainer = this.started(backend ?? 'auto, default threads')
      await trainer.ready
      // A process that died during the handshake has failed the job already.
      const running = this.job as RunningJob | null
      if (running?.id === id) {
        trainer.handle.send({ type: 'start', id, job })
        running.sent = true
        if (running.cancelled) trainer.handle.send({ type: 'cancel', id })
      }
    } catch (error) {
      this.settle(id, (running) => running.reject(error as Error))
    }
    return result
  }

  /** Asks the running job to stop between two steps (a job still starting, as soon as it starts); false when none runs. */
  cancel(): boolean {
    if (!this.job) return false
    this.job.cancelled = true
    if (this.job.sent) this.process?.handle.send({ type: 'cancel', id: this.job.id })
    return true
  }

  /** Ends the trainer process (a running job fails with CANCELLED). */
  async shutdown(): Promise<void> {
    if (!this.process) return
    if (this.job) this.settle(this.job.id, (running) => running.reject(new EntrainError('CANCELLED', 'the job stopped unfinished: Entrain is closing')))
    await this.stopProcess()
  }

  private async stopProcess(): Promise<void> {
    const trainer = this.process
    if (!trainer) return
    // Let go first: its exit then fails no job (a job may be starting on a new process).
    this.process = null
    const exited = new Promise<void>((resolve) => trainer.handle.onExit(() => resolve()))
    trainer.handle.send({ type: 'shutdown' })
    const timer = setTimeout(() => trainer.handle.kill(), 5000)
    await exited
    clearTimeout(timer)
  }

  private started(backend: string): TrainerHandle {
    if (this.process) return this.process
    const handle = this.launch(this.entry)
    let ready!: () => void
    let gone!: (error: Error) => void
    const trainer = { handle, backend, ready: new Promise<void>((resolve, reject) => ((ready = resolve), (gone = reject))) }
    this.process = trainer
    handle.onMessage((message) => {
      if (message.type === 'ready') ready()
      else this.receive(message)
    })
    handle.onExit((how) => {
      const error = new EntrainError('INTERNAL', `the trainer process stopped unexpectedly (${how}); nothing was saved — start the job again`)
      gone(error)
      // A process this host has let go of (stopProcess) fails no job.
      if (this.process !== trainer) return
      this.process = null
      if (this.job) this.settle(this.job.id, (running) => running.reject(error))
    })
    handle.send({ type: 'hello' })
    return trainer
  }

  private receive(message: Exclude<TrainerReply, { type: 'ready' }>): void {
    const running = this.job
    // Messages of a job that has been settled (cancelled by shutdown) are late; they are dropped.
    if (!running || running.id !== message.id) return
    if (message.type === 'backend') running.onBackend?.({ description: message.description, skipped: message.skipped })
    else if (message.type === 'stage') running.onStage?.(message.stage)
    else if (message.type === 'progress') running.onProgress?.(message.progress)
    else if (message.type === 'done') this.settle(message.id, (job) => job.resolve(message.result))
    else this.settle(message.id, (job) => job.reject(EntrainError.fromInfo(message.error)))
  }

  private settle(id: string, how: (job: RunningJob) => void): void {
    if (this.job?.id !== id) return
    const job = this.job
    this.job = null
    how(job)
  }
}
