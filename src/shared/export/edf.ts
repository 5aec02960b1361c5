/**
 * EDF+ (continuous, "EDF+C"): a fixed ASCII header, then data records of equal duration, each holding
 * every signal's samples for that stretch as 16-bit integers, plus an "EDF Annotations" signal that
 * carries the markers as time-stamped annotation lists (TALs).
 *
 * Each channel maps its own physical range (taken from the data) onto −32768…32767, so the step is
 * (physical max − physical min) / 65535: 0.006 µV for a channel spanning ±200 µV.
 */
import { EntrainError } from '../errors'
import type { ExportChannel } from './channels'

export const edfDigitalMin = -32768
export const edfDigitalMax = 32767

export interface EdfSignal {
  label: string
  /** Physical dimension, ASCII (µV is written uV). */
  unit: string
  physicalMin: number
  physicalMax: number
}

export interface EdfLayout {
  /** Seconds per data record. */
  recordSeconds: number
  samplesPerRecord: number
  recordCount: number
  /** Bytes of the annotation signal in each record (even). */
  annotationBytes: number
}

export interface EdfAnnotation {
  /** Seconds from the first sample. */
  onset: number
  text: string
}

const ascii = (text: string) => text.replace(/[^\x20-\x7e]/g, (character) => (character === 'µ' || character === 'μ' ? 'u' : '_'))

function pad(text: string, width: number): string {
  return ascii(text).slice(0, width).padEnd(width, ' ')
}

/**
 * `value` as at most 8 characters of plain decimals, rounded down or up (physical limits must contain every value,
 * so they round outwards).
 */
export function edfNumber(value: number, direction: 'down' | 'up'): string {
  for (let decimals = 7; decimals >= 0; decimals--) {
    const scale = 10 ** decimals
    const rounded = (direction === 'down' ? Math.floor(value * scale) : Math.ceil(value * scale)) / scale
    // Fixed-point, trailing zeros dropped: readers expect plain decimals, not exponents.
    const text = decimals === 0 ? rounded.toFixed(0) : rounded.toFixed(decimals).replace(/\.?0+$/, '')
    if (text.length <= 8) return text
  }
  throw new RangeError(`${value} does not fit in an EDF header field`)
}

/** Physical limits for a channel from its data range: rounded outwards to 8 characters, never equal. */
export function edfSignal(channel: ExportChannel, min: number, max: number): EdfSignal {
  const low = Number.isFinite(min) ? min : 0
  const high = Number.isFinite(max) ? max : 0
  let physicalMin: number
  let physicalMax: number
  try {
    physicalMin = Number(edfNumber(low, 'down'))
    physicalMax = Number(edfNumber(high, 'up'))
    if (physicalMax <= physicalMin) physicalMax = Number(edfNumber(physicalMin + 1, 'up'))
  } catch {
    throw new EntrainError('INVALID_INPUT', `channel ${channel.label} spans ${low}…${high} ${channel.unit}, more than an EDF header can state (8 characters); export it as BrainVision or CSV`)
  }
  return { label: channel.label, unit: channel.unit || 'uV', physicalMin, physicalMax }
}

/** Record length: 1 s when the rate is whole, else the shortest whole number of seconds (≤ 10) holding whole samples. */
export function edfLayout(rate: number, sampleCount: number, annotations: readonly EdfAnnotation[]): EdfLayout {
  let recordSeconds = 1
  for (let seconds = 1; seconds <= 10; seconds++) {
    if (Math.abs(rate * seconds - Math.round(rate * seconds)) < 1e-6) {
      recordSeconds = seconds
      break
    }
  }
  const samplesPerRecord = Math.max(1, Math.round(rate * recordSeconds))
  recordSeconds = samplesPerRecord / rate
  const recordCount = Math.max(1, Math.ceil(sampleCount / samplesPerRecord))
  let annotationBytes = 0
  for (const [record, list] of annotationsByRecord(annotations, recordSeconds, recordCount)) {
    annotationBytes = Math.max(annotationBytes, talBytes(record, recordSeconds, list).length)
  }
  annotationBytes = Math.max(annotationBytes, talBytes(recordCount - 1, recordSeconds, []).length)
  return { recordSeconds, samplesPerRecord, recordCount, annotationBytes: annotationBytes + (annotationBytes % 2) }
}

function annotationsByRecord(annotations: readonly EdfAnnotation[], recordSeconds: number, recordCount: number): Map<number, EdfAnnotation[]> {
  const byRecord = new Map<number, EdfAnnotation[]>()
  for (const annotation of annotations) {
    const record = Math.min(recordCount - 1, Math.max(0, Math.floor(annotation.onset / recordSeconds + 1e-9)))
    const list = byRecord.get(record) ?? []
    list.push(annotation)
    byRecord.set(record, list)
  }
  return byRecord
}

const seconds = (value: number) => `${value < 0 ? '-' : '+'}${Number(Math.abs(value).toFixed(6))}`

