/**
 * The part of an XDF file that exports write: one numeric stream (the EEG) with its channels and
 * the markers of every string stream placed on its samples.
 */
import { promises as fs } from 'node:fs'
import { EntrainError } from '../../shared/errors'
import { ChannelRanges, exportChannels, type ExportChannel } from '../../shared/export/channels'
import { describeMarker, GapFinder, type ExportMarker, type SampleGap } from '../../shared/export/markers'
import type { XdfFile, XdfFileStream } from '../xdf/xdf-file'
import type { ExportProgress } from './output'

export interface RecordingToExport {
  xdf: XdfFile
  stream: XdfFileStream
  channels: ExportChannel[]
  /** The rate the export declares: the nominal rate (the effective one for an irregular stream). */
  rate: number
  /** Markers on the stream's samples, in time order. */
  markers: (ExportMarker & PlacedTime)[]
  /** Markers before the first or after the last sample of the stream. */
  markersOutside: number
  start: Date
}

/**
 * A time placed in the exported signal: `sample` is the sample whose timestamp is nearest, `onset`
 * the seconds from the first sample in the export's timeline (sample / rate, plus how far the time
 * lies from that sample's timestamp, at most half a period: a time inside a pause stays at the
 * pause's edge), so onsets and sample positions always agree.
 */
export interface PlacedTime {
  sample: number
  onset: number
}

export async function placeTime(xdf: XdfFile, stream: XdfFileStream, rate: number, time: number): Promise<PlacedTime | null> {
  const nearest = await xdf.nearestSample(stream.id, time)
  const half = 0.5 / rate
  return nearest && { sample: nearest.index, onset: nearest.index / rate + Math.max(-half, Math.min(half, time - nearest.timestamp)) }
}

/** The stream to export: the one named, else the first EEG stream, else the first numeric one. */
export function chooseSignalStream(xdf: XdfFile, name?: string): XdfFileStream {
  const numeric = xdf.streams.filter((stream) => stream.description.channelFormat !== 'string' && stream.sampleCount > 0)
  if (name !== undefined) {
    const named = xdf.streams.find((stream) => stream.description.name === name)
    if (!named) throw new EntrainError('NOT_FOUND', `${xdf.file} has no stream named ${name}; it has ${xdf.streams.map((stream) => stream.description.name).join(', ')}`)
    if (!numeric.includes(named)) throw new EntrainError('INVALID_INPUT', `stream ${name} in ${xdf.file} has no numeric samples to export`)
    return named
  }
  const chosen = numeric.find((stream) => stream.description.type.toUpperCase() === 'EEG') ?? numeric[0]
  if (!chosen) throw new EntrainError('INVALID_INPUT', `${xdf.file} holds no numeric stream with samples (only ${xdf.streams.map((stream) => stream.description.name).join(', ') || 'nothing'})`)
  return chosen
}

/** Every sample of every string stream, as markers with readable labels. */
export async function readMarkers(xdf: XdfFile): Promise<ExportMarker[]> {
  const markers: ExportMarker[] = []
  for (const stream of xdf.streams) {
    if (stream.description.channelFormat !== 'string') continue
    const { timestamps, values } = await xdf.strings(stream.id)
    timestamps.forEach((time, index) => markers.push({ time, label: describeMarker(values[index]!.join(' ')), stream: stream.description.name }))
  }
  return markers.sort((a, b) => a.time - b.time)
}

/** When the recording started: the XDF header's datetime, else the file's modification time. */
async function recordingStart(xdf: XdfFile): Promise<Date> {
  const match = /<datetime>([^<]+)<\/datetime>/.exec(xdf.headerXml)
  const parsed = match ? new Date(match[1]!) : null
  if (parsed && !Number.isNaN(parsed.getTime())) return parsed
  return (await fs.stat(xdf.file)).mtime
}

export async function prepareRecording(xdf: XdfFile, streamName?: string): Promise<RecordingToExport> {
  const stream = chooseSignalStream(xdf, streamName)
  const rate = stream.description.nominalSrate > 0 ? stream.description.nominalSrate : stream.effectiveSrate
  if (!(rate > 0)) throw new EntrainError('INVALID_INPUT', `stream ${stream.description.name} in ${xdf.file} has no sampling rate to export with`)
  const markers: RecordingToExport['markers'] = []
  let markersOutside = 0
  for (const marker of await readMarkers(xdf)) {
    const placed = await placeTime(xdf, stream, rate, marker.time)
    if (placed === null) markersOutside++
    else markers.push({ ...marker, ...placed })
  }
  return { xdf, stream, channels: exportChannels(stream.description), rate, markers, markersOutside, start: await recordingStart(xdf) }
}

/** Reads the stream once for each channel's range and its gaps; `onProgress` hears 0…1 of this pass. */
export async function measureRanges(recording: RecordingToExport, onProgress?: ExportProgress): Promise<{ ranges: ChannelRanges; gaps: SampleGap[] }> {
  const { xdf, stream } = recording
  const ranges = new ChannelRanges(stream.description.channelCount)
  const gaps = new GapFinder(recording.rate)
  for await (const block of xdf.blocks(stream.id)) {
    ranges.add(numbers(block.values))
    gaps.add(block.first, block.timestamps)
    onProgress?.((block.first + block.timestamps.length) / stream.sampleCount, 'measuring channel ranges')
  }
  return { ranges, gaps: gaps.gaps }
}

/** Numeric samples as numbers (int64 streams are converted; exports store at most 32-bit floats). */
export function numbers(values: unknown): ArrayLike<number> {
  if (values instanceof BigInt64Array) return Float64Array.from(values, Number)
  if (Array.isArray(values)) throw new EntrainError('INVALID_INPUT', 'a string stream cannot be exported as signals')
  return values as ArrayLike<number>
}
