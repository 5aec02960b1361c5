import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { EventHub } from '../../../src/main/events'
import { TrainerHost } from '../../../src/main/training/host'
import { TrainingService } from '../../../src/main/training/service'
import { parseDccaTraining } from '../../../src/shared/dcca-training'
import type { TrainingJob, TrainingStatus } from '../../../src/shared/training'
import { assertBuilt } from '../../support/cli'
import { writePairedViews } from '../../support/views'

const folder = mkdtempSync(path.join(os.tmpdir(), 'entrain-training-service-'))
const events = new EventHub()
const service = new TrainingService(new TrainerHost(), events)
afterAll(async () => {
  await service.close()
  rmSync(folder, { recursive: true, force: true })
})

const [x1, x2] = writePairedViews(folder, 'views', 1200, 1)
const job = (out: string, epochs: number): Extract<TrainingJob, { kind: 'dcca-fit' }> => ({
  kind: 'dcca-fit',
  x1,
  x2,
  out: path.join(folder, out),
  config: parseDccaTraining({ dims: 2, layers: [16], epochs, batchSize: 100, learningRate: 0.003 }),
  backend: { threads: 1 },
})

/** The statuses sent until one satisfies `until`. */
function statusesUntil(until: (status: TrainingStatus) => boolean): Promise<TrainingStatus[]> {
  const seen: TrainingStatus[] = []
  return new Promise((resolve) => {
    const unsubscribe = events.subscribe('training.progress', (status) => {
      seen.push(status)
      if (until(status)) {
        unsubscribe()
        resolve(seen)
      }
    })
  })
}

describe('TrainingService', () => {
  it('runs a job in the trainer process and sends its status: running with curves, then completed with the result', async () => {
    assertBuilt()
    const sent = statusesUntil((status) => status.state === 'completed' || status.state === 'failed')
    const started = Date.now()
    expect(service.start(job('model', 12)).state).toBe('running')
    expect(() => service.start(job('other', 1))).toThrow(/a training job is running/)
    const statuses = await sent
    const seconds = (Date.now() - started) / 1000
    const last = statuses.at(-1)!
    expect(last.problem).toBeNull()
    expect(last.state).toBe('completed')
    expect(last.backend).toMatch(/^wasm/)
    expect(last.trainerPid).not.toBe(process.pid)
    // 9 batches × 12 epochs: far more steps than statuses, at most ten a second plus one per epoch and state change.
    expect(statuses.length).toBeLessThanOrEqual(Math.ceil(seconds * 10) + 12 + 3)
    const running = statuses.filter((status) => status.state === 'running')
    expect(running.map((status) => status.curves[0]?.points.length ?? 0)).toEqual([...running.map((status) => status.curves[0]?.points.length ?? 0)].sort((a, b) => a - b))
    expect(running.some((status) => (status.curves[0]?.points.length ?? 0) >= 1)).toBe(true)
    expect(last.curves).toEqual([{ fit: 'validation split', points: last.result!.fits[0]!.history }])
    expect(last.curves[0]!.points).toHaveLength(12)
    expect(service.status()).toEqual(last)
    expect(existsSync(path.join(folder, 'model', 'metrics.json'))).toBe(true)
  })

  it('cancels on request and says so; the next job runs', async () => {
    const cancelled = statusesUntil((status) => status.state === 'cancelled' || status.state === 'failed')
    const firstStep = statusesUntil((status) => status.progress !== null)
    service.start(job('cancelled', 100_000))
    await firstStep
    expect(service.cancel().state).toBe('cancelling')
    const last = (await cancelled).at(-1)!
    expect(last.state).toBe('cancelled')
    expect(last.problem).toMatch(/^training cancelled after \d+ complete epochs?; nothing was written$/)
    expect(existsSync(path.join(folder, 'cancelled'))).toBe(false)
    expect(service.cancel().state).toBe('cancelled')

    const done = statusesUntil((status) => status.state === 'completed' || status.state === 'failed')
    service.start(job('after', 1))
    expect((await done).at(-1)!.state).toBe('completed')
  })

  it('reports a job that fails on its input', async () => {
    const failed = statusesUntil((status) => status.state === 'failed' || status.state === 'completed')
    service.start({ ...job('missing', 1), x1: path.join(folder, 'nowhere.npy') })
    const last = (await failed).at(-1)!
    expect(last.state).toBe('failed')
    expect(last.problem).toBe(`cannot read ${path.join(folder, 'nowhere.npy')}: no such file`)
  })
})
