/**
 * Where SignalViewer's traces come from: the live ring buffers of a stream (Devices view) or a
 * window of a recording decimated in main (Recordings view). Either way the viewer asks for one
 * min/max pair per pixel column.
 */
import { resampleEnvelope, type Envelope } from '../../shared/dsp/decimate'
import { describeMarker } from '../../shared/export/markers'
import type { SignalWindow } from '../../shared/contract'
import { liveMarkers, liveSignals } from '../stores/acquisition'

export interface TraceLayout {
  /** The times at the plot's left and right edges (stream clock, seconds). */
  start: number
  end: number
  /** Columns with data, right-aligned: the live buffer may not fill the window yet. */
  columns: number
  coveredWidth: number
}

export interface TraceSource {
  layout(plotWidth: number, windowSeconds: number): TraceLayout | null
  /** Fills `out` with `columns` min/max pairs of a channel, as laid out by the last `layout`. */
  envelope(channel: number, columns: number, out: Envelope): void
  markers(): Iterable<{ time: number; text: string }>
}

/** A one-line marker label for drawing: Entrain's JSON markers by event and stimulus, other text cut to 32 characters. */
export function markerText(text: string): string {
  const label = describeMarker(text)
  return label.length > 32 ? `${label.slice(0, 31)}…` : label
}

/** The last seconds of a live stream (the display-filtered ring buffer) with the live markers. */
export function liveTraceSource(streamKey: string): TraceSource {
  let windowSamples = 0
  return {
    layout(plotWidth, windowSeconds) {
      const signal = liveSignals.get(streamKey)
      if (!signal) return null
      windowSamples = Math.min(signal.filtered.sampleCount, Math.round(windowSeconds * signal.rate))
      const coveredWidth = Math.max(1, Math.round((windowSamples / (windowSeconds * signal.rate)) * plotWidth))
      return { start: signal.lastTimestamp - windowSeconds, end: signal.lastTimestamp, columns: Math.min(coveredWidth, windowSamples), coveredWidth }
    },
    envelope(channel, columns, out) {
      const signal = liveSignals.get(streamKey)
      if (signal && windowSamples > 0) signal.filtered.latestEnvelope(channel, windowSamples, columns, out)
    },
    markers: () => liveMarkers,
  }
}

/** A window of a recording as main decimated it, redrawn to the plot's width. */
export function windowTraceSource(window: SignalWindow, markers: readonly { time: number; label: string }[]): TraceSource {
  const shown = markers.filter((marker) => marker.time >= window.start && marker.time <= window.end).map((marker) => ({ time: marker.time, text: marker.label }))
  return {
    layout: (plotWidth) => ({ start: window.start, end: window.end, columns: plotWidth, coveredWidth: plotWidth }),
    envelope(channel, columns, out) {
      const from = channel * window.columns
      resampleEnvelope({ min: window.min.subarray(from, from + window.columns), max: window.max.subarray(from, from + window.columns) }, columns, out)
    },
    markers: () => shown,
  }
}
