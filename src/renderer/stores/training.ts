import { reactive } from 'vue'
import type { TrainingJobInput, TrainingStatus } from '../../shared/contract'
import { idleTrainingStatus } from '../../shared/training'
import { call, on } from '../api/client'

/**
 * The training job as the Training view shows it. It lives here rather than in the view, so that
 * the curves keep growing while the experimenter looks at another view.
 */
export const training = reactive({ status: idleTrainingStatus as TrainingStatus })

let started = false

export async function startTrainingStore(): Promise<void> {
  if (started) return
  started = true
  on('training.progress', (status) => (training.status = status))
  training.status = await call('training.status', {})
}

export async function startTraining(job: TrainingJobInput): Promise<void> {
  training.status = await call('training.start', { job })
}

export async function cancelTraining(): Promise<void> {
  training.status = await call('training.cancel', {})
}

export const isTraining = (status: TrainingStatus): boolean => status.state === 'running' || status.state === 'cancelling'
