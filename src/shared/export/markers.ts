/**
 * Markers of a recording as exports write them: a readable label from each marker sample (Entrain's
 * JSON markers or anyone's plain text).
 */

/** A marker to export: when it happened (recording computer's clock), what it says, which stream said it. */
export interface ExportMarker {
  time: number
  label: string
  stream: string
}

/**
 * A one-line label for a marker sample: Entrain's JSON markers become `event stimulus` (a phase its
 * name, a response `scale=value`); any other text is kept as it is.
 */
export function describeMarker(text: string): string {
  try {
    const parsed = JSON.parse(text) as { event?: unknown; phase?: unknown; stimulus?: unknown; scale?: unknown; value?: unknown }
    if (parsed && typeof parsed === 'object' && typeof parsed.event === 'string') {
      const parts = [parsed.event === 'phase' && typeof parsed.phase === 'string' ? parsed.phase : parsed.event]
      if (typeof parsed.stimulus === 'string') parts.push(parsed.stimulus)
      if (typeof parsed.scale === 'string') parts.push(`${parsed.scale}=${String(parsed.value)}`)
      return parts.join(' ')
    }
  } catch {
    // plain text
  }
  return text.replace(/[\r\n\t]+/g, ' ').trim()
}

/** A pause in a stream's samples (its source vanished and returned): exports mark where it was. */
export interface SampleGap {
  /** The first sample after the pause. */
  sample: number
  /** Seconds missing: the pause beyond one sample period. */
  seconds: number
}

/**
 * Finds pauses in a stream's timestamps as blocks of them go by: consecutive samples further apart
 * than both 0.1 s and 10 sample periods. Exports write the samples back to back, so without a mark
 * the time after a pause would silently shift.
 */
export class GapFinder {
  readonly gaps: SampleGap[] = []
  private previous: number | undefined
  private readonly threshold: number

  constructor(private readonly rate: number) {
    this.threshold = Math.max(0.1, 10 / rate)
  }

  /** Timestamps of samples `first`, `first + 1`, …, in order. */
  add(first: number, timestamps: ArrayLike<number>): void {
    for (let i = 0; i < timestamps.length; i++) {
      const time = timestamps[i]!
      if (this.previous !== undefined && time - this.previous > this.threshold) this.gaps.push({ sample: first + i, seconds: time - this.previous - 1 / this.rate })
      this.previous = time
    }
  }
}

export const gapLabel = (gap: SampleGap) => `gap of ${gap.seconds.toFixed(3)} s in the recording`
