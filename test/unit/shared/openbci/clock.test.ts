import { describe, expect, it } from 'vitest'
import { CounterClock } from '../../../../src/shared/openbci/clock'
import { Random } from '../../../../src/shared/sim/random'

const rate = 250
const transport = (33 * 10) / 115_200

/**
 * A board whose crystal runs `ppm` fast, behind a USB serial adapter: the FTDI chip sends what it
 * holds once it has 62 bytes (every second packet) or after its 16 ms latency timer, in 1 ms USB
 * frames; the host adds scheduling jitter and, now and then, a stall of up to 120 ms after which
 * everything held up arrives at once.
 */
function simulate(seconds: number, ppm: number, seed: number) {
  const random = new Random(seed)
  const start = 5000
  const period = 1 / (rate * (1 + ppm * 1e-6))
  const frames = random.next() * 0.001
  const count = seconds * rate
  const trueTimes = Float64Array.from({ length: count }, (_, index) => start + index * period)
  const arrivals = new Float64Array(count)
  let stallUntil = 0
  for (let pair = 0; pair < count; pair += 2) {
    const sent = trueTimes[Math.min(pair + 1, count - 1)]! + transport
    let arrival = frames + Math.ceil((sent - frames) / 0.001) * 0.001 - Math.log(1 - random.next()) * 0.0003
    if (random.next() < 0.004) stallUntil = arrival + 0.02 + random.next() * 0.1
    if (arrival < stallUntil) arrival = stallUntil
    arrival = Math.max(arrival, pair > 0 ? arrivals[pair - 1]! : 0)
    arrivals[pair] = arrival
    if (pair + 1 < count) arrivals[pair + 1] = arrival
  }
  return { trueTimes, arrivals }
}

/** Feeds arrivals as a driver does: everything that arrived at the same moment is one read. */
function stampAll(arrivals: Float64Array, clock: CounterClock): Float64Array {
  const stamps = new Float64Array(arrivals.length)
  let first = 0
  while (first < arrivals.length) {
    let last = first
    while (last + 1 < arrivals.length && arrivals[last + 1] === arrivals[first]) last += 1
    clock.observe(last, arrivals[first]!)
    for (let index = first; index <= last; index++) stamps[index] = clock.stamp(index)
    first = last + 1
  }
  return stamps
}

const mean = (values: ArrayLike<number>) => Array.from(values).reduce((sum, value) => sum + value, 0) / values.length
const standardDeviation = (values: ArrayLike<number>) => {
  const centre = mean(values)
  return Math.sqrt(mean(Array.from(values, (value) => (value - centre) ** 2)))
}
const intervals = (times: Float64Array) => Array.from(times.subarray(1), (time, index) => time - times[index]!)

describe('timestamps from the sample counter', () => {
  it('stamps bursty arrivals regularly, within the USB frame of the true sample times, following the crystal', () => {
    const { trueTimes, arrivals } = simulate(90, 80, 7)
    const stamps = stampAll(arrivals, new CounterClock({ rate, transportSeconds: transport }))
    const settled = 3 * rate
    const error = stamps.map((stamp, index) => stamp - trueTimes[index]!)
    const arrivalError = arrivals.map((arrival, index) => arrival - transport - trueTimes[index]!)
    // What is left is the part of the delay no arrival reveals: where the 1 ms USB frames fall.
    expect(Math.min(...error.slice(settled))).toBeGreaterThan(-0.0002)
    expect(Math.max(...error.slice(settled))).toBeLessThan(0.0015)
    // The arrivals alone: the stalls, and an interval that jumps by whole USB frames.
    expect(Math.max(...arrivalError.slice(settled))).toBeGreaterThan(0.02)
    expect(standardDeviation(intervals(stamps).slice(settled))).toBeLessThan(0.0001)
    expect(standardDeviation(intervals(arrivals).slice(settled))).toBeGreaterThan(0.001)
    // 80 ppm over 90 s is 7.2 ms: a clock that kept the nominal period would have drifted that far.
    expect(Math.abs(mean(error.slice(-rate * 10)) - mean(error.slice(settled, settled + rate * 10)))).toBeLessThan(0.0005)
  })

  it('never puts a sample after its arrival or before the previous sample', () => {
    const { arrivals } = simulate(20, -50, 11)
    const stamps = stampAll(arrivals, new CounterClock({ rate, transportSeconds: transport }))
    for (let index = 0; index < stamps.length; index++) {
      expect(stamps[index]!).toBeLessThanOrEqual(arrivals[index]! - transport + 1e-12)
      if (index > 0) expect(stamps[index]!).toBeGreaterThan(stamps[index - 1]!)
    }
  })

  it('leaves a gap as long as the samples that were lost', () => {
    const clock = new CounterClock({ rate })
    const indices = [0, 1, 2, 3, 10, 11]
    const stamps = indices.map((index) => {
      clock.observe(index, 100 + index / rate)
      return clock.stamp(index)
    })
    expect(stamps.map((stamp) => Math.round((stamp - 100) * rate))).toEqual(indices)
  })
})
