import { existsSync } from 'node:fs'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseMarker } from '../../../src/shared/audio/markers'
import { readXdf } from '../../../src/shared/xdf/reader'
import { runCli } from '../../support/cli'
import { loggedAcceleration, loggedMicrovolts, makeGuiLog } from '../../support/openbci-log'
import { useTempDirs } from '../../support/temp-dir'

const tempDir = useTempDirs()

describe('entrain import openbci', () => {
  it('converts a GUI log into XDF: exact values, rate, labels and %Song markers as stimulus onsets', async () => {
    const dir = await tempDir()
    const log = path.join(dir, 'OpenBCI-RAW-2017-05-04_10-00-00.txt')
    const rows = 3000
    await writeFile(
      log,
      makeGuiLog({
        format: 'v3',
        channels: 8,
        rate: 250,
        rows,
        missing: [1000, 1001],
        comments: [
          { beforeRow: 250, text: '%Song 1' },
          { beforeRow: 1750, text: '%Song 2' },
          { beforeRow: 2000, text: '%participant moved' },
        ],
      }),
    )
    const out = path.join(dir, 'session.xdf')
    const labels = ['Fp1', 'Fp2', 'C3', 'C4', 'P7', 'P8', 'O1', 'O2']
    const result = await runCli(['import', 'openbci', log, '--out', out, '--labels', labels.join(','), '--json'])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({
      file: out,
      stream: 'OpenBCI-OpenBCI-RAW-2017-05-04_10-00-00',
      sampleRate: 250,
      samples: rows - 2,
      missingSamples: 2,
      markers: 3,
      stimulusMarkers: 2,
      truncatedLastLine: false,
    })
    expect(result.stderr).toContain('importing OpenBCI-RAW-2017-05-04_10-00-00.txt 100%')

    const xdf = readXdf(new Uint8Array(await readFile(out)))
    expect(xdf.problems).toEqual([])
    const [eeg, markers] = xdf.streams
    expect(eeg!.description).toMatchObject({ type: 'EEG', channelCount: 11, nominalSrate: 250, channelFormat: 'double64' })
    expect(eeg!.description.channels).toEqual([
      ...labels.map((label) => ({ label, unit: 'microvolts', type: 'EEG' })),
      ...['AccelX', 'AccelY', 'AccelZ'].map((label) => ({ label, unit: 'g', type: 'ACC' })),
    ])
    expect(eeg!.headerXml).toContain('<line>Sample Rate = 250.0 Hz</line>')
    const kept = Array.from({ length: rows }, (_, row) => row).filter((row) => row !== 1000 && row !== 1001)
    expect(Array.from(eeg!.timestamps)).toEqual(kept.map((row) => row / 250))
    expect(Array.from(eeg!.samples as Float64Array)).toEqual(
      kept.flatMap((row) => [...Array.from({ length: 8 }, (_, channel) => loggedMicrovolts(row, channel)), ...loggedAcceleration(row)]),
    )

    expect(markers!.description).toMatchObject({ name: 'OpenBCI-OpenBCI-RAW-2017-05-04_10-00-00-markers', type: 'Markers', channelFormat: 'string' })
    const events = (markers!.samples as string[][]).map((sample, index) => parseMarker(sample[0]!, markers!.timestamps[index]!))
    expect(events.slice(0, 2)).toEqual([
      { event: 'stimulus_onset', stimulus: '1', file: null, frame: null, time: 1 },
      { event: 'stimulus_onset', stimulus: '2', file: null, frame: null, time: 7 },
    ])
    expect((markers!.samples as string[][])[2]).toEqual(['participant moved'])
    expect(markers!.timestamps[2]).toBe(8)
  })

  it('never overwrites, and a log with a bad row leaves no file behind and names the line', async () => {
    const dir = await tempDir()
    const log = path.join(dir, 'bad.txt')
    const lines = makeGuiLog({ format: 'v5', channels: 16, rate: 125, rows: 5000 }).split('\n')
    lines[4000] = lines[4000]!.replace(/, [^,]+,/, ', n/a,')
    await writeFile(log, lines.join('\n'))
    const out = path.join(dir, 'bad.xdf')
    const failed = await runCli(['import', 'openbci', log, '--out', out])
    expect(failed.code).toBe(1)
    expect(failed.stderr.trim().split('\n').at(-1)).toBe(`entrain import: ${log}:4001: column 2: "n/a" is not a number`)
    expect(await readdir(dir)).toEqual(['bad.txt'])

    await writeFile(out, 'precious')
    const good = path.join(dir, 'good.txt')
    await writeFile(good, makeGuiLog({ format: 'v3', channels: 8, rate: 250, rows: 10 }))
    const refused = await runCli(['import', 'openbci', good, '--out', out])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain(`${out} already exists`)
    expect(await readFile(out, 'utf8')).toBe('precious')
    expect(existsSync(`${out}.partial-${process.pid}`)).toBe(false)
  })
})
