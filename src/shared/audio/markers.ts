/**
 * The audio engine's markers: what it publishes on its LSL marker stream (one JSON object per
 * sample, timestamped with the DAC time of the event's frame) and what the recordings, the
 * session runner and the dataset builder read back.
 */

export interface MarkerEvent {
  event: 'stimulus_onset' | 'stimulus_offset' | 'stimulus_stopped'
  stimulus: string
  file: string
  /** Output frame index of the event in the device stream. */
  frame: number
  /** DAC time of that frame, LSL clock: the marker's LSL timestamp. */
  time: number
  /** Underruns while this stimulus was playing (only on offset/stopped). */
  underruns?: number
}

/**
 * A stimulus marker imported from another recorder's log (an OpenBCI GUI `%Song <id>` line): the
 * sound did not go through Entrain's output, so there is no output frame, and the log names no file.
 */
export interface ImportedMarkerEvent extends Omit<MarkerEvent, 'frame' | 'file'> {
  frame: null
  file: null
}

/** The JSON text of a marker sample: the event without its time, which is the LSL timestamp. */
export function markerPayload(marker: MarkerEvent | ImportedMarkerEvent): string {
  const { time: _time, ...payload } = marker
  return JSON.stringify(payload)
}

/** A marker sample back from its JSON text and LSL timestamp; null for other marker texts. */
export function parseMarker(text: string, timestamp: number): MarkerEvent | ImportedMarkerEvent | null {
  try {
    const value = JSON.parse(text) as Partial<MarkerEvent | ImportedMarkerEvent>
    if (typeof value !== 'object' || value === null || typeof value.event !== 'string') return null
    if (typeof value.frame !== 'number' && value.frame !== null) return null
    return { ...(value as MarkerEvent | ImportedMarkerEvent), time: timestamp }
  } catch {
    return null
  }
}
