import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseNpy } from '../../../src/shared/npy'
import type { RetrievalComparison } from '../../../src/shared/retrieval/report'
import { runCli } from '../../support/cli'
import { pulseAvailable, startPulse, type TestPulse } from '../../support/pulse'
import { useTempDirs } from '../../support/temp-dir'

const tempDir = useTempDirs()

if (!pulseAvailable) console.warn('skipping entrain demo: it plays the session through PulseAudio, and pulseaudio/parec are not installed')

describe.runIf(pulseAvailable)('entrain demo', () => {
  let pulse: TestPulse
  beforeAll(async () => (pulse = await startPulse()))
  afterAll(async () => pulse?.close())

  it('runs session, dataset, training, export, embeddings and retrieval end to end, with a progress bar per step', { timeout: 600_000 }, async () => {
    const out = path.join(await tempDir(), 'demo')
    const result = await runCli(['demo', '--out', out, '--json'], { PULSE_SERVER: pulse.server, ENTRAIN_DATA_DIR: await tempDir() })
    expect(result.code, result.stderr).toBe(0)
    for (const label of ['1/5 session', '2/5 dataset', '3/5 training', '4/5 embeddings', '5/5 retrieval']) expect(result.stderr).toContain(`${label} 100%`)
    const summary = JSON.parse(result.stdout) as {
      seconds: number
      session: string
      dataset: { windows: number }
      model: { folder: string }
      embeddings: string
      retrieval: RetrievalComparison
    }
    console.log(`entrain demo took ${summary.seconds} s`)

    const record = JSON.parse(await readFile(path.join(summary.session, 'session.json'), 'utf8')) as { status: string; trials: unknown[] }
    expect(record).toMatchObject({ status: 'completed' })
    expect(record.trials).toHaveLength(4)
    // Four 8-second tunes, a 1.5 s window every 0.5 s: 14 windows each.
    expect(summary.dataset.windows).toBe(4 * 14)

    const config = JSON.parse(await readFile(path.join(summary.model.folder, 'config.json'), 'utf8')) as { kind: string; views: { name: string }[] }
    expect(config.kind).toBe('audio-eeg')
    expect(await readFile(path.join(summary.model.folder, 'MODEL_CARD.md'), 'utf8')).toContain('fast')

    const embeddings = parseNpy(await readFile(summary.embeddings))
    expect(embeddings.shape).toEqual([4, 4])
    expect(Array.from(embeddings.data).every(Number.isFinite)).toBe(true)
    const rows = (await readFile(summary.embeddings.replace(/\.npy$/, '.rows.csv'), 'utf8')).trim().split('\n').slice(1)
    expect(rows.map((row) => path.basename(row.split(',')[0]!).replace(/\.\w+$/, '')).sort()).toEqual(['bright-fast', 'bright-slow', 'dark-fast', 'dark-slow'])

    // The model is compared with the descriptors on the generated songs, in both directions.
    const features = new Set(summary.retrieval.entries.map((entry) => entry.features))
    expect(features.size).toBeGreaterThanOrEqual(2)
    for (const entry of summary.retrieval.entries) {
      for (const direction of ['audioToText', 'textToAudio'] as const) {
        const iMRR = entry.result[direction].iMRR.mean
        expect(iMRR).toBeGreaterThan(0)
        expect(iMRR).toBeLessThanOrEqual(1)
      }
    }
  })
})
