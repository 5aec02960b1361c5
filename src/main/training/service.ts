/**
 * The app's training: one job at a time in the trainer process (through TrainerHost), its status
 * and live curves sent as `training.progress` events. Progress arrives once per training step; the
 * view gets at most ten updates a second, and every change of state or epoch at once.
 */
import { EntrainError } from '../../shared/errors'
import { EpochCurves, idleTrainingStatus, type TrainingJob, type TrainingStatus } from '../../shared/training'
import type { EventHub } from '../events'
import type { TrainerHost } from './host'

const updateInterval = 100

export class TrainingService {
  private current: TrainingStatus = idleTrainingStatus
  private curves = new EpochCurves()
  private lastSent = 0
  private pending: NodeJS.Timeout | null = null

  constructor(
    private readonly host: TrainerHost,
    private readonly events: EventHub,
  ) {}

  status(): TrainingStatus {
    return this.current
  }

  /** Starts the job and returns at once; its end comes as an event (and in `status`). */
  start(job: TrainingJob): TrainingStatus {
    if (this.host.busy) throw new EntrainError('CONFLICT', 'a training job is running; cancel it or wait for it to end')
    this.curves = new EpochCurves()
    this.update({ ...idleTrainingStatus, state: 'running', job, startedAt: new Date().toISOString() })
    this.host
      .run(job, {
        onBackend: ({ description }) => this.update({ backend: description, trainerPid: this.host.pid }),
        onStage: (stage) => this.update({ stage, trainerPid: this.host.pid }, this.current.stage?.name === stage.name),
        onProgress: (progress) => {
          const epochChanged = this.current.progress?.epoch !== progress.epoch || this.current.progress.fit !== progress.fit
          this.curves.add(progress)
          // The curves change only when an epoch closes, which is when the epoch changes.
          this.update({ progress, stage: null, ...(epochChanged ? { curves: this.curves.curves.map((curve) => ({ fit: curve.fit, points: [...curve.points] })) } : {}) }, !epochChanged)
        },
      })
      .then(
        (result) => {
          this.curves.finish(result.fits)
          this.update({ state: 'completed', result, stage: null, curves: this.curves.curves, trainerPid: this.host.pid })
        },
        (error: EntrainError) => this.update({ state: error.code === 'CANCELLED' ? 'cancelled' : 'failed', problem: error.message, trainerPid: this.host.pid }),
      )
    return this.current
  }

  cancel(): TrainingStatus {
    if (this.current.state === 'running' && this.host.cancel()) this.update({ state: 'cancelling' })
    return this.current
  }

  async close(): Promise<void> {
    if (this.pending) clearTimeout(this.pending)
    await this.host.shutdown()
  }

  /** Applies a change; a mere progress step is sent at most every 100 ms, anything else at once. */
  private update(change: Partial<TrainingStatus>, throttled = false): void {
    this.current = { ...this.current, ...change }
    const wait = this.lastSent + updateInterval - Date.now()
    if (throttled && wait > 0) {
      this.pending ??= setTimeout(() => this.send(), wait)
      return
    }
    this.send()
  }

  private send(): void {
    if (this.pending) clearTimeout(this.pending)
    this.pending = null
    this.lastSent = Date.now()
    this.events.emit('training.progress', this.current)
  }
}
