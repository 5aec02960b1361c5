import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { XdfFile } from '../../../src/main/xdf/xdf-file'
import { readXdf } from '../../../src/shared/xdf/reader'
import { encodeBoundary, encodeClockOffset, encodeFileHeader, encodeSamples, encodeStreamFooter, encodeStreamHeader, streamFooterXml, streamHeaderXml, xdfMagic } from '../../../src/shared/xdf/writer'
import { useTempDirs } from '../../support/temp-dir'
import { writeTestXdf } from '../../support/xdf'

const tempDir = useTempDirs()

async function collect(xdf: XdfFile, id: number): Promise<{ timestamps: number[]; values: number[] }> {
  const timestamps: number[] = []
  const values: number[] = []
  for await (const block of xdf.blocks(id)) {
    timestamps.push(...block.timestamps)
    values.push(...(block.values as Float32Array))
  }
  return { timestamps, values }
}

describe('XdfFile', () => {
  it('reads a file larger than its read blocks chunk by chunk exactly as readXdf reads it whole', { timeout: 60_000 }, async () => {
    const file = path.join(await tempDir(), 'big.xdf')
    const markers = Array.from({ length: 40 }, (_, i) => ({ time: 1000 + i * 0.37, text: `m${i}` }))
    const size = await writeTestXdf(file, { channels: 32, rate: 1000, samples: 45_000, chunkSamples: 37, value: (i, c) => Math.sin(i / 50 + c) * 100 + c, markers })
    expect(size).toBeGreaterThan(5 << 20) // more than one 4 MB block
    const whole = readXdf(new Uint8Array(await readFile(file)))
    const progress: number[] = []
    const xdf = await XdfFile.open(file, (fraction) => progress.push(fraction))
    try {
      expect(progress.at(-1)).toBe(1)
      expect(xdf.problems).toEqual(whole.problems)
      expect(xdf.streams.map((stream) => [stream.id, stream.description.name, stream.sampleCount])).toEqual(whole.streams.map((stream) => [stream.id, stream.description.name, stream.sampleCount]))
      const [eeg, marks] = whole.streams
      const stream = xdf.stream(1)
      expect(stream.firstTimestamp).toBe(eeg!.timestamps[0])
      expect(stream.lastTimestamp).toBe(eeg!.timestamps[eeg!.sampleCount - 1])
      expect(stream.effectiveSrate).toBeCloseTo(eeg!.effectiveSrate, 9)
      const all = await collect(xdf, 1)
      expect(all.timestamps).toEqual([...eeg!.timestamps])
      expect(Float32Array.from(all.values)).toEqual(eeg!.samples)
      // A range inside, across chunk edges.
      const range = await xdf.readRange(1, 12_345, 12_345 + 777)
      expect(range.values).toEqual((eeg!.samples as Float32Array).subarray(12_345 * 32, (12_345 + 777) * 32))
      expect([...range.timestamps]).toEqual([...eeg!.timestamps.subarray(12_345, 12_345 + 777)])
      expect(xdf.sampleNear(1, eeg!.timestamps[30_001]!)).toBe(30_001)
      expect(await xdf.nearestSample(1, eeg!.timestamps[30_001]! + 0.0004)).toEqual({ index: 30_001, timestamp: eeg!.timestamps[30_001] })
      expect(await xdf.nearestSample(1, eeg!.timestamps[0]! - 1)).toBeNull()
      const strings = await xdf.strings(2)
      expect(strings.values).toEqual(marks!.samples)
      expect(strings.timestamps).toEqual([...marks!.timestamps])
    } finally {
      await xdf.close()
    }
  })

  it('applies clock offsets and counts samples without timestamps from the one before, as readXdf does', async () => {
    const file = path.join(await tempDir(), 'offsets.xdf')
    const header = streamHeaderXml({ name: 'x', type: 'EEG', channelCount: 1, nominalSrate: 10, channelFormat: 'double64', sourceId: '', hostname: '', uid: '' })
    const chunks = [
      xdfMagic,
      encodeFileHeader(),
      encodeStreamHeader(7, header),
      encodeClockOffset(7, 100, 0.5),
      encodeSamples(7, 'double64', 1, [100, null, null], Float64Array.of(1, 2, 3)),
      encodeSamples(7, 'double64', 1, [null, 100.4], Float64Array.of(4, 5)),
      encodeClockOffset(7, 110, 0.6),
    ]
    await writeFile(file, Buffer.concat(chunks))
    const whole = readXdf(new Uint8Array(await readFile(file)))
    const xdf = await XdfFile.open(file)
    try {
      const all = await collect(xdf, 7)
      expect(all.values).toEqual([1, 2, 3, 4, 5])
      all.timestamps.forEach((time, i) => expect(time).toBeCloseTo(whole.streams[0]!.timestamps[i]!, 12))
      expect(all.timestamps[3]).toBeCloseTo(100.3 + 0.5 + 0.01 * 0.3, 9)
    } finally {
      await xdf.close()
    }
  })

  it('reads a file written with LabRecorder’s habits (length widths 1/4/8, stream id 0, samples without timestamps, a damaged chunk) as readXdf does', async () => {
    const file = path.join(await tempDir(), 'labrecorder.xdf')
    const info = { name: 'SendDataC', type: 'EEG', channelCount: 3, nominalSrate: 10, channelFormat: 'int16' as const, sourceId: '', hostname: '', uid: 'a' }
    const strings = 0x02c0ffee
    const damaged = encodeSamples(0, 'int16', 3, [5.9], Int16Array.of(1, 2, 3))
    damaged[damaged.length - 6 - 8 - 1] = 7 // the sample's timestamp flag: neither 0 nor 8
    await writeFile(
      file,
      Buffer.concat([
        xdfMagic,
        encodeFileHeader(undefined, { lengthBytes: 4 }),
        encodeStreamHeader(0, streamHeaderXml(info), { lengthBytes: 8 }),
        encodeStreamHeader(strings, streamHeaderXml({ ...info, name: 'Strings', channelCount: 1, channelFormat: 'string', nominalSrate: 0 })),
        encodeSamples(0, 'int16', 3, [5.1, null, null, 5.4, 5.5], Int16Array.from({ length: 15 }, (_, i) => i - 7), { lengthBytes: 4 }),
        encodeSamples(strings, 'string', 1, [5.1, 5.2, null], [['Hello'], ['World'], ['!']]),
        encodeClockOffset(0, 6.1, -0.1, { lengthBytes: 8 }),
        damaged,
        encodeBoundary(),
        encodeSamples(0, 'int16', 3, [5.6, null, null, null], Int16Array.from({ length: 12 }, (_, i) => 100 + i), { lengthBytes: 8 }),
        encodeClockOffset(0, 7.1, -0.1, { lengthBytes: 4 }),
        encodeStreamFooter(0, streamFooterXml({ firstTimestamp: 5.1, lastTimestamp: 5.9, sampleCount: 9, clockOffsets: [] })),
      ]),
    )
    const whole = readXdf(new Uint8Array(await readFile(file)))
    expect(whole.problems.join()).toMatch(/corrupt data/)
    const xdf = await XdfFile.open(file)
    try {
      expect(xdf.problems).toEqual(whole.problems)
      for (const stream of whole.streams) {
        expect(xdf.stream(stream.id).sampleCount).toBe(stream.sampleCount)
        const timestamps: number[] = []
        const values: unknown[] = []
        for await (const block of xdf.blocks(stream.id)) {
          timestamps.push(...block.timestamps)
          values.push(...Array.from(block.values as ArrayLike<unknown>))
        }
        timestamps.forEach((time, i) => expect(time).toBeCloseTo(stream.timestamps[i]!, 9))
        expect(values).toEqual(Array.from(stream.samples as ArrayLike<unknown>))
      }
    } finally {
      await xdf.close()
    }
  })

  it('keeps what precedes a cut and says so; refuses a file that is not XDF', async () => {
    const dir = await tempDir()
    const file = path.join(dir, 'cut.xdf')
    await writeTestXdf(file, { channels: 4, rate: 100, samples: 1000, value: (i) => i })
    const bytes = await readFile(file)
    await writeFile(file, bytes.subarray(0, bytes.length - 300))
    const whole = readXdf(new Uint8Array(await readFile(file)))
    const xdf = await XdfFile.open(file)
    try {
      expect(xdf.problems).toEqual(whole.problems)
      expect(xdf.problems.join()).toMatch(/file ends inside the chunk/)
      expect(xdf.stream(1).sampleCount).toBe(whole.streams[0]!.sampleCount)
    } finally {
      await xdf.close()
    }
    const text = path.join(dir, 'notes.txt')
    await writeFile(text, 'hello')
    await expect(XdfFile.open(text)).rejects.toThrow(`${text} is not an XDF file`)
    await expect(XdfFile.open(path.join(dir, 'missing.xdf'))).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(XdfFile.open(dir)).rejects.toThrow(`${dir} is not a file`)
  })
})
