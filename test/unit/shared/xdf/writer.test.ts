import { describe, expect, it } from 'vitest'
import {
  encodeBoundary,
  encodeClockOffset,
  encodeFileHeader,
  encodeSamples,
  encodeStreamFooter,
  encodeStreamHeader,
  parseStreamInfoXml,
  streamFooterXml,
  streamHeaderXml,
  xdfMagic,
} from '../../../../src/shared/xdf/writer'
import type { StreamDescription } from '../../../../src/shared/xdf/types'
import { concat, hex, toHex, utf8 } from './helpers'

const uuid = '43 A5 46 DC CB F5 41 0F B3 0E D5 46 73 83 CB E4'
const f64one = '00 00 00 00 00 00 F0 3F' // 1.0
const f64minusHalf = '00 00 00 00 00 00 E0 BF' // -0.5
const f64quarter = '00 00 00 00 00 00 D0 3F' // 0.25

function expectBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(toHex(actual)).toBe(toHex(expected))
}

describe('xdfMagic', () => {
  it('is the ASCII text "XDF:"', () => {
    expectBytes(xdfMagic, hex('58 44 46 3A'))
  })
})

describe('encodeBoundary', () => {
  it('writes tag 5 and the fixed UUID with a 1-byte length by default', () => {
    expectBytes(encodeBoundary(), hex(`01 12   05 00   ${uuid}`))
  })

  it('writes 4- and 8-byte length fields when forced', () => {
    expectBytes(encodeBoundary({ lengthBytes: 4 }), hex(`04 12 00 00 00   05 00   ${uuid}`))
    expectBytes(encodeBoundary({ lengthBytes: 8 }), hex(`08 12 00 00 00 00 00 00 00   05 00   ${uuid}`))
  })
})

describe('encodeClockOffset', () => {
  it('writes tag 4, the stream id and two little-endian doubles', () => {
    expectBytes(encodeClockOffset(7, 1, -0.5), hex(`01 16   04 00   07 00 00 00   ${f64one}   ${f64minusHalf}`))
  })

  it('honours a forced 8-byte length field', () => {
    expectBytes(
      encodeClockOffset(0x02c0ffee, 1, -0.5, { lengthBytes: 8 }),
      hex(`08 16 00 00 00 00 00 00 00   04 00   EE FF C0 02   ${f64one}   ${f64minusHalf}`),
    )
  })
})

describe('encodeStreamHeader / encodeStreamFooter', () => {
  it('write tags 2 and 6 with the stream id and the UTF-8 text', () => {
    expectBytes(encodeStreamHeader(1, 'ab'), hex('01 08   02 00   01 00 00 00   61 62'))
    expectBytes(encodeStreamFooter(1, 'ab'), hex('01 08   06 00   01 00 00 00   61 62'))
    expectBytes(encodeStreamHeader(1, 'é', { lengthBytes: 4 }), hex('04 08 00 00 00   02 00   01 00 00 00   C3 A9'))
  })

  it('switches to a 4-byte length when the content no longer fits in one byte', () => {
    const xml = 'x'.repeat(300)
    const chunk = encodeStreamHeader(2, xml)
    // 2 (tag) + 4 (id) + 300 = 306 = 0x132
    expectBytes(chunk.subarray(0, 11), hex('04 32 01 00 00   02 00   02 00 00 00'))
    expect(chunk.length).toBe(1 + 4 + 306)
  })

  it('refuses a forced width that is too small', () => {
    expect(() => encodeStreamHeader(2, 'x'.repeat(300), { lengthBytes: 1 })).toThrow(RangeError)
  })
})

