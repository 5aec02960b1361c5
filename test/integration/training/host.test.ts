import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { afterAll, describe, expect, it } from 'vitest'
import { TrainerHost } from '../../../src/main/training/host'
import { parseDccaTraining, type DccaTrainingConfig } from '../../../src/shared/dcca-training'
import type { EntrainError } from '../../../src/shared/errors'
import type { TrainingJob, TrainingProgress } from '../../../src/shared/training'
import { assertBuilt } from '../../support/cli'
import { writePairedViews } from '../../support/views'

const folder = mkdtempSync(path.join(os.tmpdir(), 'entrain-trainer-host-'))
const host = new TrainerHost()
afterAll(async () => {
  await host.shutdown()
  rmSync(folder, { recursive: true, force: true })
})

const [smallA, smallB] = writePairedViews(folder, 'small', 1200, 1)
const small = parseDccaTraining({ dims: 2, layers: [32, 32], epochs: 4, batchSize: 200, learningRate: 0.003, seed: 4 })
const job = (out: string, config: Partial<DccaTrainingConfig> = {}, views: [string, string] = [smallA, smallB]): TrainingJob => ({
  kind: 'dcca-fit',
  x1: views[0],
  x2: views[1],
  out: path.join(folder, out),
  config: { ...small, ...config },
  backend: { threads: 1 },
})

/** Resolves after `count` progress events of a job started with these listeners. */
function afterProgress(count: number): { onProgress: (progress: TrainingProgress) => void; reached: Promise<TrainingProgress> } {
  let seen = 0
  let reach!: (progress: TrainingProgress) => void
  return {
    reached: new Promise((resolve) => (reach = resolve)),
    onProgress: (progress) => {
      if (++seen === count) reach(progress)
    },
  }
}

describe('TrainerHost with the real trainer process', () => {
  it('runs a job in a child process: backend, progress per step, the result and the model folder', async () => {
    assertBuilt()
    const events: TrainingProgress[] = []
    let backend = ''
    const result = await host.run(job('first'), { onBackend: (choice) => (backend = choice.description), onProgress: (progress) => events.push(progress) })
    expect(host.pid).not.toBe(process.pid)
    expect(backend).toMatch(/^wasm \(XNNPACK, SIMD, 1 thread/)
    expect(result.backend).toBe(backend)
    // 1200 rows, 20 % held out: 960 training rows, 4 batches of 200 per epoch.
    expect(events).toHaveLength(16)
    expect(events.map((event) => `${event.epoch}.${event.batch}`)).toEqual([1, 2, 3, 4].flatMap((epoch) => [1, 2, 3, 4].map((batch) => `${epoch}.${batch}`)))
    expect(events.every((event) => event.fit === 'validation split' && event.epochs === 4 && event.batches === 4 && Number.isFinite(event.loss) && event.etaSeconds >= 0)).toBe(true)
    expect(events[4]!.validationCorrelation).toBe(result.fits[0]!.history[0]!.validationCorrelation)
    expect(result.fits[0]!.history).toHaveLength(4)
    expect(result.correlations).toHaveLength(2)
    expect(existsSync(path.join(folder, 'first', 'config.json'))).toBe(true)
  })

  it('cancels a job between steps, writes nothing, and the same process takes the next job', async () => {
    const pid = host.pid
    const progress = afterProgress(3)
    const cancelled = host.run(job('cancelled', { epochs: 10_000 }), { onProgress: progress.onProgress })
    await progress.reached
    expect(host.cancel()).toBe(true)
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED', message: expect.stringMatching(/^training cancelled after \d+ complete epochs?; nothing was written$/) })
    expect(existsSync(path.join(folder, 'cancelled'))).toBe(false)
    expect(host.cancel()).toBe(false)

    // A job that fails on its input leaves the process as usable as a cancelled one.
    const refused = await host.run(job('first')).catch((error: EntrainError) => error)
    expect(refused).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('already exists') })

    const second = await host.run(job('after-cancel', { epochs: 2 }))
    expect(second.fits[0]!.epochs).toBe(2)
    expect(host.pid).toBe(pid)
  })

  it('refuses a second job while one runs', async () => {
    const progress = afterProgress(1)
    const running = host.run(job('long', { epochs: 10_000 }), { onProgress: progress.onProgress })
    await expect(host.run(job('other'))).rejects.toMatchObject({ code: 'CONFLICT' })
    await progress.reached
    host.cancel()
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' })
  })

  it('reports a trainer that dies under a job, and starts a new one for the next job', async () => {
    const progress = afterProgress(2)
    const running = host.run(job('crashed', { epochs: 10_000 }), { onProgress: progress.onProgress })
    await progress.reached
    const pid = host.pid!
    process.kill(pid, 'SIGKILL')
    await expect(running).rejects.toMatchObject({ code: 'INTERNAL', message: 'the trainer process stopped unexpectedly (signal SIGKILL); nothing was saved — start the job again' })
    expect(host.pid).toBeNull()
    expect(existsSync(path.join(folder, 'crashed'))).toBe(false)

    const next = await host.run(job('after-crash', { epochs: 1 }))
    expect(next.fits[0]!.epochs).toBe(1)
    expect(host.pid).not.toBe(pid)
  })

  it('starts a new process for a job that asks for another backend, since a process keeps the one it chose first', async () => {
    const same = await host.run(job('same-backend', { epochs: 1 }))
    const pid = host.pid
    const pure = await host.run({ ...job('pure-js', { layers: [8], epochs: 1 }), backend: { backend: 'cpu' } })
    expect(pure.backend).toMatch(/^cpu/)
    expect(host.pid).not.toBe(pid)
    const back = await host.run(job('wasm-again', { epochs: 1 }))
    expect(back.backend).toBe(same.backend)
  })

  it("keeps the host's event loop free while a job trains: its longest stall is far below one training step", async () => {
    // Heavier steps (two 1024-wide layers on 200 inputs, batch 1000): run on this loop, each would stall it for the whole step.
    const views = writePairedViews(folder, 'wide', 2000, 2, 200)
    const monitor = monitorEventLoopDelay({ resolution: 5 })
    const progress = afterProgress(6)
    let first: TrainingProgress | null = null
    const running = host.run(job('wide', { dims: 10, layers: [1024, 1024], batchSize: 1000, validationSplit: 0.1, epochs: 10_000 }, views), {
      onProgress: (event) => {
        first ??= event
        if (first === event) monitor.enable()
        progress.onProgress(event)
      },
    })
    const last = await progress.reached
    monitor.disable()
    host.cancel()
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED' })

    const stepSeconds = (last.elapsedSeconds - first!.elapsedSeconds) / 5
    const longestStall = monitor.max / 1e9
    const p99 = monitor.percentile(99) / 1e9
    console.info(`training step ${(stepSeconds * 1000).toFixed(0)} ms; host event loop delay p99 ${(p99 * 1000).toFixed(1)} ms, max ${(longestStall * 1000).toFixed(1)} ms`)
    expect(longestStall).toBeLessThan(stepSeconds / 2)
    expect(p99).toBeLessThan(stepSeconds / 4)
  }, 60_000)
})
