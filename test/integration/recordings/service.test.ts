import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { EventHub } from '../../../src/main/events'
import { RecordingsService } from '../../../src/main/recordings/service'
import { requests, type ExportProgressEvent } from '../../../src/shared/contract'
import { useTempDirs } from '../../support/temp-dir'
import { seededRandom } from '../../unit/shared/xdf/helpers'
import { writeTestXdf } from '../../support/xdf'

const tempDir = useTempDirs()
const rate = 250
const seconds = 60
const start = 2000
const channels = 4
const onsets = Array.from({ length: 28 }, (_, i) => ({ time: start + 1 + i * 2, condition: i % 2 ? 'B' : 'A' }))
onsets.push({ time: start + seconds - 0.2, condition: 'A' }) // its epoch runs past the end
const noise = seededRandom(9)
const noiseTable = Float32Array.from({ length: rate * seconds * channels }, () => (noise() - 0.5) * 4)

/** Channel 0 answers A with +10 µV and B with −10 µV, 300 ms after onset; channel 1 carries 10 Hz. */
function value(i: number, c: number): number {
  const t = start + i / rate
  let v = noiseTable[i * channels + c]!
  if (c === 0) for (const onset of onsets) v += (onset.condition === 'A' ? 10 : -10) * Math.exp(-(((t - onset.time - 0.3) / 0.05) ** 2))
  if (c === 1) v += 20 * Math.sin(2 * Math.PI * 10 * (i / rate))
  return v
}

async function service(): Promise<{ recordings: RecordingsService; file: string; events: ExportProgressEvent[]; dir: string }> {
  const dir = await tempDir()
  const file = path.join(dir, 'erp.xdf')
  await writeTestXdf(file, { channels, rate, samples: rate * seconds, start, value, markers: onsets.map((onset) => ({ time: onset.time, text: `stimulus_onset ${onset.condition}` })) })
  const hub = new EventHub()
  const events: ExportProgressEvent[] = []
  hub.subscribe('recordings.exportProgress', (event) => events.push(event))
  return { recordings: new RecordingsService(hub), file, events, dir }
}

describe('RecordingsService', () => {
  it('describes a file, decimates windows from only their samples, averages epochs per condition and finds spectral peaks', { timeout: 60_000 }, async () => {
    const { recordings, file } = await service()
    try {
      const overview = await recordings.open(file)
      expect(overview.streams.map((stream) => [stream.name, stream.sampleCount])).toEqual([
        ['TestEEG', rate * seconds],
        ['Markers', onsets.length],
      ])
      expect(overview.markers[0]).toEqual({ time: start + 1, label: 'stimulus_onset A', stream: 'Markers' })
      expect(overview.start).toBe(start)
      expect(overview.session).toBeNull()

      // 10 s over 500 columns: every sample counted; column k covers samples 5k…5k+4 of the window.
      const window = await recordings.window({ path: file, stream: 1, start: start + 10, end: start + 20, columns: 500 })
      expect(window.exact).toBe(true)
      for (const column of [0, 137, 499]) {
        const values = Array.from({ length: 5 }, (_, k) => Math.fround(value(10 * rate + column * 5 + k, 2)))
        expect(window.min[2 * 500 + column]).toBe(Math.min(...values))
        expect(window.max[2 * 500 + column]).toBe(Math.max(...values))
      }
      // The whole minute over 50 columns is an overview from pieces; before the first sample there is nothing.
      const whole = await recordings.window({ path: file, stream: 1, start: start - 60, end: start + 60, columns: 50 })
      expect(whole.exact).toBe(false)
      expect(Number.isNaN(whole.min[0]!)).toBe(true)
      expect(Number.isNaN(whole.min[30]!)).toBe(false)

      const epochs = await recordings.epochs({ path: file, stream: 1, markers: onsets, before: 0.2, after: 0.8 })
      expect(epochs.skipped).toBe(1)
      expect(epochs.conditions.map((condition) => [condition.name, condition.count])).toEqual([
        ['A', 14],
        ['B', 14],
      ])
      const peak = epochs.times.findIndex((time) => Math.abs(time - 0.3) < 0.5 / rate)
      const [a, b] = epochs.conditions
      expect(a!.mean[peak]).toBeGreaterThan(9)
      expect(b!.mean[peak]).toBeLessThan(-9)
      expect(Math.abs(a!.mean[0]!)).toBeLessThan(2)

      const spectra = await recordings.spectra({ path: file, stream: 1, start, end: start + 30 })
      const bins = spectra.frequencies.length
      const strongest = (channel: number) => {
        let best = 1
        for (let k = 1; k < bins; k++) if (spectra.power[channel * bins + k]! > spectra.power[channel * bins + best]!) best = k
        return spectra.frequencies[best]
      }
      expect(strongest(1)).toBeCloseTo(10, 0)
      expect(spectra.end - spectra.start).toBeCloseTo(30, 1)

      await expect(recordings.window({ path: file, stream: 2, start, end: start + 1, columns: 10 })).rejects.toThrow('holds markers, not signals')
    } finally {
      await recordings.close()
    }
  })

  it('exports with progress events that end at 1', { timeout: 30_000 }, async () => {
    const { recordings, file, events, dir } = await service()
    try {
      const summary = await recordings.exportRecording({ id: 'job', path: file, kind: 'edf', out: path.join(dir, 'x.edf'), format: 'float32' })
      expect(summary).toMatchObject({ kind: 'edf', written: [path.join(dir, 'x.edf')] })
      expect(summary.detail).toContain(`${onsets.length} annotations`)
      expect(events.length).toBeGreaterThanOrEqual(1)
      expect(events.every((event) => event.id === 'job')).toBe(true)
      expect(events.at(-1)!.fraction).toBe(1)
    } finally {
      await recordings.close()
    }
  })

  it('has its requests validated by the contract', () => {
    expect(requests['recordings.window'].input.safeParse({ path: '/x.xdf', stream: 1, start: 5, end: 4, columns: 10 }).success).toBe(false)
    expect(requests['recordings.window'].input.safeParse({ path: '/x.xdf', stream: 1, start: 4, end: 5, columns: 10_000 }).success).toBe(false)
    expect(requests['recordings.epochs'].input.safeParse({ path: '/x.xdf', stream: 1, markers: [], before: 0.2, after: 0.8 }).success).toBe(false)
    expect(requests['recordings.export'].input.safeParse({ id: 'a', path: '/x.xdf', kind: 'gdf', out: '/y' }).success).toBe(false)
    expect(requests['recordings.export'].input.safeParse({ id: 'a', path: '/x.xdf', kind: 'edf', out: '/y', extra: 1 }).success).toBe(false)
  })
})
