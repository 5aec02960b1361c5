/**
 * What exports need to know about a stream's channels: labels (unique, never empty), units in the
 * spelling each format expects, and the value range of each channel for formats that store
 * integers (EDF, BrainVision int16).
 */
import type { ChannelInfo, StreamDescription } from '../xdf/types'

export interface ExportChannel {
  label: string
  /** As BIDS and BrainVision write it: µV, mV, V, or the stream's own text; '' when unknown. */
  unit: string
  /** The LSL channel type (EEG, EOG, …) when the stream says; otherwise the stream's type. */
  type: string
}

const unitSpellings: Record<string, string> = {
  microvolts: 'µV',
  microvolt: 'µV',
  uv: 'µV',
  'µv': 'µV',
  'μv': 'µV',
  millivolts: 'mV',
  millivolt: 'mV',
  mv: 'mV',
  volts: 'V',
  volt: 'V',
  v: 'V',
}

export function normaliseUnit(unit: string | undefined): string {
  if (unit === undefined) return ''
  return unitSpellings[unit.trim().toLowerCase()] ?? unit.trim()
}

/** The channels of a stream; missing or repeated labels become `Ch<n>` / `label-2`, as formats need unique names. */
export function exportChannels(description: StreamDescription): ExportChannel[] {
  const seen = new Map<string, number>()
  return Array.from({ length: description.channelCount }, (_, index) => {
    const info: ChannelInfo | undefined = description.channels?.[index]
    let label = info?.label.trim() || `Ch${index + 1}`
    const times = (seen.get(label) ?? 0) + 1
    seen.set(label, times)
    if (times > 1) label = `${label}-${times}`
    return { label, unit: normaliseUnit(info?.unit), type: (info?.type?.trim() || description.type || 'EEG').toUpperCase() }
  })
}

/** Running minimum and maximum of each channel over sample-major blocks. */
export class ChannelRanges {
  readonly min: Float64Array
  readonly max: Float64Array

  constructor(readonly channelCount: number) {
    this.min = new Float64Array(channelCount).fill(Infinity)
    this.max = new Float64Array(channelCount).fill(-Infinity)
  }

  add(values: ArrayLike<number>): void {
    const channels = this.channelCount
    for (let c = 0; c < channels; c++) {
      let low = this.min[c]!
      let high = this.max[c]!
      for (let i = c; i < values.length; i += channels) {
        const value = values[i]!
        if (value < low) low = value
        if (value > high) high = value
      }
      this.min[c] = low
      this.max[c] = high
    }
  }
}
