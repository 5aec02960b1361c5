import { describe, expect, it } from 'vitest'
import { boundaryUuid, findBoundaryUuid, smallestLengthWidth, writeVarLen } from '../../../../src/shared/xdf/format'
import { concat, toHex } from './helpers'

describe('smallestLengthWidth', () => {
  it('picks 1, 4 or 8 bytes at the right edges', () => {
    expect(smallestLengthWidth(0)).toBe(1)
    expect(smallestLengthWidth(255)).toBe(1)
    expect(smallestLengthWidth(256)).toBe(4)
    expect(smallestLengthWidth(0xffff_ffff)).toBe(4)
    expect(smallestLengthWidth(0x1_0000_0000)).toBe(8)
  })
})

describe('writeVarLen', () => {
  it('writes the width byte then the little-endian value', () => {
    const bytes = new Uint8Array(9)
    expect(writeVarLen(new DataView(bytes.buffer), 0, 0x1_0000_0002)).toBe(9)
    expect(toHex(bytes)).toBe('08 02 00 00 00 01 00 00 00')
  })
})

describe('findBoundaryUuid', () => {
  it('finds the UUID after near misses and reports -1 when absent', () => {
    const nearMiss = boundaryUuid.slice(0, 15)
    const haystack = concat(Uint8Array.of(0x43, 1), nearMiss, boundaryUuid, Uint8Array.of(9))
    expect(findBoundaryUuid(haystack, 0)).toBe(2 + 15)
    expect(findBoundaryUuid(haystack, 18)).toBe(-1)
    expect(findBoundaryUuid(boundaryUuid.subarray(0, 15), 0)).toBe(-1)
  })
})
