import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { TrainerHost } from '../../../src/main/training/host'
import { utilityTrainer } from '../../../src/main/trainer-process'
import { parseDccaTraining } from '../../../src/shared/dcca-training'
import type { TrainingProgress } from '../../../src/shared/training'
import { assertBuilt } from '../../support/cli'
import { writePairedViews } from '../../support/views'

// Electron's utilityProcess needs the Electron binary; the stand-in forks the real trainer with a `process.parentPort`.
vi.mock('electron', () => import('../../support/electron/utility-process'))

const folder = mkdtempSync(path.join(os.tmpdir(), 'entrain-utility-trainer-'))
const host = new TrainerHost(utilityTrainer)
afterAll(async () => {
  await host.shutdown()
  rmSync(folder, { recursive: true, force: true })
})

describe("the app's trainer launcher (Electron utilityProcess adapter)", () => {
  it('runs a job in the trainer over the parent port: progress, result, cancel, and a process that dies', async () => {
    assertBuilt()
    const [a, b] = writePairedViews(folder, 'views', 600, 2)
    const config = parseDccaTraining({ dims: 2, layers: [16], epochs: 3, batchSize: 100, seed: 1 })
    const events: TrainingProgress[] = []
    const result = await host.run({ kind: 'dcca-fit', x1: a, x2: b, out: path.join(folder, 'model'), config, backend: { threads: 1 } }, { onProgress: (event) => events.push(event) })
    expect(host.pid).not.toBeNull()
    expect(host.pid).not.toBe(process.pid)
    expect(result.fits[0]!.history).toHaveLength(3)
    expect(events.length).toBe(3 * 4)

    const long = host.run({ kind: 'dcca-fit', x1: a, x2: b, out: path.join(folder, 'cancelled'), config: { ...config, epochs: 500 }, backend: { threads: 1 } }, { onProgress: () => host.cancel() })
    await expect(long).rejects.toMatchObject({ code: 'CANCELLED' })

    const pid = host.pid!
    const dying = host.run({ kind: 'dcca-fit', x1: a, x2: b, out: path.join(folder, 'killed'), config: { ...config, epochs: 500 }, backend: { threads: 1 } }, { onProgress: () => process.kill(pid, 'SIGKILL') })
    await expect(dying).rejects.toThrow(/the trainer process stopped unexpectedly \(exit code/)
    expect(host.pid).toBeNull()
  })
})
