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

/** Frame-major samples (all channels of frame 0, then frame 1, …), as audio devices take them. */
export function interleave(audio: PcmAudio): Float32Array {
  const channels = audio.channels.length
  const frames = frameCount(audio)
  const out = new Float32Array(frames * channels)
  audio.channels.forEach((samples, channel) => {
    for (let frame = 0; frame < frames; frame++) out[frame * channels + channel] = samples[frame]!
  })
  return out
}
