/**
 * Decoded audio as the stimulus pipeline handles it. Named PcmAudio so that it never clashes with
 * the DOM's AudioBuffer in code that sees both.
 */
export interface PcmAudio {
  sampleRate: number
  /** One array per channel (planar), all of the same length, full scale ±1. */
  channels: Float32Array[]
}

/** Samples per channel. */
export function frameCount(audio: PcmAudio): number {
  return audio.channels[0]?.length ?? 0
}

export function durationSeconds(audio: PcmAudio): number {
  return frameCount(audio) / audio.sampleRate
}
