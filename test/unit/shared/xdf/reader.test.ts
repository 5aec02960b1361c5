import { describe, expect, it } from 'vitest'
import { readXdf } from '../../../../src/shared/xdf/reader'
import type { XdfStream } from '../../../../src/shared/xdf/reader'
import {
  encodeBoundary,
  encodeClockOffset,
  encodeFileHeader,
  encodeSamples,
  encodeStreamFooter,
  encodeStreamHeader,
  streamFooterXml,
  streamHeaderXml,
} from '../../../../src/shared/xdf/writer'
import type { ChannelFormat, NumericSamples, StreamDescription } from '../../../../src/shared/xdf/types'
import { concat, hex, utf8, xdfFile } from './helpers'

function describeStream(format: ChannelFormat, channelCount: number, nominalSrate = 10, name = `s-${format}`): StreamDescription {
  return { name, type: 'Test', channelCount, nominalSrate, channelFormat: format, sourceId: name, hostname: 'host', uid: `uid-${name}` }
}

function header(id: number, format: ChannelFormat, channelCount: number, nominalSrate = 10): Uint8Array {
  return encodeStreamHeader(id, streamHeaderXml(describeStream(format, channelCount, nominalSrate)))
}

function streamById(file: { streams: XdfStream[] }, id: number): XdfStream {
  const stream = file.streams.find((s) => s.id === id)
  if (stream === undefined) throw new Error(`no stream ${id}`)
  return stream
}

const raw = { synchronizeClocks: false } as const

describe('readXdf: golden chunks', () => {
  const uuid = '43 A5 46 DC CB F5 41 0F B3 0E D5 46 73 83 CB E4'
  const f64one = '00 00 00 00 00 00 F0 3F'

  it('reads hand-written chunks with 1-, 4- and 8-byte length fields', () => {
    const bytes = xdfFile(
      encodeFileHeader(),
      header(3, 'int16', 2),
      hex(`01 1A   03 00   03 00 00 00   01 02   08 ${f64one} 01 00 FE FF   00 03 00 02 01`),
      hex(`04 12 00 00 00   05 00   ${uuid}`),
      hex(`08 16 00 00 00 00 00 00 00   04 00   03 00 00 00   ${f64one}   00 00 00 00 00 00 E0 BF`),
      hex('04 08 00 00 00   06 00   03 00 00 00   61 62'),
    )
    const file = readXdf(bytes, raw)
    expect(file.problems).toEqual([])
    expect(file.headerXml).toBe('<?xml version="1.0"?><info><version>1.0</version></info>')
    const stream = streamById(file, 3)
    expect(stream.sampleCount).toBe(2)
    expect([...stream.timestamps]).toEqual([1, 1.1])
    expect(stream.samples).toEqual(Int16Array.of(1, -2, 3, 258))
    expect(stream.clockOffsets).toEqual([{ time: 1, value: -0.5 }])
    expect(stream.footerXml).toBe('ab')
  })

  it('reads 4- and 8-byte sample counts and string lengths that writers may choose', () => {
    const bytes = xdfFile(
      encodeFileHeader(),
      header(2, 'string', 2),
      hex(`01 25   03 00   02 00 00 00   04 01 00 00 00   08 ${f64one}   04 02 00 00 00 68 69   08 01 00 00 00 00 00 00 00 21`),
    )
    const file = readXdf(bytes, raw)
    expect(file.problems).toEqual([])
    const stream = streamById(file, 2)
    expect(stream.samples).toEqual([['hi', '!']])
    expect([...stream.timestamps]).toEqual([1])
  })

  it('skips chunks with an unknown tag and says so', () => {
    const bytes = xdfFile(encodeFileHeader(), header(1, 'int8', 1), hex('01 05   63 00   AA BB CC'), encodeSamples(1, 'int8', 1, [2], Int8Array.of(7)))
    const file = readXdf(bytes, raw)
    expect(streamById(file, 1).samples).toEqual(Int8Array.of(7))
    expect(file.problems).toEqual(['skipped chunk(s) with unknown tag 99'])
  })
})

