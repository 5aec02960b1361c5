/**
 * CSV for anyone: one file per stream, a header row, one row per sample. Times come twice: the
 * LSL timestamp (recording computer's clock) and seconds from the recording's first sample.
 */
import type { NumericChannelFormat } from '../xdf/types'

/** RFC 4180 quoting: only where a comma, quote or line break needs it. */
export function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\n`
}

/**
 * Values as text that reads back to the very number stored: float32 with 9 significant digits
 * (enough for any float32), doubles and integers in full.
 */
export function csvNumberFormatter(format: NumericChannelFormat): (value: number | bigint) => string {
  if (format === 'float32') return (value) => (Number.isFinite(value) ? String(Number((value as number).toPrecision(9))) : String(value))
  return (value) => String(value)
}

/** Rows of numeric samples: `lsl_time,time,<channel…>`. */
export function csvNumericRows(timestamps: Float64Array, values: ArrayLike<number | bigint>, channelCount: number, origin: number, format: (value: number | bigint) => string): string {
  let text = ''
  for (let i = 0; i < timestamps.length; i++) {
    let line = `${timestamps[i]!.toFixed(6)},${(timestamps[i]! - origin).toFixed(6)}`
    for (let c = 0; c < channelCount; c++) line += `,${format(values[i * channelCount + c]!)}`
    text += `${line}\n`
  }
  return text
}
