/**
 * Sample-exact placement of stimuli on the output stream. The engine asks for the output one block
 * at a time; every stimulus starts at an integer output frame, so its onset is exact by
 * construction, whatever the block boundaries are. Between stimuli the output is silence.
 */

export interface PlacedStimulus {
  id: string
  /** Interleaved frames at the output rate and channel count. */
  samples: Float32Array
  startFrame: number
  /** One past the last frame that sounds (earlier than start + length if stopped). */
  endFrame: number
  /** A linear fade to silence over [fadeStart, endFrame), set by stop(). */
  fadeStart: number | null
}

export type TimelineEvent = { kind: 'onset' | 'offset' | 'stopped'; id: string; frame: number }

export class Timeline {
  private placed: PlacedStimulus[] = []

  constructor(readonly channels: number) {}

  /** Places a stimulus so that its first frame is output frame `startFrame`. */
  place(id: string, samples: Float32Array, startFrame: number): PlacedStimulus {
    if (!Number.isInteger(startFrame) || startFrame < 0) throw new RangeError(`start frame must be a whole number ≥ 0, got ${startFrame}`)
    if (samples.length % this.channels !== 0) throw new RangeError(`stimulus ${id} is not a whole number of ${this.channels}-channel frames`)
    const stimulus: PlacedStimulus = { id, samples, startFrame, endFrame: startFrame + samples.length / this.channels, fadeStart: null }
    this.placed.push(stimulus)
    return stimulus
  }

  /** The frame after which nothing placed sounds (for gapless sequences: the next onset). */
  endOfLast(): number {
    return this.placed.reduce((end, stimulus) => Math.max(end, stimulus.endFrame), 0)
  }

  /** Fades every stimulus still sounding at `frame` to silence over `fadeFrames` and ends it there. */
  stop(frame: number, fadeFrames: number): string[] {
    const stopped: string[] = []
    for (const stimulus of this.placed) {
      if (stimulus.endFrame <= frame) continue
      if (stimulus.startFrame >= frame) {
        stimulus.endFrame = stimulus.startFrame // never starts
      } else {
        stimulus.fadeStart = frame
        stimulus.endFrame = Math.min(stimulus.endFrame, frame + fadeFrames)
      }
      stopped.push(stimulus.id)
    }
    return stopped
  }

  /**
   * Writes frames [startFrame, startFrame + frameCount) into `output` (interleaved) and returns the
   * onsets and ends that fall in this block, in frame order.
   */
  render(output: Float32Array, startFrame: number, frameCount: number): TimelineEvent[] {
    const { channels } = this
    output.fill(0, 0, frameCount * channels)
    const blockEnd = startFrame + frameCount
    const events: TimelineEvent[] = []
    for (const stimulus of this.placed) {
      const naturalEnd = stimulus.startFrame + stimulus.samples.length / channels
      if (stimulus.startFrame >= startFrame && stimulus.startFrame < blockEnd && stimulus.endFrame > stimulus.startFrame) {
        events.push({ kind: 'onset', id: stimulus.id, frame: stimulus.startFrame })
      }
      if (stimulus.endFrame > stimulus.startFrame && stimulus.endFrame > startFrame && stimulus.endFrame <= blockEnd) {
        events.push({ kind: stimulus.endFrame < naturalEnd ? 'stopped' : 'offset', id: stimulus.id, frame: stimulus.endFrame })
      }
      const from = Math.max(startFrame, stimulus.startFrame)
      const to = Math.min(blockEnd, stimulus.endFrame)
      for (let frame = from; frame < to; frame++) {
        const gain = stimulus.fadeStart === null || frame < stimulus.fadeStart ? 1 : (stimulus.endFrame - frame) / (stimulus.endFrame - stimulus.fadeStart)
        const source = (frame - stimulus.startFrame) * channels
        const target = (frame - startFrame) * channels
        for (let channel = 0; channel < channels; channel++) output[target + channel]! += stimulus.samples[source + channel]! * gain
      }
    }
    this.placed = this.placed.filter((stimulus) => stimulus.endFrame > blockEnd)
    return events.sort((a, b) => a.frame - b.frame)
  }
}
