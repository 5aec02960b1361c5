import { describe, expect, it } from 'vitest'
import { butterworthLowpassSections, filtfilt } from '../../../../src/shared/dsp/biquad'
import { welchPsd, type PowerSpectrum } from '../../../../src/shared/dsp/welch'
import { createEegSimulator, type EegSimulatorOptions } from '../../../../src/shared/sim/eeg'
import { defaultEegLabels } from '../../../../src/shared/sim/montage'
import { correlation } from '../../../support/stats'

const sampleRate = 250
const labels = defaultEegLabels(16)

function record(seconds: number, options: Partial<EegSimulatorOptions> = {}): Float32Array {
  return createEegSimulator({ labels, sampleRate, seed: 1, ...options }).next(seconds * sampleRate)
}

function channel(data: Float32Array, label: string, channelLabels: readonly string[] = labels): Float64Array {
  const index = channelLabels.indexOf(label)
  const count = channelLabels.length
  return Float64Array.from({ length: data.length / count }, (_, i) => data[i * count + index]!)
}

/** Mean density over the bins in [low, high] Hz. */
function bandPower({ frequencies, power }: PowerSpectrum, low: number, high: number): number {
  let sum = 0
  let bins = 0
  frequencies.forEach((frequency, k) => {
    if (frequency < low || frequency > high) return
    sum += power[k]!
    bins++
  })
  return sum / bins
}

function peak({ frequencies, power }: PowerSpectrum, low: number, high: number): { frequency: number; power: number } {
  let best = { frequency: NaN, power: -Infinity }
  frequencies.forEach((frequency, k) => {
    if (frequency >= low && frequency <= high && power[k]! > best.power) best = { frequency, power: power[k]! }
  })
  return best
}

function rms(values: Float64Array): number {
  const mean = values.reduce((sum, x) => sum + x, 0) / values.length
  return Math.sqrt(values.reduce((sum, x) => sum + (x - mean) ** 2, 0) / values.length)
}

/** Slow positive excursions beyond `threshold` µV: separate events once the signal falls back below half of it. */
function excursions(values: Float64Array, threshold: number): number {
  const slow = filtfilt(butterworthLowpassSections(4, sampleRate, 4), values)
  let count = 0
  let inside = false
  for (const value of slow) {
    if (!inside && value > threshold) {
      count++
      inside = true
    } else if (inside && value < threshold / 2) inside = false
  }
  return count
}

