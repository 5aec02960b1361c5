/**
 * The relation between output frame indices and the time they reach the DAC, in the LSL clock.
 * Each status read after a write gives one estimate: at time t the frame at the DAC is
 * (frames written − delay). A least-squares line through the recent estimates averages out their
 * jitter and follows the sound card's clock drift against the system clock.
 *
 * Devices misreport while they start (PulseAudio says "running" while its position stands still
 * for a second or more), and after an underrun the relation jumps. An estimate that does not
 * advance, or lies more than `jumpSeconds` off the line, therefore starts the line again.
 */
export class DacClock {
  private frames: number[] = []
  private times: number[] = []
  /** Sums for a least-squares line through every estimate since the last restart (long-run rate). */
  private longRun = { n: 0, frame0: 0, time0: 0, x: 0, y: 0, xx: 0, xy: 0 }

  constructor(
    readonly nominalRate: number,
    /** Seconds of estimates the line goes through. */
    private readonly windowSeconds = 1,
    private readonly jumpSeconds = 0.002,
    /** Estimates and span (seconds) before the line is trusted. */
    private readonly warmUp = { estimates: 16, seconds: 0.5 },
  ) {}

  /** One status estimate: at `time` (LSL clock), output frame `frameAtDac` is being played. */
  add(time: number, frameAtDac: number): void {
    const count = this.frames.length
    if (count > 0) {
      const advancing = frameAtDac > this.frames[count - 1]! && time > this.times[count - 1]!
      const onLine = count < 4 || Math.abs(time - this.timeOf(frameAtDac)) <= this.jumpSeconds
      if (!advancing || !onLine) this.reset()
    }
    this.frames.push(frameAtDac)
    this.times.push(time)
    const sums = this.longRun
    if (sums.n === 0) Object.assign(sums, { frame0: frameAtDac, time0: time })
    const x = frameAtDac - sums.frame0
    const y = time - sums.time0
    sums.n += 1
    sums.x += x
    sums.y += y
    sums.xx += x * x
    sums.xy += x * y
    while (time - this.times[0]! > this.windowSeconds) {
      this.frames.shift()
      this.times.shift()
    }
  }

  /** After an underrun the frame-to-time relation jumps: start again. */
  reset(): void {
    this.frames = []
    this.times = []
    this.longRun = { n: 0, frame0: 0, time0: 0, x: 0, y: 0, xx: 0, xy: 0 }
  }

  /**
   * The device's rate against the system clock, frames per second, over every estimate since the
   * last restart (the line used for DAC times only looks at the last second); null if too few.
   */
  longRunRate(): number | null {
    const { n, x, y, xx, xy } = this.longRun
    const denominator = n * xx - x * x
    if (n < 3 || denominator <= 0) return null
    return denominator / (n * xy - x * y)
  }

  get estimates(): number {
    return this.frames.length
  }

  /** Whether enough consistent estimates came to give DAC times. */
  get ready(): boolean {
    const count = this.frames.length
    return count >= this.warmUp.estimates && this.times[count - 1]! - this.times[0]! >= this.warmUp.seconds
  }

  /** Time of the latest estimate (LSL clock), or -Infinity without one. */
  get latestTime(): number {
    return this.times[this.times.length - 1] ?? Number.NEGATIVE_INFINITY
  }

  /** Seconds per frame and the time of frame 0 from the fit (nominal rate until there are enough estimates). */
  fit(): { secondsPerFrame: number; timeOfFrameZero: number } {
    const count = this.frames.length
    if (count === 0) throw new RangeError('the DAC clock has no estimate yet')
    const frameMean = this.frames.reduce((sum, value) => sum + value, 0) / count
    const timeMean = this.times.reduce((sum, value) => sum + value, 0) / count
    let covariance = 0
    let variance = 0
    for (let index = 0; index < count; index++) {
      const frame = this.frames[index]! - frameMean
      covariance += frame * (this.times[index]! - timeMean)
      variance += frame * frame
    }
    // A short span says little about the rate: use the nominal one until half a second is covered.
    const secondsPerFrame = variance > 0 && this.frames[count - 1]! - this.frames[0]! >= this.nominalRate / 2 ? covariance / variance : 1 / this.nominalRate
    return { secondsPerFrame, timeOfFrameZero: timeMean - secondsPerFrame * frameMean }
  }

  /** When output frame `frame` reaches (or reached) the DAC, in the LSL clock. */
  timeOf(frame: number): number {
    const { secondsPerFrame, timeOfFrameZero } = this.fit()
    return timeOfFrameZero + secondsPerFrame * frame
  }

  /** The output frame at the DAC at `time`. */
  frameAt(time: number): number {
    const { secondsPerFrame, timeOfFrameZero } = this.fit()
    return (time - timeOfFrameZero) / secondsPerFrame
  }

  /** Standard deviation of single estimates around the fit, seconds: how noisy the device status is. */
  spread(): number {
    const count = this.frames.length
    if (count < 3) return Number.NaN
    const { secondsPerFrame, timeOfFrameZero } = this.fit()
    let sum = 0
    for (let index = 0; index < count; index++) sum += (this.times[index]! - timeOfFrameZero - secondsPerFrame * this.frames[index]!) ** 2
    return Math.sqrt(sum / (count - 2))
  }
}
