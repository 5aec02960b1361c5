import { describe, expect, it } from 'vitest'
import { formatNpy, parseNpy } from '../../../src/shared/npy'

/** An .npy file as NumPy writes it, for headers and byte orders Entrain does not write itself. */
function handmade(header: string, payload: ArrayBuffer, version = 1): Uint8Array {
  const prefix = version === 1 ? 10 : 12
  const padded = header + ' '.repeat((64 - ((prefix + header.length + 1) % 64)) % 64) + '\n'
  const bytes = new Uint8Array(prefix + padded.length + payload.byteLength)
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0])
  const view = new DataView(bytes.buffer)
  if (version === 1) view.setUint16(8, padded.length, true)
  else view.setUint32(8, padded.length, true)
  for (let index = 0; index < padded.length; index++) bytes[prefix + index] = padded.charCodeAt(index)
  bytes.set(new Uint8Array(payload), prefix + padded.length)
  return bytes
}

describe('npy', () => {
  it('round-trips float32 and float64 matrices with a 64-byte aligned header', () => {
    for (const [dtype, data] of [
      ['float32', Float32Array.from([1.5, -2, 3.25, 4, 5, 6])],
      ['float64', Float64Array.from([Math.PI, -1e-300, 2, 1e300, 0, -0.5])],
    ] as const) {
      const bytes = formatNpy({ dtype, shape: [2, 3], data })
      const headerLength = new DataView(bytes.buffer).getUint16(8, true)
      expect((10 + headerLength) % 64).toBe(0)
      const parsed = parseNpy(bytes)
      expect(parsed.dtype).toBe(dtype)
      expect(parsed.shape).toEqual([2, 3])
      expect(Array.from(parsed.data)).toEqual(Array.from(data))
    }
    expect(parseNpy(formatNpy({ dtype: 'float64', shape: [3], data: Float64Array.from([1, 2, 3]) })).shape).toEqual([3])
  })

  it('reads big-endian, Fortran-order and version 2 files as NumPy writes them', () => {
    const big = new DataView(new ArrayBuffer(16))
    big.setFloat64(0, 1.25, false)
    big.setFloat64(8, -7, false)
    expect(Array.from(parseNpy(handmade("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", big.buffer)).data)).toEqual([1.25, -7])

    // [[1, 2, 3], [4, 5, 6]] stored column by column.
    const fortran = Float32Array.from([1, 4, 2, 5, 3, 6])
    const parsed = parseNpy(handmade("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", fortran.buffer, 2))
    expect(Array.from(parsed.data)).toEqual([1, 2, 3, 4, 5, 6])
  })

  it('reads integer arrays (class labels) when asked, in any width and byte order', () => {
    const int64 = new DataView(new ArrayBuffer(24))
    ;[3, -2, 7].forEach((value, index) => int64.setBigInt64(index * 8, BigInt(value), true))
    expect(Array.from(parseNpy(handmade("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", int64.buffer), 'labels.npy', { integers: true }).data)).toEqual([3, -2, 7])
    const uint16 = new DataView(new ArrayBuffer(4))
    uint16.setUint16(0, 40_000, false)
    uint16.setUint16(2, 5, false)
    expect(Array.from(parseNpy(handmade("{'descr': '>u2', 'fortran_order': False, 'shape': (2, 1), }", uint16.buffer), 'labels.npy', { integers: true }).data)).toEqual([40_000, 5])
  })

  it('names the file and the problem in every error', () => {
    expect(() => parseNpy(new TextEncoder().encode('a,b\n1,2\n'), 'views.csv')).toThrow(/views.csv is not a NumPy .npy file/)
    const ints = handmade("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", new ArrayBuffer(8))
    expect(() => parseNpy(ints, 'labels.npy')).toThrow(/labels.npy holds integers of type '<i8'; Entrain reads float32 or float64/)
    const short = handmade("{'descr': '<f8', 'fortran_order': False, 'shape': (4, 2), }", new ArrayBuffer(16))
    expect(() => parseNpy(short, 'x1.npy')).toThrow(/x1.npy is truncated: its shape \(4, 2\) needs 64 bytes of data, it has 16/)
  })
})
