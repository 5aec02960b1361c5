import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { formatNpy } from '../../src/shared/npy'
import { Random } from '../../src/shared/sim/random'

/**
 * Paired views sharing two latents through nonlinear maps, written as NPY (float64 and float32):
 * 5 and 4 columns, plus `noiseColumns` columns of noise in each (to make a training step heavier).
 */
export function writePairedViews(folder: string, name: string, rows: number, seed: number, noiseColumns = 0): [string, string] {
  const random = new Random(seed)
  const [colsA, colsB] = [5 + noiseColumns, 4 + noiseColumns]
  const a = new Float64Array(rows * colsA)
  const b = new Float32Array(rows * colsB)
  for (let n = 0; n < rows; n++) {
    const [u, v] = [random.normal(), random.normal()]
    ;[u * u, Math.sin(2 * v), u * v, random.normal(), Math.abs(v)].forEach((value, j) => (a[n * colsA + j] = value))
    ;[Math.abs(u), v ** 3 / 3, random.normal(), Math.cos(u)].forEach((value, j) => (b[n * colsB + j] = value + 0.1 * random.normal()))
    for (let j = 0; j < noiseColumns; j++) {
      a[n * colsA + 5 + j] = random.normal()
      b[n * colsB + 4 + j] = random.normal()
    }
  }
  const files: [string, string] = [path.join(folder, `${name}-a.npy`), path.join(folder, `${name}-b.npy`)]
  writeFileSync(files[0], formatNpy({ dtype: 'float64', shape: [rows, colsA], data: a }))
  writeFileSync(files[1], formatNpy({ dtype: 'float32', shape: [rows, colsB], data: b }))
  return files
}
