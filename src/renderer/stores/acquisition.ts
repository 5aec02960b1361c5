import { reactive } from 'vue'
import type { LslStatus, RecordingStatus, SimulatorStatus, StreamDataBatch, StreamSummary } from '../../shared/contract'
import { bandpassSections, notchSections, FilterChain, type BiquadSection } from '../../shared/dsp/biquad'
import { RingBuffer } from '../../shared/dsp/decimate'
import { call, on } from '../api/client'

/** What the Devices view shows; live samples are kept apart (below) so Vue does not track them. */
export const acquisition = reactive({
  lsl: null as LslStatus | null,
  streams: [] as StreamSummary[],
  simulator: { running: false, name: null, channels: null, rate: null } as SimulatorStatus,
  recording: { active: false, file: null, startedAt: null, bytes: 0, streams: [], error: null } as RecordingStatus,
  /** The stream drawn in the viewer. */
  viewedKey: null as string | null,
})

export interface DisplayFilter {
  notch: 0 | 50 | 60
  bandpass: { low: number; high: number } | null
}

/** The last seconds of one numeric stream: raw for spectra, filtered for the traces. */
export interface LiveSignal {
  channelCount: number
  rate: number
  raw: RingBuffer
  filtered: RingBuffer
  chain: FilterChain | null
  /** Timestamp of the newest sample (LSL clock). */
  lastTimestamp: number
}

export interface LiveMarker {
  time: number
  text: string
}

export const maxWindowSeconds = 30
const markerMemorySeconds = 60

export const liveSignals = new Map<string, LiveSignal>()
export const liveMarkers: LiveMarker[] = []
let displayFilter: DisplayFilter = { notch: 0, bandpass: null }

export function isMarkerStream(stream: StreamSummary): boolean {
  return stream.description.channelFormat === 'string' || stream.description.type.toLowerCase() === 'markers'
}

function filterSections(rate: number): BiquadSection[] {
  const sections: BiquadSection[] = []
  if (displayFilter.notch && displayFilter.notch < rate / 2) sections.push(...notchSections(displayFilter.notch, rate))
  const band = displayFilter.bandpass
  if (band && band.low > 0 && band.high < rate / 2 && band.low < band.high) sections.push(...bandpassSections(band.low, band.high, rate, 4))
  return sections
}

/** Re-filters the kept history with the new settings, so the whole window changes at once. */
export function setDisplayFilter(filter: DisplayFilter): void {
  displayFilter = filter
  for (const signal of liveSignals.values()) {
    const sections = filterSections(signal.rate)
    signal.chain = sections.length ? new FilterChain(sections, signal.channelCount) : null
    const history = signal.raw.readLatestInterleaved(signal.raw.sampleCount)
    signal.filtered.clear()
    signal.filtered.push(signal.chain ? signal.chain.process(history) : history)
  }
}

function receive(batch: StreamDataBatch): void {
  for (const chunk of batch.chunks) {
    if (chunk.strings) {
      for (let index = 0; index < chunk.timestamps.length; index++) {
        liveMarkers.push({ time: chunk.timestamps[index]!, text: chunk.strings[index * chunk.channelCount] ?? '' })
      }
      const newest = liveMarkers[liveMarkers.length - 1]?.time ?? 0
      while (liveMarkers.length && liveMarkers[0]!.time < newest - markerMemorySeconds) liveMarkers.shift()
      continue
    }
    if (!chunk.values || chunk.timestamps.length === 0) continue
    let signal = liveSignals.get(chunk.key)
    if (!signal || signal.channelCount !== chunk.channelCount) {
      const stream = acquisition.streams.find((candidate) => candidate.key === chunk.key)
      const rate = stream?.description.nominalSrate || 250
      const capacity = Math.ceil(rate * maxWindowSeconds)
      const sections = filterSections(rate)
      signal = {
        channelCount: chunk.channelCount,
        rate,
        raw: new RingBuffer(capacity, chunk.channelCount),
        filtered: new RingBuffer(capacity, chunk.channelCount),
        chain: sections.length ? new FilterChain(sections, chunk.channelCount) : null,
        lastTimestamp: 0,
      }
      liveSignals.set(chunk.key, signal)
    }
    signal.raw.push(chunk.values)
    signal.filtered.push(signal.chain ? signal.chain.process(chunk.values) : chunk.values)
    signal.lastTimestamp = chunk.timestamps[chunk.timestamps.length - 1]!
  }
}

/** Streams whose samples the renderer wants: the viewed one and every marker stream. */
export async function updateWatch(): Promise<void> {
  const keys = acquisition.streams.filter((stream) => stream.key === acquisition.viewedKey || isMarkerStream(stream)).map((stream) => stream.key)
  await call('streams.watch', { keys })
}

let started = false

export async function startAcquisitionStore(): Promise<void> {
  if (started) return
  started = true
  on('streams.changed', (streams) => {
    const before = acquisition.streams.map((stream) => stream.key).join()
    acquisition.streams = streams
    if (!acquisition.viewedKey) {
      acquisition.viewedKey = streams.find((stream) => stream.online && !isMarkerStream(stream))?.key ?? null
    }
    if (streams.map((stream) => stream.key).join() !== before) void updateWatch()
  })
  on('streams.data', receive)
  on('simulator.changed', (status) => (acquisition.simulator = status))
  on('recording.changed', (status) => (acquisition.recording = status))
  acquisition.lsl = await call('lsl.status', {})
  if (!acquisition.lsl.available) return
  const [streams, simulator, recording] = await Promise.all([
    call('streams.list', {}),
    call('simulator.status', {}),
    call('recording.status', {}),
  ])
  acquisition.streams = streams
  acquisition.simulator = simulator
  acquisition.recording = recording
  acquisition.viewedKey ??= streams.find((stream) => stream.online && !isMarkerStream(stream))?.key ?? null
  await updateWatch()
}