describe('readXdf: round trip', () => {
  const numericCases: [ChannelFormat, NumericSamples][] = [
    ['int8', Int8Array.of(-128, 0, 127, 5, -5, 1)],
    ['int16', Int16Array.of(-32768, 0, 32767, 300, -300, 1)],
    ['int32', Int32Array.of(-(2 ** 31), 0, 2 ** 31 - 1, 70000, -70000, 1)],
    ['int64', BigInt64Array.of(-(2n ** 63n), 0n, 2n ** 63n - 1n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 1n)],
    ['float32', Float32Array.of(Math.fround(0.1), -0, Infinity, NaN, Math.fround(-1e-30), 3.5)],
    ['double64', Float64Array.of(0.1, -0, -Infinity, NaN, 1e-300, Math.PI)],
  ]

  it.each(numericCases)('keeps %s values and explicit timestamps exactly', (format, values) => {
    const timestamps = Float64Array.of(50942.723319709003, 50942.72731970901, 50942.731319709)
    const bytes = xdfFile(
      encodeFileHeader(),
      header(5, format, 2),
      encodeSamples(5, format, 2, timestamps.subarray(0, 1), values.subarray(0, 2)),
      encodeSamples(5, format, 2, timestamps.subarray(1), values.subarray(2)),
    )
    const stream = streamById(readXdf(bytes, raw), 5)
    expect(stream.description.channelFormat).toBe(format)
    expect(stream.sampleCount).toBe(3)
    expect(stream.timestamps).toEqual(timestamps)
    expect(stream.samples.constructor).toBe(values.constructor)
    expect(stream.samples).toEqual(values)
  })

  it('keeps string values, including empty, long and non-ASCII ones', () => {
    const values = [
      ['', 'x'.repeat(70000)],
      ['µV ≤ 🎵', '<not xml>&'],
    ]
    const bytes = xdfFile(encodeFileHeader(), header(1, 'string', 2, 0), encodeSamples(1, 'string', 2, [1.5, 2.5], values))
    const stream = streamById(readXdf(bytes, raw), 1)
    expect(stream.samples).toEqual(values)
    expect([...stream.timestamps]).toEqual([1.5, 2.5])
  })

  it('grows storage across many chunks without losing samples', () => {
    const chunks: Uint8Array[] = [encodeFileHeader(), header(1, 'float32', 3, 100)]
    const expected: number[] = []
    for (let chunk = 0; chunk < 50; chunk++) {
      const values = new Float32Array(3 * 7)
      for (let i = 0; i < values.length; i++) values[i] = chunk * 1000 + i
      expected.push(...values)
      chunks.push(encodeSamples(1, 'float32', 3, Float64Array.from({ length: 7 }, (_, i) => chunk * 0.07 + i * 0.01), values))
    }
    const stream = streamById(readXdf(xdfFile(...chunks), raw), 1)
    expect(stream.sampleCount).toBe(350)
    expect(stream.samples).toEqual(Float32Array.from(expected))
    expect(stream.timestamps.length).toBe(350)
    expect(stream.effectiveSrate).toBeCloseTo(100, 6)
  })

  it('accepts a stream with a header and no samples or footer', () => {
    const stream = streamById(readXdf(xdfFile(encodeFileHeader(), header(4, 'double64', 8)), raw), 4)
    expect(stream.sampleCount).toBe(0)
    expect(stream.samples).toEqual(new Float64Array(0))
    expect(stream.footerXml).toBeUndefined()
    expect(stream.effectiveSrate).toBe(0)
  })
})

describe('readXdf: timestamps written as "none"', () => {
  it('deduces previous + 1/nominal_srate, across chunks', () => {
    const bytes = xdfFile(
      header(1, 'int8', 1, 4),
      encodeSamples(1, 'int8', 1, [10, null, null], Int8Array.of(1, 2, 3)),
      encodeSamples(1, 'int8', 1, [null, 20, null], Int8Array.of(4, 5, 6)),
    )
    expect([...streamById(readXdf(bytes, raw), 1).timestamps]).toEqual([10, 10.25, 10.5, 10.75, 20, 20.25])
  })

  it('starts leading samples without timestamps at the footer first_timestamp', () => {
    const footer = streamFooterXml({ firstTimestamp: 100, lastTimestamp: 200, sampleCount: 4, clockOffsets: [] })
    const bytes = xdfFile(
      header(1, 'int8', 1, 10),
      encodeSamples(1, 'int8', 1, [null, null, null, 200], Int8Array.of(1, 2, 3, 4)),
      encodeStreamFooter(1, footer),
    )
    const stamps = streamById(readXdf(bytes, raw), 1).timestamps
    expect(stamps[0]).toBe(100)
    expect(stamps[1]).toBeCloseTo(100.1, 12)
    expect(stamps[2]).toBeCloseTo(100.2, 12)
    expect(stamps[3]).toBe(200)
  })

  it('starts them at 0 when there is no footer', () => {
    const bytes = xdfFile(header(1, 'int8', 1, 10), encodeSamples(1, 'int8', 1, [null, null], Int8Array.of(1, 2)))
    expect([...streamById(readXdf(bytes, raw), 1).timestamps]).toEqual([0, 0.1])
  })

  it('repeats the previous timestamp for irregular streams', () => {
    const bytes = xdfFile(header(1, 'string', 1, 0), encodeSamples(1, 'string', 1, [3, null], [['a'], ['b']]))
    expect([...streamById(readXdf(bytes, raw), 1).timestamps]).toEqual([3, 3])
  })
})

