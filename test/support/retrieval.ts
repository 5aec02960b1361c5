/**
 * Paired views that share a latent, for retrieval tests: each pair has a latent z (its class's
 * centre, `classSpread` apart, plus its own part), audio = z·A + noise, text = z·B + noise with different widths and
 * mixings, so only a model that finds the shared part can match them.
 */
import type { ViewData } from '../../src/shared/dcca-training'
import { Random } from '../../src/shared/sim/random'

export interface SyntheticPairs {
  audio: ViewData
  text: ViewData
  labels: Int32Array
}

export function sharedLatentPairs(options: { pairs: number; latent?: number; audioDims?: number; textDims?: number; classes?: number; noise?: number; classSpread?: number; seed?: number }): SyntheticPairs {
  const { pairs, latent = 8, audioDims = 20, textDims = 30, classes = 4, noise = 0.1, classSpread = 1.5, seed = 1 } = options
  const random = new Random(seed)
  const mixing = (cols: number) => Float64Array.from({ length: latent * cols }, () => random.normal())
  const toAudio = mixing(audioDims)
  const toText = mixing(textDims)
  const centres = Array.from({ length: classes }, () => Float64Array.from({ length: latent }, () => classSpread * random.normal()))
  const labels = Int32Array.from({ length: pairs }, (_, index) => index % classes)
  const audio = new Float64Array(pairs * audioDims)
  const text = new Float64Array(pairs * textDims)
  for (let row = 0; row < pairs; row++) {
    const z = Float64Array.from(centres[labels[row]!]!, (centre) => centre + random.normal())
    for (const [out, weights, cols] of [
      [audio, toAudio, audioDims],
      [text, toText, textDims],
    ] as const) {
      for (let j = 0; j < cols; j++) {
        let sum = 0
        for (let k = 0; k < latent; k++) sum += z[k]! * weights[k * cols + j]!
        out[row * cols + j] = sum + noise * random.normal()
      }
    }
  }
  return { audio: { name: 'audio.npy', rows: pairs, cols: audioDims, data: audio }, text: { name: 'text.npy', rows: pairs, cols: textDims, data: text }, labels }
}

/** The rows of a view in a seeded random order: pairs no longer belong together. */
export function shuffledRows(view: ViewData, seed: number): ViewData {
  const order = Int32Array.from({ length: view.rows }, (_, index) => index)
  new Random(seed).shuffle(order)
  const data = new Float64Array(view.rows * view.cols)
  order.forEach((from, to) => data.set(view.data.subarray(from * view.cols, (from + 1) * view.cols), to * view.cols))
  return { ...view, data }
}