/** The record's time-keeping TAL followed by one TAL per annotation in it. */
function talBytes(record: number, recordSeconds: number, annotations: readonly EdfAnnotation[]): Uint8Array {
  let text = `${seconds(record * recordSeconds)}\x14\x14\x00`
  for (const annotation of annotations) text += `${seconds(annotation.onset)}\x14${ascii(annotation.text)}\x14\x00`
  return new TextEncoder().encode(text)
}

/** The annotation signal of every record, in record order, each exactly `layout.annotationBytes` long. */
export function edfAnnotationRecords(layout: EdfLayout, annotations: readonly EdfAnnotation[]): (record: number) => Uint8Array {
  const byRecord = annotationsByRecord(annotations, layout.recordSeconds, layout.recordCount)
  return (record) => {
    const bytes = new Uint8Array(layout.annotationBytes)
    bytes.set(talBytes(record, layout.recordSeconds, byRecord.get(record) ?? []))
    return bytes
  }
}

export interface EdfHeaderInfo {
  /** EDF+ patient code (no spaces), e.g. sub-01; X when unknown. */
  patient: string
  /** Free text for the recording field after "Startdate … X X X", e.g. the software. */
  recording: string
  start: Date
  signals: EdfSignal[]
  layout: EdfLayout
}

const two = (value: number) => String(value).padStart(2, '0')
const months = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']

export function edfHeader(info: EdfHeaderInfo): Uint8Array {
  const { start, signals, layout } = info
  const all = [
    ...signals.map((signal) => ({ ...signal, digitalMin: edfDigitalMin, digitalMax: edfDigitalMax, samples: layout.samplesPerRecord })),
    { label: 'EDF Annotations', unit: '', physicalMin: -1, physicalMax: 1, digitalMin: edfDigitalMin, digitalMax: edfDigitalMax, samples: layout.annotationBytes / 2 },
  ]
  const headerBytes = 256 * (all.length + 1)
  const date = `${two(start.getUTCDate())}-${months[start.getUTCMonth()]}-${start.getUTCFullYear()}`
  const text = [
    pad('0', 8),
    pad(`${info.patient.replace(/\s+/g, '_') || 'X'} X X X`, 80),
    pad(`Startdate ${date} X X ${info.recording.replace(/\s+/g, '_')}`, 80),
    pad(`${two(start.getUTCDate())}.${two(start.getUTCMonth() + 1)}.${two(start.getUTCFullYear() % 100)}`, 8),
    pad(`${two(start.getUTCHours())}.${two(start.getUTCMinutes())}.${two(start.getUTCSeconds())}`, 8),
    pad(String(headerBytes), 8),
    pad('EDF+C', 44),
    pad(String(layout.recordCount), 8),
    pad(edfNumber(layout.recordSeconds, 'down'), 8),
    pad(String(all.length), 4),
    ...all.map((signal) => pad(signal.label, 16)),
    ...all.map(() => pad('', 80)),
    ...all.map((signal) => pad(signal.unit, 8)),
    ...all.map((signal) => pad(String(signal.physicalMin), 8)),
    ...all.map((signal) => pad(String(signal.physicalMax), 8)),
    ...all.map((signal) => pad(String(signal.digitalMin), 8)),
    ...all.map((signal) => pad(String(signal.digitalMax), 8)),
    ...all.map(() => pad('', 80)),
    ...all.map((signal) => pad(String(signal.samples), 8)),
    ...all.map(() => pad('', 32)),
  ].join('')
  const bytes = new TextEncoder().encode(text)
  if (bytes.length !== headerBytes) throw new Error(`EDF header is ${bytes.length} bytes, expected ${headerBytes}`)
  return bytes
}

/**
 * One data record: each signal's samples in turn (sample-major `values` of `sampleCount` samples;
 * a short last record is padded with zeros, or the nearest value a channel's range allows), then
 * the annotation bytes.
 */
export function encodeEdfRecord(values: ArrayLike<number>, sampleCount: number, signals: readonly EdfSignal[], layout: EdfLayout, annotation: Uint8Array): Uint8Array {
  const channels = signals.length
  const perRecord = layout.samplesPerRecord
  const out = new Uint8Array(channels * perRecord * 2 + layout.annotationBytes)
  const digital = new Int16Array(out.buffer, 0, channels * perRecord)
  for (let c = 0; c < channels; c++) {
    const { physicalMin, physicalMax } = signals[c]!
    const gain = (edfDigitalMax - edfDigitalMin) / (physicalMax - physicalMin)
    const base = c * perRecord
    for (let i = 0; i < perRecord; i++) {
      const value = i < sampleCount ? values[i * channels + c]! : 0
      const level = Math.round((value - physicalMin) * gain) + edfDigitalMin
      digital[base + i] = Number.isNaN(level) ? 0 : Math.max(edfDigitalMin, Math.min(edfDigitalMax, level))
    }
  }
  out.set(annotation, channels * perRecord * 2)
  return out
}