describe('encodeFileHeader', () => {
  it('writes tag 1 with the version 1.0 info document', () => {
    const xml = '<?xml version="1.0"?><info><version>1.0</version></info>'
    const body = utf8(xml)
    expectBytes(encodeFileHeader(), concat(hex(`01 ${(body.length + 2).toString(16)} 01 00`), body))
  })

  it('adds a datetime and extra XML inside <info>', () => {
    const chunk = encodeFileHeader('<recorder>entrain</recorder>', { datetime: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) })
    const text = new TextDecoder().decode(chunk.subarray(4))
    expect(text).toBe(
      '<?xml version="1.0"?><info><version>1.0</version><datetime>2024-01-02T03:04:05.000Z</datetime><recorder>entrain</recorder></info>',
    )
    expectBytes(chunk.subarray(0, 4), hex(`01 ${(text.length + 2).toString(16)} 01 00`))
  })
})

describe('encodeSamples', () => {
  it('encodes int16 samples with and without timestamps', () => {
    const chunk = encodeSamples(3, 'int16', 2, [1, null], Int16Array.of(1, -2, 3, 258))
    expectBytes(
      chunk,
      hex(`01 1A   03 00   03 00 00 00   01 02
           08 ${f64one}   01 00 FE FF
           00             03 00 02 01`),
    )
  })

  it('treats NaN in a Float64Array as "no timestamp"', () => {
    const withNaN = encodeSamples(3, 'int16', 2, Float64Array.of(1, NaN), Int16Array.of(1, -2, 3, 258))
    const withNull = encodeSamples(3, 'int16', 2, [1, null], Int16Array.of(1, -2, 3, 258))
    expectBytes(withNaN, withNull)
  })

  it('encodes strings as a varlen byte length and UTF-8', () => {
    const chunk = encodeSamples(2, 'string', 1, [0.25], [['hé']])
    expectBytes(chunk, hex(`01 16   03 00   02 00 00 00   01 01   08 ${f64quarter}   01 03 68 C3 A9`))
  })

  it('accepts strings as a flat sample-major list too', () => {
    expectBytes(encodeSamples(2, 'string', 2, [1, null], ['a', 'b', 'c', 'd']), encodeSamples(2, 'string', 2, [1, null], [['a', 'b'], ['c', 'd']]))
    expect(() => encodeSamples(2, 'string', 2, [1, null], ['a', 'b', 'c'])).toThrow(RangeError)
  })

  it('encodes float32, double64, int8, int32 and int64 values little-endian', () => {
    // chunk length = 2 (tag) + 4 (id) + 2 (count) + 1 (no timestamp) + values
    const head = '03 00   09 00 00 00   01 01   00'
    expectBytes(encodeSamples(9, 'float32', 1, [null], Float32Array.of(1.5)), hex(`01 0D ${head} 00 00 C0 3F`))
    expectBytes(encodeSamples(9, 'double64', 1, [null], Float64Array.of(1)), hex(`01 11 ${head} ${f64one}`))
    expectBytes(encodeSamples(9, 'int8', 2, [null], Int8Array.of(-1, 5)), hex(`01 0B ${head} FF 05`))
    expectBytes(encodeSamples(9, 'int32', 1, [null], Int32Array.of(-2)), hex(`01 0D ${head} FE FF FF FF`))
    // A subarray with a non-zero byteOffset, and a value that a double could not hold exactly.
    expectBytes(
      encodeSamples(9, 'int64', 1, [null], BigInt64Array.of(-2n, 2n ** 53n + 1n).subarray(1)),
      hex(`01 11 ${head} 01 00 00 00 00 00 20 00`),
    )
  })

  it('converts other numeric arrays to the stream format', () => {
    expectBytes(encodeSamples(9, 'int16', 2, [null], Float64Array.of(258, -2)), encodeSamples(9, 'int16', 2, [null], Int16Array.of(258, -2)))
    expectBytes(encodeSamples(9, 'int64', 1, [null], Float64Array.of(-2)), encodeSamples(9, 'int64', 1, [null], BigInt64Array.of(-2n)))
    expectBytes(encodeSamples(9, 'double64', 1, [null], BigInt64Array.of(3n)), encodeSamples(9, 'double64', 1, [null], Float64Array.of(3)))
  })

  it('uses a 4-byte sample count for 256 samples and more', () => {
    const n = 256
    const chunk = encodeSamples(1, 'int8', 1, new Array<null>(n).fill(null), new Int8Array(n))
    // content: count (1 + 4) + n × (flag 1 + value 1); chunk length = 2 + 4 + content
    const length = 2 + 4 + 5 + 2 * n
    expectBytes(chunk.subarray(0, 16), hex(`04 ${toHex(Uint8Array.of(length & 0xff, length >> 8, 0, 0))}   03 00   01 00 00 00   04 00 01 00 00`))
    expect(chunk.length).toBe(1 + 4 + length)
  })

  it('honours a forced 8-byte chunk length', () => {
    const chunk = encodeSamples(2, 'string', 1, [0.25], [['hé']], { lengthBytes: 8 })
    expectBytes(chunk, hex(`08 16 00 00 00 00 00 00 00   03 00   02 00 00 00   01 01   08 ${f64quarter}   01 03 68 C3 A9`))
  })

  it('rejects values that do not match the sample and channel counts', () => {
    expect(() => encodeSamples(1, 'int16', 2, [1, 2], Int16Array.of(1, 2, 3))).toThrow(RangeError)
    expect(() => encodeSamples(1, 'string', 2, [1], [['a']])).toThrow(RangeError)
    expect(() => encodeSamples(1, 'string', 1, [1, 2], [['a']])).toThrow(RangeError)
    expect(() => encodeSamples(1, 'string', 1, [1], Int16Array.of(1))).toThrow(TypeError)
    expect(() => encodeSamples(1, 'int16', 1, [1], [['a']])).toThrow(TypeError)
    expect(() => encodeSamples(-1, 'int16', 1, [1], Int16Array.of(1))).toThrow(RangeError)
  })
})

