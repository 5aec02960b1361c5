/**
 * A run's checkpoint on disk, rewritten after every epoch so that a stopped job resumes where it
 * stood: `checkpoint.json` (epoch, history, best epoch, optimiser step, the arrays' lengths) and
 * `checkpoint-E.bin` (every array back to back, float32 little-endian: each encoder's weights, the
 * best epoch's weights, the optimiser's slots). The binary file is written first under its own
 * name, then the JSON that names it replaces the previous one, so a crash at any moment leaves
 * one whole checkpoint.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import type { DccaCheckpoint } from './dcca'

interface CheckpointIndex {
  epoch: number
  history: DccaCheckpoint['history']
  best: { epoch: number; correlation: number } | null
  optimizer: { name: DccaCheckpoint['optimizer']['name']; step: number }
  /** Array lengths: weights[encoder][tensor], bestWeights (same shape, or empty), slots[variable][slot]. */
  lengths: { weights: number[][]; best: number[][]; slots: number[][] }
  file: string
}

const indexName = 'checkpoint.json'

export async function writeCheckpoint(folder: string, checkpoint: DccaCheckpoint): Promise<void> {
  await fs.mkdir(folder, { recursive: true })
  const arrays = [...checkpoint.weights.flat(), ...(checkpoint.best?.weights.flat() ?? []), ...checkpoint.optimizer.slots.flat()]
  const file = `checkpoint-${checkpoint.epoch}.bin`
  const handle = await fs.open(path.join(folder, file), 'w')
  try {
    for (const array of arrays) await handle.write(new Uint8Array(array.buffer, array.byteOffset, array.byteLength))
    await handle.sync()
  } finally {
    await handle.close()
  }
  const lengths = (nested: Float32Array[][]) => nested.map((group) => group.map((array) => array.length))
  const index: CheckpointIndex = {
    epoch: checkpoint.epoch,
    history: checkpoint.history,
    best: checkpoint.best && { epoch: checkpoint.best.epoch, correlation: checkpoint.best.correlation },
    optimizer: { name: checkpoint.optimizer.name, step: checkpoint.optimizer.step },
    lengths: { weights: lengths(checkpoint.weights), best: lengths(checkpoint.best?.weights ?? []), slots: lengths(checkpoint.optimizer.slots) },
    file,
  }
  const previous = await readIndex(folder).catch(() => null)
  await fs.writeFile(path.join(folder, `${indexName}.partial`), `${JSON.stringify(index)}\n`)
  await fs.rename(path.join(folder, `${indexName}.partial`), path.join(folder, indexName))
  if (previous && previous.file !== file) await fs.rm(path.join(folder, previous.file), { force: true })
}

async function readIndex(folder: string): Promise<CheckpointIndex> {
  return JSON.parse(await fs.readFile(path.join(folder, indexName), 'utf8')) as CheckpointIndex
}

/** The checkpoint in `folder`, or null when there is none; a damaged one is named. */
export async function readCheckpoint(folder: string): Promise<DccaCheckpoint | null> {
  let index: CheckpointIndex
  try {
    index = await readIndex(folder)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new Error(`${path.join(folder, indexName)} cannot be read: ${(error as Error).message}`, { cause: error })
  }
  const bytes = await fs.readFile(path.join(folder, index.file))
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
  let at = 0
  const take = (nested: number[][]) =>
    nested.map((group) =>
      group.map((length) => {
        const array = floats.slice(at, at + length)
        at += length
        return array
      }),
    )
  const weights = take(index.lengths.weights)
  const best = take(index.lengths.best)
  const slots = take(index.lengths.slots)
  if (at !== floats.length) throw new Error(`${path.join(folder, index.file)} holds ${floats.length} values, its index ${at}`)
  return {
    epoch: index.epoch,
    history: index.history,
    weights,
    optimizer: { name: index.optimizer.name, step: index.optimizer.step, slots },
    best: index.best && { ...index.best, weights: best },
  }
}
