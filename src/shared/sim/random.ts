/**
 * A small seeded pseudo-random generator (xoshiro128**, seeded through splitmix32 so that nearby
 * seeds give unrelated streams). Simulations must be reproducible from their seed on every
 * platform, which Math.random is not.
 */
export class Random {
  private s0: number
  private s1: number
  private s2: number
  private s3: number
  /** The second value of the last polar-method pair, or NaN when none is waiting. */
  private spareNormal = NaN

  /** `seed` is taken modulo 2³² after truncation to an integer. */
  constructor(seed: number) {
    let mix = Math.trunc(seed) >>> 0
    const nextSeedWord = (): number => {
      mix = (mix + 0x9e3779b9) | 0
      let z = mix
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
      return (z ^ (z >>> 16)) | 0
    }
    this.s0 = nextSeedWord()
    this.s1 = nextSeedWord()
    this.s2 = nextSeedWord()
    this.s3 = nextSeedWord()
    // The all-zero state would only ever produce zeros.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1
  }

  /** Uniform integer in [0, 2³²). */
  nextUint32(): number {
    const result = Math.imul(rotateLeft(Math.imul(this.s1, 5), 7), 9) >>> 0
    const t = this.s1 << 9
    this.s2 ^= this.s0
    this.s3 ^= this.s1
    this.s1 ^= this.s2
    this.s0 ^= this.s3
    this.s2 ^= t
    this.s3 = rotateLeft(this.s3, 11)
    return result
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296
  }

  /** Standard normal (mean 0, variance 1), by Marsaglia's polar method: no trigonometry, one log per two values. */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const spare = this.spareNormal
      this.spareNormal = NaN
      return spare
    }
    let u: number
    let v: number
    let s: number
    do {
      u = 2 * this.next() - 1
      v = 2 * this.next() - 1
      s = u * u + v * v
    } while (s >= 1 || s === 0)
    const scale = Math.sqrt((-2 * Math.log(s)) / s)
    this.spareNormal = v * scale
    return u * scale
  }

  /** Shuffles in place (Fisher–Yates). */
  shuffle<T>(values: { length: number; [index: number]: T }): void {
    for (let index = values.length - 1; index > 0; index--) {
      const other = Math.floor(this.next() * (index + 1))
      const swap = values[index]!
      values[index] = values[other]!
      values[other] = swap
    }
  }

  /** A new generator seeded from this one: an independent stream for one part of a simulation. */
  fork(): Random {
    return new Random(this.nextUint32())
  }
}

function rotateLeft(x: number, bits: number): number {
  return (x << bits) | (x >>> (32 - bits))
}
