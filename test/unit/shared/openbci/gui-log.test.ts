import { describe, expect, it } from 'vitest'
import { parseMarker } from '../../../../src/shared/audio/markers'
import { GuiLogReader, type GuiLogMarker } from '../../../../src/shared/openbci/gui-log'
import { loggedAcceleration, loggedMicrovolts, makeGuiLog, type LogSpec } from '../../../support/openbci-log'

/** Reads a whole log, taking batches every 100 lines as the importer does. */
function read(text: string) {
  const reader = new GuiLogReader('LOG.txt')
  const values: number[] = []
  const timestamps: number[] = []
  const markers: GuiLogMarker[] = []
  const take = () => {
    const batch = reader.take()
    values.push(...batch.values)
    timestamps.push(...batch.timestamps)
    markers.push(...batch.markers)
  }
  text.split('\n').forEach((line, index) => {
    reader.line(line)
    if (index % 100 === 99) take()
  })
  const summary = reader.finish()
  take()
  return { layout: reader.layout()!, summary, values, timestamps, markers }
}

function expectedRows(spec: LogSpec): number[] {
  const missing = new Set(spec.missing ?? [])
  return Array.from({ length: spec.rows }, (_, row) => row).filter((row) => !missing.has(row))
}

describe('OpenBCI GUI logs', () => {
  it('reads an older GUI log: rate, EEG and accelerometer values, sample numbers wrapping at 256', () => {
    const spec: LogSpec = { format: 'v3', channels: 8, rate: 250, rows: 700 }
    const { layout, summary, values, timestamps } = read(makeGuiLog(spec))
    expect(layout.sampleRate).toBe(250)
    expect(layout.channelLabels).toEqual(['EEG1', 'EEG2', 'EEG3', 'EEG4', 'EEG5', 'EEG6', 'EEG7', 'EEG8', 'AccelX', 'AccelY', 'AccelZ'])
    expect(layout.header).toContain('Other Columns = EEG data in microvolts followed by Accel Data (in G) interleaved with Aux Data')
    expect(summary).toEqual({ samples: 700, missingSamples: 0, markers: 0, stimulusMarkers: 0, truncatedLastLine: false })
    const rows = expectedRows(spec)
    expect(values).toEqual(rows.flatMap((row) => [...Array.from({ length: 8 }, (_, channel) => loggedMicrovolts(row, channel)), ...loggedAcceleration(row)]))
    expect(timestamps).toEqual(rows.map((row) => row / 250))
  })

  it('reads a GUI v5 Cyton+Daisy log by its column names, with sample numbers stepping by 2 and gaps for lost samples', () => {
    const spec: LogSpec = { format: 'v5', channels: 16, rate: 125, rows: 400, missing: [5, 6, 7, 300] }
    const { layout, summary, values, timestamps } = read(makeGuiLog(spec))
    expect(layout.sampleRate).toBe(125)
    expect(layout.channelLabels).toHaveLength(19)
    expect(layout.channelTypes.filter((type) => type === 'EEG')).toHaveLength(16)
    expect(summary.samples).toBe(396)
    expect(summary.missingSamples).toBe(4)
    const rows = expectedRows(spec)
    expect(timestamps).toEqual(rows.map((row) => row / 125))
    expect(values.slice(0, 19)).toEqual([...Array.from({ length: 16 }, (_, channel) => loggedMicrovolts(0, channel)), ...loggedAcceleration(0)])
    expect(values.slice(-19)).toEqual([...Array.from({ length: 16 }, (_, channel) => loggedMicrovolts(399, channel)), ...loggedAcceleration(399)])
  })

  it('turns `%Song <id>` comments into stimulus onsets at the next row, and keeps other comments as they are', () => {
    const spec: LogSpec = {
      format: 'v3',
      channels: 8,
      rate: 250,
      rows: 600,
      comments: [
        { beforeRow: 0, text: '%Song 7' },
        { beforeRow: 260, text: '%song  chopin-op28-4 ' },
        { beforeRow: 400, text: '%eyes closed' },
      ],
      trailing: ['%Song end'],
    }
    const { summary, markers } = read(makeGuiLog(spec))
    expect(summary).toMatchObject({ markers: 4, stimulusMarkers: 3 })
    expect(markers.map((marker) => marker.time)).toEqual([0, 260 / 250, 400 / 250, 600 / 250])
    expect(markers[2]!.text).toBe('eyes closed')
    const onset = parseMarker(markers[1]!.text, markers[1]!.time)
    expect(onset).toEqual({ event: 'stimulus_onset', stimulus: 'chopin-op28-4', file: null, frame: null, time: 260 / 250 })
    expect(JSON.parse(markers[0]!.text)).toEqual({ event: 'stimulus_onset', stimulus: '7', file: null, frame: null })
  })

  it('leaves out a last line cut off mid-row, and says so', () => {
    const text = makeGuiLog({ format: 'v3', channels: 8, rate: 250, rows: 50 })
    const { summary, timestamps } = read(`${text}50, 1.00, 2.00, 3.0`)
    expect(summary).toMatchObject({ samples: 50, truncatedLastLine: true })
    expect(timestamps).toHaveLength(50)
  })

  it('names the file, line and column of a value that is not a number', () => {
    const lines = makeGuiLog({ format: 'v3', channels: 8, rate: 250, rows: 20 }).split('\n')
    lines[10] = lines[10]!.replace(/, [^,]+,/, ', 12.3.4,')
    expect(() => read(lines.join('\n'))).toThrow('LOG.txt:11: column 2: "12.3.4" is not a number')
  })

  it('names the line of a short row in the middle of the log', () => {
    const lines = makeGuiLog({ format: 'v3', channels: 8, rate: 250, rows: 20 }).split('\n')
    lines[12] = '6, 1.0, 2.0'
    expect(() => read(lines.join('\n'))).toThrow('LOG.txt:13: a row needs 12 columns, this one has 3')
  })

  it('asks for the sample rate when the header gives none', () => {
    const text = makeGuiLog({ format: 'v3', channels: 8, rate: 250, rows: 5 }).replace(/%Sample Rate.*\n/, '')
    expect(() => read(text)).toThrow('the header gives no sample rate')
  })

  it('refuses a log without samples', () => {
    expect(() => read('%OpenBCI Raw EEG Data\n%Sample Rate = 250 Hz\n')).toThrow('LOG.txt:3: the log holds no samples')
  })
})