describe('readXdf: the content of minimal.xdf', () => {
  const intStream: StreamDescription = {
    name: 'SendDataC',
    type: 'EEG',
    channelCount: 3,
    nominalSrate: 10,
    channelFormat: 'int16',
    sourceId: '',
    hostname: '',
    uid: 'xdfwriter_11_int',
    createdAt: 50942.723319709,
  }
  const stringId = 0x02c0ffee
  const footer = streamFooterXml({
    firstTimestamp: 5.1,
    lastTimestamp: 5.9,
    sampleCount: 9,
    clockOffsets: [
      { time: 50979.76, value: -0.01 },
      { time: 50979.86, value: -0.02 },
    ],
  })
  const intValues = [192, 255, 238, 12, 22, 32, 13, 23, 33, 14, 24, 34, 15, 25, 35, 12, 22, 32, 13, 23, 33, 14, 24, 34, 15, 25, 35]
  const strings = [footer, 'Hello', 'World', 'from', 'LSL', 'Hello', 'World', 'from', 'LSL']
  const stamps = [5.1, 5.2, 5.3, 5.4, 5.5, 5.6, 5.7, 5.8, 5.9]

  function minimal(): Uint8Array {
    return xdfFile(
      encodeFileHeader(undefined, { lengthBytes: 4 }),
      encodeStreamHeader(0, streamHeaderXml(intStream), { lengthBytes: 8 }),
      encodeStreamHeader(stringId, streamHeaderXml({ ...intStream, name: 'SendDataString', type: 'StringMarker', channelCount: 1, channelFormat: 'string', uid: 'xdfwriter_11_str' })),
      encodeSamples(0, 'int16', 3, [5.1, null, null, 5.4, 5.5], Int16Array.from(intValues.slice(0, 15)), { lengthBytes: 4 }),
      encodeSamples(stringId, 'string', 1, [5.1, 5.2, null], strings.slice(0, 3).map((s) => [s])),
      encodeClockOffset(0, 6.1, -0.1, { lengthBytes: 8 }),
      encodeBoundary(),
      encodeSamples(0, 'int16', 3, [5.6, null, null, null], Int16Array.from(intValues.slice(15)), { lengthBytes: 8 }),
      encodeSamples(stringId, 'string', 1, stamps.slice(3), strings.slice(3).map((s) => [s]), { lengthBytes: 4 }),
      encodeClockOffset(0, 7.1, -0.1, { lengthBytes: 4 }),
      encodeStreamFooter(0, footer),
      encodeStreamFooter(stringId, footer, { lengthBytes: 8 }),
    )
  }

  it('decodes both streams with their metadata and values', () => {
    const file = readXdf(minimal(), raw)
    expect(file.problems).toEqual([])
    expect(file.streams.map((s) => s.id)).toEqual([0, stringId])
    const ints = streamById(file, 0)
    expect(ints.description).toEqual(intStream)
    expect(ints.samples).toEqual(Int16Array.from(intValues))
    expect(ints.sampleCount).toBe(9)
    ints.timestamps.forEach((t, i) => expect(t).toBeCloseTo(stamps[i] ?? NaN, 9))
    expect(ints.clockOffsets).toEqual([
      { time: 6.1, value: -0.1 },
      { time: 7.1, value: -0.1 },
    ])
    expect(ints.footerXml).toBe(footer)
    expect(ints.effectiveSrate).toBeCloseTo(10, 6)
    const text = streamById(file, stringId)
    expect(text.description.channelFormat).toBe('string')
    expect(text.samples).toEqual(strings.map((s) => [s]))
    text.timestamps.forEach((t, i) => expect(t).toBeCloseTo(stamps[i] ?? NaN, 9))
  })

  it('shifts the int16 timestamps by the -0.1 s clock offset when synchronising (the default)', () => {
    const file = readXdf(minimal())
    streamById(file, 0).timestamps.forEach((t, i) => expect(t).toBeCloseTo((stamps[i] ?? NaN) - 0.1, 9))
    // The string stream has no clock offset chunks, so nothing moves it.
    streamById(file, stringId).timestamps.forEach((t, i) => expect(t).toBeCloseTo(stamps[i] ?? NaN, 9))
  })

  it('dejitters on request into an exact 10 Hz line', () => {
    const ints = streamById(readXdf(minimal(), { dejitter: true }), 0)
    ints.timestamps.forEach((t, i) => expect(t).toBeCloseTo(5 + i / 10, 9))
    expect(ints.effectiveSrate).toBeCloseTo(10, 9)
  })
})

