import { describe, expect, it } from 'vitest'
import { CorruptChunkError, decodeSamplesChunk } from '../../../../src/shared/xdf/samples'
import { encodeSamples } from '../../../../src/shared/xdf/writer'
import type { StreamDescription } from '../../../../src/shared/xdf/types'

const description = (format: StreamDescription['channelFormat'], channelCount: number, nominalSrate = 100): StreamDescription => ({
  name: 's',
  type: 'EEG',
  channelCount,
  nominalSrate,
  channelFormat: format,
  sourceId: '',
  hostname: '',
  uid: '',
})

/** The content of a samples chunk: what follows its stream id. */
const content = (chunk: Uint8Array) => {
  const width = chunk[0]!
  return chunk.subarray(1 + width + 2 + 4)
}

describe('decodeSamplesChunk', () => {
  it('decodes one chunk on its own, counting samples without timestamps from the one before', () => {
    const chunk = encodeSamples(3, 'int16', 2, [null, 5.0, null], Int16Array.of(1, -2, 3, -4, 5, -6))
    const decoded = decodeSamplesChunk(content(chunk), description('int16', 2), 4.5)
    expect(decoded.count).toBe(3)
    expect([...decoded.timestamps]).toEqual([4.51, 5.0, 5.01])
    expect([...(decoded.values as Int16Array)]).toEqual([1, -2, 3, -4, 5, -6])
    expect(decoded.firstExplicit).toBe(1)
    expect(decodeSamplesChunk(content(chunk), description('int16', 2), undefined).timestamps[0]).toBe(0)
  })

  it('decodes strings', () => {
    const chunk = encodeSamples(1, 'string', 1, [1.5, 2.5], [['a'], ['ü, b']])
    expect(decodeSamplesChunk(content(chunk), description('string', 1, 0), undefined)).toMatchObject({ count: 2, values: [['a'], ['ü, b']], firstExplicit: 0 })
  })

  it('refuses a chunk whose bytes do not add up', () => {
    const chunk = content(encodeSamples(1, 'float32', 4, [1, 2], new Float32Array(8)))
    expect(() => decodeSamplesChunk(chunk.subarray(0, chunk.length - 1), description('float32', 4), undefined)).toThrow(CorruptChunkError)
    expect(() => decodeSamplesChunk(chunk, description('float32', 3), undefined)).toThrow(CorruptChunkError)
  })
})