describe('EEG simulator', () => {
  const minute = record(60)

  it('is deterministic per seed, however next() is chunked', () => {
    const simulator = createEegSimulator({ labels, sampleRate, seed: 1 })
    const chunked = new Float32Array(minute.length)
    let offset = 0
    for (const samples of [100, 150, 0, 1, 7, 2242, 3 * sampleRate, 60 * sampleRate - 3250]) {
      const chunk = simulator.next(samples)
      expect(chunk).toHaveLength(samples * labels.length)
      chunked.set(chunk, offset)
      offset += chunk.length
    }
    expect(offset).toBe(minute.length)
    // Exact equality, checked by hand: toEqual on 240 000 values is slow.
    expect(chunked.findIndex((value, i) => value !== minute[i])).toBe(-1)
    expect(record(1, { seed: 2 })).not.toEqual(minute.subarray(0, sampleRate * labels.length))
  })

  it('reports its labels and sample rate', () => {
    const simulator = createEegSimulator({ labels, sampleRate, seed: 1 })
    expect(simulator.labels).toEqual(labels)
    expect(simulator.sampleRate).toBe(sampleRate)
  })

  it('produces amplitudes in the range of scalp EEG', () => {
    for (const label of labels) {
      const values = channel(minute, label)
      expect(rms(values), label).toBeGreaterThan(8)
      expect(rms(values), label).toBeLessThan(50)
      expect(Math.max(...values.map(Math.abs)), label).toBeLessThan(400)
    }
  })

  it('has a posterior alpha peak between 8 and 12 Hz above the 1/f trend', () => {
    for (const seed of [1, 2, 3]) {
      const psd = welchPsd(channel(record(60, { seed }), 'Oz'), sampleRate)
      const alpha = peak(psd, 6, 14)
      expect(alpha.frequency, `seed ${seed}`).toBeGreaterThanOrEqual(8)
      expect(alpha.frequency, `seed ${seed}`).toBeLessThanOrEqual(12)
      // 1/f puts more power at 5–6 Hz than at 10 Hz, and much more than at 14–16 Hz.
      expect(alpha.power / bandPower(psd, 5, 6), `seed ${seed}`).toBeGreaterThan(4)
      expect(alpha.power / bandPower(psd, 14, 16), `seed ${seed}`).toBeGreaterThan(10)
    }
  })

  it('has stronger alpha over the occipital than the frontal channels', () => {
    const alphaPower = (label: string): number => bandPower(welchPsd(channel(minute, label), sampleRate), 8, 12)
    expect(alphaPower('O1')).toBeGreaterThan(3 * alphaPower('Fz'))
    expect(alphaPower('Oz')).toBeGreaterThan(3 * alphaPower('F4'))
  })

  it('falls off as 1/f: more power at 2–4 Hz than at 20–30 Hz', () => {
    for (const label of ['Fz', 'C3', 'Pz', 'O2']) {
      const psd = welchPsd(channel(minute, label), sampleRate)
      expect(bandPower(psd, 2, 4) / bandPower(psd, 20, 30), label).toBeGreaterThan(5)
    }
  })

  it.each([50, 60] as const)('has a line peak at %i Hz', (lineFrequency) => {
    const other = lineFrequency === 50 ? 60 : 50
    const data = record(60, { lineFrequency })
    for (const label of ['Cz', 'Oz']) {
      // 4 s segments: a narrow line stands out from the background.
      const psd = welchPsd(channel(data, label), sampleRate, { segmentLength: 1024 })
      const background = bandPower(psd, 40, 46)
      expect(peak(psd, lineFrequency - 1, lineFrequency + 1).power / background, label).toBeGreaterThan(10)
      expect(peak(psd, other - 1, other + 1).power / background, label).toBeLessThan(3)
    }
  })

  it('shows blinks on the frontal channels and not on the occipital ones', () => {
    // About 12 blinks of 100–200 µV at Fp1/Fp2 in a minute.
    for (const label of ['Fp1', 'Fp2']) expect(excursions(channel(minute, label), 80), label).toBeGreaterThanOrEqual(6)
    for (const label of ['O1', 'Oz', 'O2', 'P3', 'Pz', 'P4']) expect(excursions(channel(minute, label), 80), label).toBe(0)
    const withoutBlinks = record(60, { blinkRatePerMinute: 0 })
    expect(excursions(channel(withoutBlinks, 'Fp1'), 80)).toBe(0)
  })

  it('correlates neighbouring channels more than distant ones', () => {
    const data = record(60, { blinkRatePerMinute: 0 })
    expect(correlation(channel(data, 'C3'), channel(data, 'Cz'))).toBeGreaterThan(0.35)
    expect(correlation(channel(data, 'F3'), channel(data, 'Fz'))).toBeGreaterThan(0.35)
    // Distant channels still share a little alpha and line noise, as in real recordings.
    expect(correlation(channel(data, 'F7'), channel(data, 'O2'))).toBeLessThan(0.25)
  })

  it('works for labels outside the 10-20 system and other rates', () => {
    const custom = ['Ch1', 'Ch2', 'EOG']
    const simulator = createEegSimulator({ labels: custom, sampleRate: 2000, seed: 9, lineFrequency: 60 })
    const data = simulator.next(4000)
    expect(data).toHaveLength(12000)
    expect(data.every(Number.isFinite)).toBe(true)
    expect(rms(channel(data, 'EOG', custom))).toBeGreaterThan(5)
  })

  it('refuses impossible settings', () => {
    expect(() => createEegSimulator({ labels: [], sampleRate, seed: 1 })).toThrow(/at least one channel/)
    expect(() => createEegSimulator({ labels, sampleRate: 0, seed: 1 })).toThrow(/sample rate/)
    expect(() => createEegSimulator({ labels, sampleRate, seed: 1, blinkRatePerMinute: -1 })).toThrow(/blink rate/)
    expect(() => createEegSimulator({ labels, sampleRate, seed: 1 }).next(1.5)).toThrow(/sample count/)
  })
})
