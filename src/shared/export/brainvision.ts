/**
 * BrainVision Core Data Format 1.0: a text header (.vhdr), a text marker file (.vmrk) and the
 * samples (.eeg), multiplexed (all channels of sample 1, then of sample 2, …), little-endian, as
 * IEEE float32 or as int16 that the header's per-channel resolution turns back into the unit.
 */
import type { ExportChannel } from './channels'

export type BrainVisionFormat = 'float32' | 'int16'

export interface BrainVisionHeader {
  /** File names (not paths) of the data and marker files, which sit beside the header. */
  dataFile: string
  markerFile: string
  channels: ExportChannel[]
  samplingRate: number
  format: BrainVisionFormat
  /** Unit per digital step for int16 data, per channel; 1 for float32. */
  resolutions: ArrayLike<number>
  software: string
}

export interface BrainVisionMarker {
  /** BrainVision's marker type: Stimulus, Response, Comment, … or any word. */
  type: string
  description: string
  /** 0-based sample index. */
  sample: number
}

/** Commas separate the fields of an entry; BrainVision writes a comma inside a field as `\1`. */
function field(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/,/g, '\\1')
}

export function brainVisionHeader(header: BrainVisionHeader): string {
  const lines = [
    'Brain Vision Data Exchange Header File Version 1.0',
    `; Written by ${header.software}`,
    '',
    '[Common Infos]',
    'Codepage=UTF-8',
    `DataFile=${header.dataFile}`,
    `MarkerFile=${header.markerFile}`,
    'DataFormat=BINARY',
    '; Data orientation: MULTIPLEXED=ch1,pt1, ch2,pt1 ...',
    'DataOrientation=MULTIPLEXED',
    `NumberOfChannels=${header.channels.length}`,
    '; Sampling interval in microseconds',
    `SamplingInterval=${1e6 / header.samplingRate}`,
    '',
    '[Binary Infos]',
    `BinaryFormat=${header.format === 'float32' ? 'IEEE_FLOAT_32' : 'INT_16'}`,
    '',
    '[Channel Infos]',
    '; Each entry: Ch<Channel number>=<Name>,<Reference channel name>,<Resolution in "Unit">,<Unit>',
    ...header.channels.map((channel, index) => `Ch${index + 1}=${field(channel.label)},,${header.resolutions[index]},${field(channel.unit || 'µV')}`),
    '',
  ]
  return lines.join('\r\n')
}

export function brainVisionMarkers(dataFile: string, markers: readonly BrainVisionMarker[], start?: Date): string {
  const stamp = start === undefined ? '' : `,${start.toISOString().replace(/[-:TZ.]/g, '')}000`
  const entries = [{ type: 'New Segment', description: '', sample: 0 }, ...markers].map(
    (marker, index) => `Mk${index + 1}=${field(marker.type)},${field(marker.description)},${marker.sample + 1},1,0${index === 0 ? stamp : ''}`,
  )
  return [
    'Brain Vision Data Exchange Marker File, Version 1.0',
    '',
    '[Common Infos]',
    'Codepage=UTF-8',
    `DataFile=${dataFile}`,
    '',
    '[Marker Infos]',
    '; Each entry: Mk<Marker number>=<Type>,<Description>,<Position in data points>,<Size in data points>,<Channel number (0 = marker is related to all channels)>',
    ...entries,
    '',
  ].join('\r\n')
}

/**
 * int16 resolution per channel: the smallest step that keeps the channel's largest magnitude within
 * ±32767, so each channel uses the whole range its data needs.
 */
export function int16Resolutions(min: ArrayLike<number>, max: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: min.length }, (_, c) => {
    const peak = Math.max(Math.abs(min[c]!), Math.abs(max[c]!))
    return Number.isFinite(peak) && peak > 0 ? peak / 32767 : 1
  })
}

/** Encodes sample-major values as .eeg bytes; int16 values are `round(value / resolution)` (NaN as 0). */
export function encodeBrainVisionSamples(values: ArrayLike<number>, format: BrainVisionFormat, resolutions: ArrayLike<number>): Uint8Array {
  if (format === 'float32') {
    // Float32 samples are already the bytes to write (little-endian, as on every platform Electron ships for).
    const out = values instanceof Float32Array ? values : Float32Array.from(values)
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
  }
  const channels = resolutions.length
  const out = new Int16Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const digital = Math.round(values[i]! / resolutions[i % channels]!)
    out[i] = Number.isNaN(digital) ? 0 : Math.max(-32768, Math.min(32767, digital))
  }
  return new Uint8Array(out.buffer)
}
