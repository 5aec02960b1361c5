import { promises as fs } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeRetrievalDemoFolder } from '../../../src/main/retrieval/demo-folder'
import { audioDescriptorNames } from '../../../src/shared/dsp/descriptors'
import { formatNpy, parseNpy } from '../../../src/shared/npy'
import { runCli } from '../../support/cli'
import { sharedLatentPairs } from '../../support/retrieval'
import { useTempDirs } from '../../support/temp-dir'

const tempDir = useTempDirs()

interface Summary {
  iMRR: { mean: number; sd: number }
  cMRR: { mean: number; sd: number } | null
  R1: { mean: number; sd: number }
  R5: { mean: number; sd: number }
  R10: { mean: number; sd: number }
  medianRank: { mean: number; sd: number }
}

describe('entrain features and entrain retrieval', () => {
  it('computes a folder’s features and evaluates retrieval on them', async () => {
    const dir = await tempDir()
    const songs = path.join(dir, 'songs')
    await writeRetrievalDemoFolder(songs, { songs: 18, seconds: 4 })
    const audioFile = path.join(dir, 'audio.npy')
    const audio = await runCli(['features', 'audio', songs, '--out', audioFile, '--json'])
    expect(audio.code, audio.stderr).toBe(0)
    expect(JSON.parse(audio.stdout)).toMatchObject({ kind: 'audio', rows: 18, cols: audioDescriptorNames.length })
    const text = await runCli(['features', 'text', songs, '--out', path.join(dir, 'text.npy'), '--dims', '10', '--json'])
    expect(text.code, text.stderr).toBe(0)
    expect(parseNpy(await fs.readFile(path.join(dir, 'text.npy'))).shape).toEqual([18, 10])
    expect((await fs.readFile(path.join(dir, 'text.rows.csv'), 'utf8')).split('\n').slice(0, 2)).toEqual(['file', path.join(songs, 'song01.txt')])
    // Never over an existing file.
    const again = await runCli(['features', 'audio', songs, '--out', audioFile])
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/audio.npy already exists/)

    const result = await runCli(['retrieval', '--audio', audioFile, '--text', path.join(dir, 'text.npy'), '--folds', '3', '--dims', '6', '--json'])
    expect(result.code, result.stderr).toBe(0)
    const parsed = JSON.parse(result.stdout) as { model: string; audioToText: Summary; textToAudio: Summary; chance: { iMRR: number }; options: { folds: number; seed: number } }
    expect(parsed.model).toBe('linear')
    expect(parsed.options).toMatchObject({ folds: 3, seed: 1 })
    expect(Object.keys(parsed.audioToText).sort()).toEqual(['R1', 'R10', 'R5', 'cMRR', 'iMRR', 'medianRank'])
    expect(parsed.audioToText.cMRR).toBeNull()
    expect(parsed.audioToText.iMRR.mean).toBeGreaterThan(parsed.chance.iMRR)

    // The same lyrics vectors as CSV with a header, as another tool would write them: the same result.
    const vectors = parseNpy(await fs.readFile(path.join(dir, 'text.npy')))
    const rows = Array.from({ length: 18 }, (_, row) => Array.from(vectors.data.subarray(row * 10, (row + 1) * 10)).join(','))
    await fs.writeFile(path.join(dir, 'text.csv'), `${Array.from({ length: 10 }, (_, k) => `d${k}`).join(',')}\n${rows.join('\n')}\n`)
    const fromCsv = await runCli(['retrieval', '--audio', audioFile, '--text', path.join(dir, 'text.csv'), '--folds', '3', '--dims', '6', '--json'])
    expect(fromCsv.code, fromCsv.stderr).toBe(0)
    expect((JSON.parse(fromCsv.stdout) as { audioToText: Summary }).audioToText.iMRR.mean).toBeCloseTo(parsed.audioToText.iMRR.mean, 4)
    // Rows named in another order than the audio's are refused.
    const swapped = [rows[1], rows[0], ...rows.slice(2)].map((row, index) => `song${String(index === 0 ? 2 : index === 1 ? 1 : index + 1).padStart(2, '0')}.txt,${row}`)
    await fs.writeFile(path.join(dir, 'named.csv'), `file,${Array.from({ length: 10 }, (_, k) => `d${k}`).join(',')}\n${swapped.join('\n')}\n`)
    const mismatch = await runCli(['retrieval', '--audio', audioFile, '--text', path.join(dir, 'named.csv')])
    expect(mismatch.code).toBe(1)
    expect(mismatch.stderr).toMatch(/the rows do not pair: row 0 is song01 in audio.npy and song02 in named.csv/)
  }, 120_000)

  it('runs the deep model with labels on NPY views, and says what is wrong with its input', async () => {
    const dir = await tempDir()
    const { audio, text, labels } = sharedLatentPairs({ pairs: 240, seed: 8 })
    const write = (name: string, view: { rows: number; cols: number; data: Float64Array | Float32Array }) => fs.writeFile(path.join(dir, name), formatNpy({ dtype: 'float64', shape: [view.rows, view.cols], data: Float64Array.from(view.data) }))
    await write('a.npy', audio)
    await write('t.npy', text)
    // Labels as NumPy saves integers: int64.
    const header = "{'descr': '<i8', 'fortran_order': False, 'shape': (240,), }"
    const padded = header.padEnd(118 - 1) + '\n'
    const bytes = new Uint8Array(128 + 240 * 8)
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0])
    bytes.set(new TextEncoder().encode(padded), 10)
    const values = new DataView(bytes.buffer, 128)
    labels.forEach((label, index) => values.setBigInt64(index * 8, BigInt(label), true))
    await fs.writeFile(path.join(dir, 'l.npy'), bytes)

    const deep = await runCli(['retrieval', '--audio', path.join(dir, 'a.npy'), '--text', path.join(dir, 't.npy'), '--labels', path.join(dir, 'l.npy'), '--folds', '3', '--dims', '8', '--model', 'deep', '--hidden', '32', '--outputs', '12', '--epochs', '30', '--batch', '80', '--backend', 'wasm', '--json'], { ENTRAIN_WASM_THREADS: '1' })
    expect(deep.code, deep.stderr).toBe(0)
    const parsed = JSON.parse(deep.stdout) as { deep: { optimizer: string }; audioToText: Summary; textToAudio: Summary; chance: { cMRR: number } }
    expect(parsed.deep.optimizer).toBe('rmsprop')
    expect(parsed.audioToText.iMRR.mean).toBeGreaterThan(0.5)
    expect(parsed.textToAudio.cMRR!.mean).toBeGreaterThan(parsed.chance.cMRR)
    expect(deep.stderr).toMatch(/retrieval .*fold/)

    await write('short.npy', { rows: 239, cols: text.cols, data: text.data.subarray(0, 239 * text.cols) })
    const unpaired = await runCli(['retrieval', '--audio', path.join(dir, 'a.npy'), '--text', path.join(dir, 'short.npy')])
    expect(unpaired.code).toBe(1)
    expect(unpaired.stderr).toMatch(/a.npy has 240 rows and short.npy 239; rows must be paired samples/)
    const usage = await runCli(['retrieval', '--audio', path.join(dir, 'a.npy'), '--text', path.join(dir, 't.npy'), '--epochs', '3'])
    expect(usage.code).toBe(2)
    expect(usage.stderr).toMatch(/--epochs apply to --model deep only/)
    const model = await runCli(['retrieval', '--audio', path.join(dir, 'a.npy'), '--text', path.join(dir, 't.npy'), '--model', 'nonlinear'])
    expect(model.code).toBe(2)
    expect(model.stderr).toMatch(/--model must be linear or deep/)
  }, 120_000)
})
