/** Test signals and measurements for the audio-preparation tests. */

export function sine(frequency: number, sampleRate: number, frames: number, amplitude = 1, phase = 0): Float32Array {
  return Float32Array.from({ length: frames }, (_, i) => amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate + phase))
}

export const decibels = (ratio: number): number => 20 * Math.log10(ratio)

export function rms(values: ArrayLike<number>, from = 0, to = values.length): number {
  let sum = 0
  for (let i = from; i < to; i++) sum += values[i]! ** 2
  return Math.sqrt(sum / (to - from))
}

/**
 * Amplitude of the component at `frequency` in values[from…to): one Hann-windowed DFT bin,
 * normalised so that a sine of amplitude A reads A. Other tones a few bins away (and the sine's
 * own negative-frequency image) leak through the window's sidelobes only, far below 0.001 dB.
 */
export function toneAmplitude(values: ArrayLike<number>, sampleRate: number, frequency: number, from = 0, to = values.length): number {
  const length = to - from
  let re = 0
  let im = 0
  let windowSum = 0
  for (let i = 0; i < length; i++) {
    const window = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / length)
    const angle = (2 * Math.PI * frequency * (from + i)) / sampleRate
    re += window * values[from + i]! * Math.cos(angle)
    im -= window * values[from + i]! * Math.sin(angle)
    windowSum += window
  }
  return (2 * Math.hypot(re, im)) / windowSum
}
