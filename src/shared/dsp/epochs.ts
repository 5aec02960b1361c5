/**
 * Event-related averages: epochs of a multichannel signal around markers, each corrected by the
 * mean of its own pre-marker baseline, averaged per condition.
 */

export class EpochAverage {
  readonly sum: Float64Array
  count = 0

  /** `length` samples per epoch, of which the first `baselineSamples` lie before the marker. */
  constructor(
    readonly channelCount: number,
    readonly length: number,
    readonly baselineSamples: number,
  ) {
    this.sum = new Float64Array(channelCount * length)
  }

  /** Adds one epoch (sample-major, `length` samples), minus each channel's mean over the baseline. */
  add(epoch: ArrayLike<number>): void {
    const { channelCount, length, baselineSamples } = this
    if (epoch.length < channelCount * length) throw new RangeError(`an epoch needs ${length} samples of ${channelCount} channels, got ${epoch.length} values`)
    for (let c = 0; c < channelCount; c++) {
      let baseline = 0
      for (let i = 0; i < baselineSamples; i++) baseline += epoch[i * channelCount + c]!
      baseline = baselineSamples > 0 ? baseline / baselineSamples : 0
      for (let i = 0; i < length; i++) this.sum[c * length + i]! += epoch[i * channelCount + c]! - baseline
    }
    this.count++
  }

  /** The average, channel-major (channel c, sample i at `c * length + i`). */
  mean(): Float32Array {
    return Float32Array.from(this.sum, (value) => (this.count > 0 ? value / this.count : NaN))
  }
}
