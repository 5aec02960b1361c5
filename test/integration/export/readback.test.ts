import { readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { readXdf } from '../../../src/shared/xdf/reader'
import { runCli } from '../../support/cli'
import { mneAvailable, readWithMne } from '../../support/mne'
import { useTempDirs } from '../../support/temp-dir'
import { writeTestXdf } from '../../support/xdf'

const tempDir = useTempDirs()
const rate = 500
const samples = 1337 // not a whole number of 1 s EDF records
const channels = 6
const start = 5000
// Channels of very different sizes (each gets its own range), one flat, one far from zero.
const amplitude = [10, 150, 2000, 0, 40, 75]
const offset = [0, -20, 5, 12.5, 30000, 0]
const value = (i: number, c: number) => offset[c]! + amplitude[c]! * Math.sin((2 * Math.PI * (3 + c) * i) / rate + c)
const markers = [
  { time: start - 1, text: 'before the recording' },
  { time: start + 0.25, text: JSON.stringify({ event: 'stimulus_onset', stimulus: 'song, one', file: '/s/song1.wav', frame: 1 }) },
  { time: start + 0.7003, text: 'S  1' },
  { time: start + 1.5, text: JSON.stringify({ event: 'response', trial: 0, stimulus: 'song, one', scale: 'liking', value: 7, responseSeconds: 0.5 }) },
  { time: start + 2.2, text: JSON.stringify({ event: 'stimulus_offset', stimulus: 'song, one', file: '/s/song1.wav', frame: 2 }) },
]
const inside = markers.slice(1)
const labels = ['stimulus_onset song, one', 'S  1', 'response song, one liking=7', 'stimulus_offset song, one']

if (!mneAvailable) console.warn('MNE read-back tests do not run: /usr/bin/python3 cannot import mne (Debian: apt-get install python3-mne)')

async function recording(): Promise<{ dir: string; xdf: string; stored: Float32Array }> {
  const dir = await tempDir()
  const xdf = path.join(dir, 'test.xdf')
  await writeTestXdf(xdf, { channels, rate, samples, start, value, markers, chunkSamples: 23, labels: ['Fp1', 'Cz', 'Big', 'Flat', 'Offset', 'O2'] })
  const stored = readXdf(new Uint8Array(await readFile(xdf))).streams.find((stream) => stream.description.name === 'TestEEG')!.samples as Float32Array
  return { dir, xdf, stored }
}

async function exportWith(args: string[]): Promise<Record<string, unknown>> {
  const result = await runCli(['export', ...args, '--json'])
  expect(result.code, result.stderr).toBe(0)
  return JSON.parse(result.stdout) as Record<string, unknown>
}

/** Largest |MNE value − recorded value| per channel over the recording's samples. */
function errors(read: { data: number[][] }, stored: Float32Array): number[] {
  return Array.from({ length: channels }, (_, c) => {
    let worst = 0
    for (let i = 0; i < samples; i++) worst = Math.max(worst, Math.abs(read.data[c]![i]! - stored[i * channels + c]!))
    return worst
  })
}

describe.runIf(mneAvailable)('exports read back with MNE', () => {
  it('BrainVision float32: channels, rate, every value exactly, one annotation per marker at its sample', { timeout: 60_000 }, async () => {
    const { dir, xdf, stored } = await recording()
    const result = await exportWith(['brainvision', xdf, '--out', path.join(dir, 'out')])
    expect(result).toMatchObject({ channels, samples, markers: 4, markersOutside: 1, format: 'float32' })
    const read = await readWithMne(path.join(dir, 'out.vhdr'))
    expect(read.sfreq).toBe(rate)
    expect(read.channels).toEqual(['Fp1', 'Cz', 'Big', 'Flat', 'Offset', 'O2'])
    expect(read.data[0]).toHaveLength(samples)
    for (const error of errors(read, stored)) expect(error).toBeLessThan(1e-9 * 30000)
    const annotations = read.annotations.filter((annotation) => annotation.description !== 'New Segment/')
    expect(annotations.map((annotation) => annotation.description)).toEqual(labels.map((label) => `Markers/${label}`))
    inside.forEach((marker, index) => expect(Math.abs(annotations[index]!.onset - (marker.time - start))).toBeLessThanOrEqual(0.5 / rate + 1e-9))
  })

  it('BrainVision int16: each channel within half its resolution', { timeout: 60_000 }, async () => {
    const { dir, xdf, stored } = await recording()
    const result = (await exportWith(['brainvision', xdf, '--out', path.join(dir, 'int'), '--format', 'int16'])) as { resolutions: number[] }
    const read = await readWithMne(path.join(dir, 'int.vhdr'))
    expect(read.sfreq).toBe(rate)
    errors(read, stored).forEach((error, c) => {
      expect(error, `channel ${c}`).toBeLessThanOrEqual(result.resolutions[c]! / 2 + 1e-9)
      // The resolution follows the channel's own peak: 16 bits over ±peak.
      const peak = Math.max(...Array.from({ length: samples }, (_, i) => Math.abs(stored[i * channels + c]!)))
      if (peak > 0) expect(result.resolutions[c]).toBeCloseTo(peak / 32767, 12)
    })
    expect(read.annotations.length).toBe(inside.length + 1)
  })

  it('EDF+: channels, rate, values within half a digital step of each channel’s own range, the markers as annotations', { timeout: 60_000 }, async () => {
    const { dir, xdf, stored } = await recording()
    const result = (await exportWith(['edf', xdf, '--out', path.join(dir, 'out.edf'), '--patient', 'sub-01'])) as {
      signals: { label: string; physicalMin: number; physicalMax: number }[]
      records: number
      paddedSamples: number
      annotations: number
    }
    expect(result).toMatchObject({ records: 3, paddedSamples: 3 * rate - samples, annotations: 4 })
    const read = await readWithMne(path.join(dir, 'out.edf'))
    expect(read.sfreq).toBe(rate)
    expect(read.channels).toEqual(['Fp1', 'Cz', 'Big', 'Flat', 'Offset', 'O2'])
    expect(read.data[0]).toHaveLength(3 * rate)
    errors(read, stored).forEach((error, c) => {
      const { physicalMin, physicalMax } = result.signals[c]!
      for (let i = 0; i < samples; i++) {
        expect(stored[i * channels + c]).toBeGreaterThanOrEqual(physicalMin)
        expect(stored[i * channels + c]).toBeLessThanOrEqual(physicalMax)
      }
      expect(error, `channel ${c}`).toBeLessThanOrEqual((physicalMax - physicalMin) / 65535 / 2 + 1e-9)
    })
    // A ±10 µV channel gets a step of about 0.0003 µV, not the big channel's 0.06 µV.
    expect((result.signals[0]!.physicalMax - result.signals[0]!.physicalMin) / 65535).toBeLessThan(0.001)
    expect(read.annotations.map((annotation) => annotation.description)).toEqual(labels)
    inside.forEach((marker, index) => expect(Math.abs(read.annotations[index]!.onset - (marker.time - start))).toBeLessThanOrEqual(0.5 / rate + 1e-6))
  })
})

describe.runIf(mneAvailable)('a pause in the recording', () => {
  it('is marked where the samples resume, in BrainVision (New Segment) and EDF+ (annotation); markers in it go to the nearest sample', { timeout: 60_000 }, async () => {
    const dir = await tempDir()
    const xdf = path.join(dir, 'gap.xdf')
    // 700 samples, then the source is gone for 2 s, then 637 more.
    const timeOf = (i: number) => start + i / rate + (i >= 700 ? 2 : 0)
    await writeTestXdf(xdf, { channels, rate, samples, start, value, timeOf, markers: [{ time: timeOf(100), text: 'before' }, { time: timeOf(699) + 0.3, text: 'in the gap' }, { time: timeOf(900), text: 'after' }] })
    const bv = (await exportWith(['brainvision', xdf, '--out', path.join(dir, 'gap')])) as { gaps: number; markers: number }
    expect(bv).toMatchObject({ gaps: 1, markers: 3 })
    const read = await readWithMne(path.join(dir, 'gap.vhdr'))
    const at = (description: string) => read.annotations.find((annotation) => annotation.description === description)?.onset
    expect(at('New Segment/gap of 2.000 s in the recording')).toBeCloseTo(700 / rate, 9)
    expect(at('Markers/before')).toBeCloseTo(100 / rate, 9)
    expect(at('Markers/in the gap')).toBeCloseTo(699 / rate, 9) // 0.3 s after sample 699, 1.7 s before sample 700
    expect(at('Markers/after')).toBeCloseTo(900 / rate, 9)
    const edf = (await exportWith(['edf', xdf, '--out', path.join(dir, 'gap.edf')])) as { gaps: number; annotations: number }
    expect(edf).toMatchObject({ gaps: 1, annotations: 4 })
    const edfRead = await readWithMne(path.join(dir, 'gap.edf'))
    expect(edfRead.annotations.map((annotation) => annotation.description)).toEqual(['before', 'in the gap', 'gap of 2.000 s in the recording', 'after'])
    expect(edfRead.annotations[2]!.onset).toBeCloseTo(700 / rate, 6)
    expect(edfRead.annotations[3]!.onset).toBeCloseTo(900 / rate, 6)
  })
})

describe('CSV export', () => {
  it('writes one file per stream whose values read back to the very float32 recorded, with both clocks', { timeout: 30_000 }, async () => {
    const { dir, xdf, stored } = await recording()
    const result = (await exportWith(['csv', xdf, '--out', path.join(dir, 'csv')])) as { files: { stream: string; rows: number }[] }
    expect(result.files.map((file) => [file.stream, file.rows])).toEqual([
      ['TestEEG', samples],
      ['Markers', markers.length],
    ])
    const [header, ...rows] = (await readFile(path.join(dir, 'csv', 'TestEEG.csv'), 'utf8')).trimEnd().split('\n')
    expect(header).toBe('lsl_time,time,Fp1 (µV),Cz (µV),Big (µV),Flat (µV),Offset (µV),O2 (µV)')
    expect(rows).toHaveLength(samples)
    rows.forEach((row, i) => {
      const cells = row.split(',').map(Number)
      expect(cells[0]).toBeCloseTo(start + i / rate, 6)
      expect(cells[1]).toBeCloseTo(i / rate + 1, 6) // the marker stream starts 1 s earlier
      for (let c = 0; c < channels; c++) expect(Math.fround(cells[2 + c]!)).toBe(stored[i * channels + c])
    })
    const markerRows = (await readFile(path.join(dir, 'csv', 'Markers.csv'), 'utf8')).trimEnd().split('\n')
    expect(markerRows[0]).toBe('lsl_time,time,label,text')
    expect(markerRows[2]).toContain('"stimulus_onset song, one","{""event"":""stimulus_onset""')
  })

  it('refuses to write into a folder that is not empty, and to overwrite a file', async () => {
    const { dir, xdf } = await recording()
    const again = await runCli(['export', 'csv', xdf, '--out', dir])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain(`${dir} is not empty`)
    await exportWith(['edf', xdf, '--out', path.join(dir, 'x.edf')])
    const twice = await runCli(['export', 'edf', xdf, '--out', path.join(dir, 'x.edf')])
    expect(twice.code).toBe(1)
    expect(twice.stderr).toContain('already exists')
    // One of BrainVision's three files in the way: nothing is written, not even a partial file.
    await writeFile(path.join(dir, 'bv.vmrk'), 'mine')
    const blocked = await runCli(['export', 'brainvision', xdf, '--out', path.join(dir, 'bv')])
    expect(blocked.code).toBe(1)
    expect(blocked.stderr).toContain(`${path.join(dir, 'bv.vmrk')} already exists`)
    expect((await readdir(dir)).filter((name) => name.startsWith('bv'))).toEqual(['bv.vmrk'])
  })
})

describe('entrain export usage', () => {
  it('has --help, and exits 2 with one line for what it cannot do', async () => {
    const help = await runCli(['export', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Usage: entrain export bids|edf|brainvision|csv [FILE.xdf] [options]')
    for (const option of ['--out PATH', '--study DIR', '--stream NAME', '--format float32|int16', '--line-frequency 50|60', '--json']) expect(help.stdout).toContain(option)
    for (const [args, message] of [
      [['export', 'edf', 'x.xdf'], '--out is required'],
      [['export', 'pdf', 'x.xdf', '--out', 'y'], 'expected `export bids`'],
      [['export', 'bids', '--out', 'y'], '--study DIR is required'],
      [['export', 'brainvision', 'x.xdf', '--out', 'y', '--format', 'int8'], '--format must be float32 or int16'],
      [['export', 'bids', '--study', 's', '--out', 'y', '--line-frequency', '55'], '--line-frequency must be 50 or 60'],
    ] as const) {
      const result = await runCli([...args])
      expect(result.code, result.stderr).toBe(2)
      expect(result.stderr).toContain(message)
    }
    const missing = await runCli(['export', 'edf', '/nonexistent/x.xdf', '--out', '/tmp/never.edf', '--json'])
    expect(missing.code).toBe(1)
    expect(JSON.parse(missing.stdout)).toMatchObject({ error: { code: 'NOT_FOUND' } })
  })
})
