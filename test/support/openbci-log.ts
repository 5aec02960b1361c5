/**
 * OpenBCI GUI text logs as the GUI writes them, generated with known contents: the older format
 * (v3/v4: columns described in `%` lines, accelerometer mostly zeros, a clock time last) and GUI v5's
 * (a line of column names, Daisy sample numbers stepping by 2, unix timestamps).
 */

export interface LogSpec {
  format: 'v3' | 'v5'
  channels: 8 | 16
  rate: number
  rows: number
  /** Rows that are missing from the log (lost packets); their sample numbers are skipped. */
  missing?: number[]
  /** `%` comment lines written just before a row: `%Song <id>` or any other text. */
  comments?: { beforeRow: number; text: string }[]
  /** Comments after the last row. */
  trailing?: string[]
}

/** The µV value the log holds for `channel` in row `row` (two decimals, as the GUI writes). */
export function loggedMicrovolts(row: number, channel: number): number {
  return Number((Math.sin(row * 0.05 + channel) * 80 + (channel - 8) * 1250.37).toFixed(2))
}

/** The accelerometer (g) in row `row`: a reading every tenth row, zeros between, as the GUI logs them. */
export function loggedAcceleration(row: number): [number, number, number] {
  return row % 10 === 0 ? [Number((0.01 * (row % 7)).toFixed(3)), -0.504, 1.002] : [0, 0, 0]
}

export function makeGuiLog(spec: LogSpec): string {
  const step = spec.format === 'v5' && spec.channels === 16 ? 2 : 1
  const lines: string[] = []
  if (spec.format === 'v3') {
    lines.push('%OpenBCI Raw EEG Data', '%', `%Sample Rate = ${spec.rate.toFixed(1)} Hz`, '%First Column = SampleIndex', '%Last Column = Timestamp')
    lines.push('%Other Columns = EEG data in microvolts followed by Accel Data (in G) interleaved with Aux Data')
  } else {
    lines.push('%OpenBCI Raw EXG Data', `%Number of channels = ${spec.channels}`, `%Sample Rate = ${spec.rate} Hz`, `%Board = OpenBCI_GUI$BoardCytonSerial${spec.channels === 16 ? 'Daisy' : ''}`)
    const names = [
      'Sample Index',
      ...Array.from({ length: spec.channels }, (_, channel) => `EXG Channel ${channel}`),
      'Accel Channel 0',
      'Accel Channel 1',
      'Accel Channel 2',
      ...Array.from({ length: 7 }, () => 'Other'),
      'Analog Channel 0',
      'Analog Channel 1',
      'Analog Channel 2',
      'Timestamp',
      'Other',
      'Timestamp (Formatted)',
    ]
    lines.push(names.join(', '))
  }
  const missing = new Set(spec.missing ?? [])
  for (let row = 0; row < spec.rows; row++) {
    for (const comment of spec.comments ?? []) if (comment.beforeRow === row) lines.push(comment.text)
    if (missing.has(row)) continue
    const index = (row * step) % 256
    const eeg = Array.from({ length: spec.channels }, (_, channel) => loggedMicrovolts(row, channel).toFixed(2))
    const accel = loggedAcceleration(row).map((value) => value.toFixed(3))
    const seconds = 1_600_000_000 + row / spec.rate
    if (spec.format === 'v3') {
      const clock = new Date(seconds * 1000).toISOString().slice(11, 23)
      lines.push([String(index), ...eeg, ...accel, clock].join(', '))
    } else {
      const other = Array.from({ length: 7 }, () => '0.00')
      const analog = ['0.00', '0.00', '0.00']
      lines.push([`${index}.0`, ...eeg, ...accel, ...other, ...analog, seconds.toFixed(6), '0.00', new Date(seconds * 1000).toISOString()].join(', '))
    }
  }
  lines.push(...(spec.trailing ?? []))
  return `${lines.join('\n')}\n`
}
