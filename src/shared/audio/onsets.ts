/**
 * Finding stimulus onsets in a recording of the output, and comparing them with the engine's
 * markers: the heart of the timing self-test.
 */

/**
 * Frames where channel 0 first exceeds `threshold` (absolute) after at least `quietFrames` of
 * near-silence (below `silence`). Clicks of the self-test start with a full-scale first frame,
 * so the onset found is exact to the sample.
 */
export function detectOnsets(interleaved: Float32Array, channels: number, options: { threshold?: number; silence?: number; quietFrames?: number } = {}): number[] {
  const threshold = options.threshold ?? 0.5
  const silence = options.silence ?? 1e-4
  const quietFrames = options.quietFrames ?? 2000
  const onsets: number[] = []
  let quietFor = quietFrames
  for (let frame = 0; frame < interleaved.length / channels; frame++) {
    const value = Math.abs(interleaved[frame * channels]!)
    if (value > threshold && quietFor >= quietFrames) onsets.push(frame)
    quietFor = value > silence ? 0 : quietFor + 1
  }
  return onsets
}

/** A click: a full-scale first frame (the onset to find), a short decaying 1 kHz tone, then silence. */
export function clickStimulus(rate: number, channels: number, seconds = 0.05): Float32Array {
  const frames = Math.round(seconds * rate)
  const samples = new Float32Array(frames * channels)
  const decayFrames = rate / 400
  for (let frame = 0; frame < Math.min(frames, rate / 100); frame++) {
    const value = 0.9 * Math.cos((2 * Math.PI * 1000 * frame) / rate) * Math.exp(-frame / decayFrames)
    for (let channel = 0; channel < channels; channel++) samples[frame * channels + channel] = value
  }
  return samples
}

export interface TimingComparison {
  onsets: number
  /** Recorded onset distance from the first onset minus the markers' frame distance (samples). */
  frameErrors: number[]
  /**
   * Marker time distance between consecutive onsets minus their recorded distance at the device's
   * rate (seconds): how well markers time events relative to each other, as epoching needs.
   */
  markerErrors: number[]
  /**
   * The same from the first onset over the whole run (seconds): adds the slow wander of the
   * device's timing reports (PulseAudio interpolates its latency and corrects it in steps).
   */
  markerSpanErrors: number[]
}

/**
 * Compares recorded onsets with the markers' frames and times. Distances are compared, never
 * absolute positions, since the recording and the device start at different moments.
 */
export function compareOnsets(recordedFrames: number[], markers: { frame: number; time: number }[], deviceRate: number): TimingComparison {
  if (recordedFrames.length !== markers.length) {
    throw new RangeError(`found ${recordedFrames.length} onsets in the recording for ${markers.length} markers`)
  }
  const frameErrors: number[] = []
  const markerErrors: number[] = []
  const markerSpanErrors: number[] = []
  for (let index = 1; index < markers.length; index++) {
    const fromFirst = recordedFrames[index]! - recordedFrames[0]!
    const fromPrevious = recordedFrames[index]! - recordedFrames[index - 1]!
    frameErrors.push(fromFirst - (markers[index]!.frame - markers[0]!.frame))
    markerErrors.push(markers[index]!.time - markers[index - 1]!.time - fromPrevious / deviceRate)
    markerSpanErrors.push(markers[index]!.time - markers[0]!.time - fromFirst / deviceRate)
  }
  return { onsets: markers.length, frameErrors, markerErrors, markerSpanErrors }
}

export function summarize(values: number[]): { mean: number; sd: number; maxAbs: number } {
  if (values.length === 0) return { mean: 0, sd: 0, maxAbs: 0 }
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length
  const sd = values.length > 1 ? Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1)) : 0
  return { mean, sd, maxAbs: Math.max(...values.map(Math.abs)) }
}
