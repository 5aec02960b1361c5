import { describe, expect, it } from 'vitest'
import { defaultLogMel, hzToMel, logMelFrames, logMelProblem, logMelSpectrogram, melFilters, melToHz } from '../../../../src/shared/dsp/mel'

const rate = 22_050
const tone = (hz: number, seconds: number, amplitude = 0.5) => Float32Array.from({ length: Math.round(seconds * rate) }, (_, index) => amplitude * Math.sin((2 * Math.PI * hz * index) / rate))

describe('log-mel spectrogram', () => {
  it('the mel scale: 1000 Hz is 1000 mel, and back', () => {
    expect(hzToMel(1000)).toBeCloseTo(1000, 0)
    expect(melToHz(hzToMel(4321))).toBeCloseTo(4321, 6)
  })

  it('frames a 1.5 s window into 63 frames of 64 bands, unpadded', () => {
    expect(logMelFrames(33_075, defaultLogMel)).toBe(63)
    expect(logMelFrames(1023, defaultLogMel)).toBe(0)
    expect(logMelSpectrogram(tone(440, 1.5), rate, defaultLogMel)).toHaveLength(63 * 64)
  })

  it('filters are triangles that cover the band between their neighbours, rising in frequency', () => {
    const filters = melFilters(defaultLogMel, rate)
    expect(filters).toHaveLength(64)
    for (const { weights } of filters) expect(Math.max(...weights)).toBeGreaterThan(0.3)
    const centres = filters.map(({ first, weights }) => first + weights.indexOf(Math.max(...weights)))
    centres.slice(1).forEach((centre, index) => expect(centre).toBeGreaterThanOrEqual(centres[index]!))
  })

  it('a tone lights the band that holds its frequency; 6 dB louder adds log(4) everywhere it dominates', () => {
    for (const hz of [300, 1200, 5000]) {
      const quiet = logMelSpectrogram(tone(hz, 0.5, 0.1), rate, defaultLogMel)
      const loud = logMelSpectrogram(tone(hz, 0.5, 0.2), rate, defaultLogMel)
      const frame = quiet.subarray(64 * 3, 64 * 4)
      const peak = frame.indexOf(Math.max(...frame))
      const filter = melFilters(defaultLogMel, rate)[peak]!
      const binHz = rate / defaultLogMel.frameSize
      expect(Math.abs(hz - (filter.first + filter.weights.indexOf(Math.max(...filter.weights))) * binHz)).toBeLessThan(Math.max(3 * binHz, hz * 0.08))
      expect(loud[64 * 3 + peak]! - frame[peak]!).toBeCloseTo(Math.log(4), 3)
    }
  })

  it('silence is the log of the floor; bad specifications are named', () => {
    expect(Array.from(new Set(logMelSpectrogram(new Float32Array(4096), rate, defaultLogMel)))).toEqual([Math.fround(Math.log(1e-6))])
    expect(logMelProblem({ ...defaultLogMel, frameSize: 1000 }, rate)).toBe('the frame must be a power of two ≥ 16 samples, not 1000')
    expect(logMelProblem({ ...defaultLogMel, maxHz: 16_000 }, rate)).toMatch(/within 0–11025 Hz/)
    expect(() => logMelSpectrogram(new Float32Array(4096), 16_000, defaultLogMel)).toThrow(/within 0–8000 Hz/)
  })
})