describe('readXdf: damaged files', () => {
  function recording(): { bytes: Uint8Array; firstEnd: number; secondStart: number; secondEnd: number } {
    const start = xdfFile(encodeFileHeader(), header(1, 'float32', 2, 100), encodeSamples(1, 'float32', 2, [1, 1.01], Float32Array.of(1, 2, 3, 4)))
    const second = encodeSamples(1, 'float32', 2, [1.02, 1.03], Float32Array.of(5, 6, 7, 8))
    const rest = concat(encodeBoundary(), encodeSamples(1, 'float32', 2, [1.04, 1.05], Float32Array.of(9, 10, 11, 12)))
    return {
      bytes: concat(start, second, rest),
      firstEnd: start.length,
      secondStart: start.length,
      secondEnd: start.length + second.length,
    }
  }

  it('resynchronises at the next boundary after a damaged chunk and keeps the later samples', () => {
    const { bytes, secondStart } = recording()
    bytes[secondStart + 1 + 1 + 2 + 4 + 2] = 0x77 // the first timestamp flag of the second chunk
    const file = readXdf(bytes, raw)
    const stream = streamById(file, 1)
    expect(stream.samples).toEqual(Float32Array.of(1, 2, 3, 4, 9, 10, 11, 12))
    expect([...stream.timestamps]).toEqual([1, 1.01, 1.04, 1.05])
    expect(file.problems).toHaveLength(1)
    expect(file.problems[0]).toMatch(new RegExp(`corrupt data at byte ${secondStart} \\(invalid timestamp flag 119 in stream 1\\); skipped to the end of the boundary chunk at byte`))
  })

  it('resynchronises after garbage between chunks', () => {
    const { bytes, firstEnd, secondEnd } = recording()
    const garbage = Uint8Array.of(0xff, 0x13, 0x37, 0x00, 0x42)
    const damaged = concat(bytes.subarray(0, firstEnd), garbage, bytes.subarray(secondEnd))
    const file = readXdf(damaged, raw)
    expect(streamById(file, 1).samples).toEqual(Float32Array.of(1, 2, 3, 4, 9, 10, 11, 12))
    expect(file.problems).toEqual([`corrupt data at byte ${firstEnd} (invalid length width 255); skipped to the end of the boundary chunk at byte ${firstEnd + 5 + 20}`])
  })

  it('resynchronises when a damaged length field points past the end of the file', () => {
    const { bytes, secondStart } = recording()
    bytes[secondStart] = 4
    bytes.set([0xff, 0xff, 0xff, 0x7f], secondStart + 1)
    const file = readXdf(bytes, raw)
    expect(streamById(file, 1).samples).toEqual(Float32Array.of(1, 2, 3, 4, 9, 10, 11, 12))
    expect(file.problems[0]).toMatch(/runs past the end of the file/)
  })

  it('drops the rest of the file when no boundary follows the damage', () => {
    const { bytes, firstEnd, secondEnd } = recording()
    const damaged = concat(bytes.subarray(0, secondEnd), Uint8Array.of(0x02, 0x00, 0x00))
    damaged[firstEnd + 1] = 0x01 // a chunk length too short to hold a tag
    const file = readXdf(damaged, raw)
    expect(streamById(file, 1).samples).toEqual(Float32Array.of(1, 2, 3, 4))
    expect(file.problems).toEqual([`corrupt data at byte ${firstEnd} (chunk length 1 is too short); no later boundary chunk, so the remaining ${damaged.length - firstEnd} bytes were skipped`])
  })

  it('keeps everything before a chunk cut short, wherever the cut falls', () => {
    const { bytes, secondEnd } = recording()
    const lastStart = secondEnd + encodeBoundary().length
    for (let cut = lastStart + 1; cut < bytes.length; cut++) {
      const file = readXdf(bytes.subarray(0, cut), raw)
      const stream = streamById(file, 1)
      expect(stream.samples).toEqual(Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8))
      expect(stream.sampleCount).toBe(4)
      expect(file.problems).toEqual([`file ends inside the chunk at byte ${lastStart} (recording cut short?); its partial content was dropped`])
    }
    // Cut exactly at a chunk border: nothing is missing, nothing to report.
    const clean = readXdf(bytes.subarray(0, lastStart), raw)
    expect(clean.problems).toEqual([])
    expect(streamById(clean, 1).sampleCount).toBe(4)
  })

  it('keeps the stream when the footer is cut short', () => {
    const full = concat(recording().bytes, encodeStreamFooter(1, streamFooterXml({ firstTimestamp: 1, lastTimestamp: 1.05, sampleCount: 6, clockOffsets: [] })))
    const file = readXdf(full.subarray(0, full.length - 10), raw)
    const stream = streamById(file, 1)
    expect(stream.sampleCount).toBe(6)
    expect(stream.footerXml).toBeUndefined()
    expect(file.problems).toHaveLength(1)
  })

  it('skips samples of a stream whose header is missing or unusable', () => {
    const badHeader = encodeStreamHeader(2, '<?xml version="1.0"?><info><channel_count>1</channel_count><channel_format>int128</channel_format></info>')
    const bytes = xdfFile(
      encodeFileHeader(),
      badHeader,
      encodeSamples(2, 'int8', 1, [1], Int8Array.of(1)),
      encodeSamples(3, 'int8', 1, [1], Int8Array.of(1)),
      encodeSamples(3, 'int8', 1, [2], Int8Array.of(2)),
      header(1, 'int8', 1),
      encodeSamples(1, 'int8', 1, [1], Int8Array.of(9)),
    )
    const file = readXdf(bytes, raw)
    expect(file.streams.map((s) => s.id)).toEqual([1])
    expect(streamById(file, 1).samples).toEqual(Int8Array.of(9))
    expect(file.problems).toEqual([
      'stream 2 has an unusable header (unsupported channel_format "int128"); its chunks are skipped',
      'skipped chunk(s) with tag 3 for stream 2, which has no stream header',
      'skipped chunk(s) with tag 3 for stream 3, which has no stream header (2 times)',
    ])
  })

  it('reports a samples chunk whose count does not fit its bytes instead of allocating for it', () => {
    const bytes = xdfFile(header(1, 'double64', 1), hex('01 10   03 00   01 00 00 00   04 FF FF FF 7F   00 00 00 00 00'), encodeBoundary())
    const file = readXdf(bytes, raw)
    expect(streamById(file, 1).sampleCount).toBe(0)
    expect(file.problems[0]).toMatch(/claims 2147483647 samples/)
  })

  it('rejects input without the magic without throwing', () => {
    expect(readXdf(utf8('PK\x03\x04'))).toEqual({ headerXml: '', streams: [], problems: ['not an XDF file: it does not start with "XDF:"'] })
    expect(readXdf(new Uint8Array(0)).problems).toHaveLength(1)
  })

  it('notes a missing file header', () => {
    expect(readXdf(xdfFile(header(1, 'int8', 1))).problems).toEqual(['the file has no file header chunk'])
  })

  it('survives random damage anywhere without throwing', () => {
    const { bytes } = recording()
    let seed = 12345
    for (let trial = 0; trial < 500; trial++) {
      const damaged = bytes.slice()
      for (let k = 0; k < 3; k++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
        damaged[4 + (seed % (damaged.length - 4))] = seed >>> 24
      }
      expect(() => readXdf(damaged, { dejitter: true })).not.toThrow()
    }
  })
})
