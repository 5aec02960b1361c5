import type { Random } from './random'

/**
 * Corner frequencies of the first-order bands whose sum approximates 1/f: a factor of 3 apart, so
 * the sum's ripple stays within about ±1 dB. Above the last corner the spectrum falls as 1/f²,
 * as resting EEG does above the alpha band.
 */
const bandCorners = [0.5, 1.5, 4.5, 13.5]

/**
 * Independent unit-variance 1/f ("pink") noise generators, each a sum of first-order low-passed
 * white noise bands. Band k gets a low-frequency level ∝ 1/corner_k, so every band adds the same
 * power and the sum follows 1/f between the lowest and the highest corner.
 */
export class PinkNoiseBank {
  readonly count: number
  private readonly random: Random
  private readonly poles: Float64Array
  private readonly gains: Float64Array
  /** One value per band per generator: state[generator·bands + band]. */
  private readonly state: Float64Array

  constructor(count: number, sampleRate: number, random: Random) {
    this.count = count
    this.random = random
    // Corners must stay well below Nyquist for the one-pole approximation to hold.
    const corners = bandCorners.map((corner) => Math.min(corner, sampleRate / 8))
    this.poles = Float64Array.from(corners, (corner) => Math.exp((-2 * Math.PI * corner) / sampleRate))
    this.gains = Float64Array.from(corners, (corner, k) => (1 - this.poles[k]!) / Math.sqrt(corner))
    let variance = 0
    for (let k = 0; k < corners.length; k++) variance += this.gains[k]! ** 2 / (1 - this.poles[k]! ** 2)
    for (let k = 0; k < corners.length; k++) this.gains[k] = this.gains[k]! / Math.sqrt(variance)
    this.state = new Float64Array(count * corners.length)
    this.warmUp()
  }

  /** Advances every generator by one sample and writes their values into values[0…count). */
  step(values: Float64Array): void {
    const { poles, gains, state, random } = this
    const bands = poles.length
    for (let g = 0, s = 0; g < this.count; g++) {
      let sum = 0
      for (let k = 0; k < bands; k++, s++) {
        const next = poles[k]! * state[s]! + gains[k]! * random.normal()
        state[s] = next
        sum += next
      }
      values[g] = sum
    }
  }

  /** Starts each band in its stationary distribution rather than at zero, so there is no slow start-up drift. */
  private warmUp(): void {
    const bands = this.poles.length
    for (let s = 0; s < this.state.length; s++) {
      const k = s % bands
      this.state[s] = (this.gains[k]! / Math.sqrt(1 - this.poles[k]! ** 2)) * this.random.normal()
    }
  }
}