describe('stream header and footer XML', () => {
  const description: StreamDescription = {
    name: 'EEG <Cyton> & "friends"',
    type: 'EEG',
    channelCount: 2,
    nominalSrate: 250,
    channelFormat: 'float32',
    sourceId: "cyton-'1'",
    hostname: 'lab-pc',
    uid: 'abc-123',
    createdAt: 50942.723319709,
    channels: [
      { label: 'Fp1', unit: 'microvolts', type: 'EEG' },
      { label: 'A<1>', unit: 'µV' },
    ],
  }

  it('writes LSL element names, escapes text and reads back to the same description', () => {
    const xml = streamHeaderXml(description, '<manufacturer>OpenBCI</manufacturer>')
    expect(xml.startsWith('<?xml version="1.0"?>')).toBe(true)
    expect(xml).toContain('<name>EEG &lt;Cyton&gt; &amp; &quot;friends&quot;</name>')
    expect(xml).toContain('<channel_count>2</channel_count>')
    expect(xml).toContain('<nominal_srate>250</nominal_srate>')
    expect(xml).toContain('<channel_format>float32</channel_format>')
    expect(xml).toContain('<channel><label>Fp1</label><unit>microvolts</unit><type>EEG</type></channel>')
    expect(xml).toContain('<manufacturer>OpenBCI</manufacturer></desc>')
    expect(parseStreamInfoXml(xml)).toEqual(description)
  })

  it('writes an empty <desc /> when there is nothing to describe', () => {
    const bare: StreamDescription = { ...description }
    delete bare.channels
    expect(streamHeaderXml(bare)).toContain('<desc />')
  })

  it('writes the footer fields LabRecorder writes', () => {
    const xml = streamFooterXml({ firstTimestamp: 5.1, lastTimestamp: 5.9, sampleCount: 9, clockOffsets: [{ time: 6.1, value: -0.1 }] })
    expect(xml).toBe(
      '<?xml version="1.0"?>\n<info><first_timestamp>5.1</first_timestamp><last_timestamp>5.9</last_timestamp>' +
        '<sample_count>9</sample_count><clock_offsets><offset><time>6.1</time><value>-0.1</value></offset></clock_offsets></info>',
    )
  })
})
