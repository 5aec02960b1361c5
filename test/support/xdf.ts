import { open } from 'node:fs/promises'
import {
  encodeBoundary,
  encodeClockOffset,
  encodeFileHeader,
  encodeSamples,
  encodeStreamFooter,
  encodeStreamHeader,
  streamFooterXml,
  streamHeaderXml,
  xdfMagic,
} from '../../src/shared/xdf/writer'

export interface TestRecording {
  channels: number
  rate: number
  samples: number
  /** Samples per samples chunk (as a recorder writes them, a pull at a time). */
  chunkSamples?: number
  /** LSL time of the first sample. */
  start?: number
  /** The timestamp of sample i (default: start + i / rate). */
  timeOf?: (i: number) => number
  /** The value of channel c at sample i, in µV. */
  value: (i: number, c: number) => number
  /** Marker texts and their times (LSL clock), written to a string stream `Markers`. */
  markers?: { time: number; text: string }[]
  labels?: string[]
}

/**
 * Writes an XDF file as a recorder does, a chunk at a time (never the whole recording in memory):
 * an EEG stream `TestEEG` (float32, µV, 10-20-like labels) and, with `markers`, a string stream
 * `Markers`, with clock offsets, boundaries and footers. Returns the file's size.
 */
export async function writeTestXdf(file: string, recording: TestRecording): Promise<number> {
  const { channels, rate, samples, value } = recording
  const chunkSamples = recording.chunkSamples ?? 32
  const start = recording.start ?? 1000
  const timeOf = recording.timeOf ?? ((i: number) => start + i / rate)
  const labels = recording.labels ?? Array.from({ length: channels }, (_, c) => `E${c + 1}`)
  const handle = await open(file, 'wx')
  const pending: Uint8Array[] = []
  let pendingBytes = 0
  let total = 0
  const write = async (bytes: Uint8Array) => {
    pending.push(bytes)
    pendingBytes += bytes.length
    total += bytes.length
    if (pendingBytes > 1 << 22) {
      await handle.write(Buffer.concat(pending))
      pending.length = 0
      pendingBytes = 0
    }
  }
  await write(xdfMagic)
  await write(encodeFileHeader('', { datetime: '2026-03-01T10:00:00.000Z' }))
  await write(
    encodeStreamHeader(
      1,
      streamHeaderXml({ name: 'TestEEG', type: 'EEG', channelCount: channels, nominalSrate: rate, channelFormat: 'float32', sourceId: 'test-eeg', hostname: 'test', uid: 'u1', channels: labels.map((label) => ({ label, unit: 'microvolts', type: 'EEG' })) }),
    ),
  )
  const markers = recording.markers ?? []
  if (markers.length) {
    await write(encodeStreamHeader(2, streamHeaderXml({ name: 'Markers', type: 'Markers', channelCount: 1, nominalSrate: 0, channelFormat: 'string', sourceId: 'test-markers', hostname: 'test', uid: 'u2' })))
  }
  let nextMarker = 0
  const values = new Float32Array(chunkSamples * channels)
  for (let first = 0, chunk = 0; first < samples; first += chunkSamples, chunk++) {
    const count = Math.min(chunkSamples, samples - first)
    const timestamps = new Float64Array(count)
    for (let i = 0; i < count; i++) {
      timestamps[i] = timeOf(first + i)
      for (let c = 0; c < channels; c++) values[i * channels + c] = value(first + i, c)
    }
    await write(encodeSamples(1, 'float32', channels, timestamps, values.subarray(0, count * channels)))
    const until = timeOf(first + count - 1) + 0.5 / rate
    while (nextMarker < markers.length && markers[nextMarker]!.time < until) {
      const marker = markers[nextMarker++]!
      await write(encodeSamples(2, 'string', 1, [marker.time], [[marker.text]]))
    }
    if (chunk % 100 === 0) {
      await write(encodeClockOffset(1, until, 0))
      if (markers.length) await write(encodeClockOffset(2, until, 0))
      await write(encodeBoundary())
    }
  }
  for (const marker of markers.slice(nextMarker)) await write(encodeSamples(2, 'string', 1, [marker.time], [[marker.text]]))
  await write(encodeStreamFooter(1, streamFooterXml({ firstTimestamp: timeOf(0), lastTimestamp: timeOf(samples - 1), sampleCount: samples, clockOffsets: [] })))
  if (markers.length) {
    await write(encodeStreamFooter(2, streamFooterXml({ firstTimestamp: markers[0]!.time, lastTimestamp: markers[markers.length - 1]!.time, sampleCount: markers.length, clockOffsets: [] })))
  }
  await handle.write(Buffer.concat(pending))
  await handle.close()
  return total
}
