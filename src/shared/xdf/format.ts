/**
 * Binary constants and helpers of XDF 1.0 shared by the writer and the reader.
 * Everything on disk is little-endian.
 */

export const ChunkTag = {
  FileHeader: 1,
  StreamHeader: 2,
  Samples: 3,
  ClockOffset: 4,
  Boundary: 5,
  StreamFooter: 6,
} as const

export type ChunkTagValue = (typeof ChunkTag)[keyof typeof ChunkTag]

/** Chunk tags whose content starts with a u32 stream id. */
export function tagHasStreamId(tag: number): boolean {
  return tag === ChunkTag.StreamHeader || tag === ChunkTag.Samples || tag === ChunkTag.ClockOffset || tag === ChunkTag.StreamFooter
}

/** "XDF:" */
export const magicBytes: Uint8Array = Uint8Array.of(0x58, 0x44, 0x46, 0x3a)

/** The fixed content of every boundary chunk; readers scan for it to resynchronise after corruption. */
export const boundaryUuid: Uint8Array = Uint8Array.of(
  0x43, 0xa5, 0x46, 0xdc, 0xcb, 0xf5, 0x41, 0x0f, 0xb3, 0x0e, 0xd5, 0x46, 0x73, 0x83, 0xcb, 0xe4,
)

/** Width in bytes of a variable-length integer (chunk lengths, sample counts, string lengths). */
export type LengthWidth = 1 | 4 | 8

export function isLengthWidth(value: number): value is LengthWidth {
  return value === 1 || value === 4 || value === 8
}

export function fitsInWidth(value: number, width: LengthWidth): boolean {
  if (width === 1) return value <= 0xff
  if (width === 4) return value <= 0xffff_ffff
  return value <= Number.MAX_SAFE_INTEGER
}

export function smallestLengthWidth(value: number): LengthWidth {
  if (fitsInWidth(value, 1)) return 1
  if (fitsInWidth(value, 4)) return 4
  return 8
}

/** Writes `value` as `[width u8][value, width bytes LE]`; returns the offset after it. */
export function writeVarLen(view: DataView, offset: number, value: number, width: LengthWidth = smallestLengthWidth(value)): number {
  view.setUint8(offset, width)
  if (width === 1) view.setUint8(offset + 1, value)
  else if (width === 4) view.setUint32(offset + 1, value, true)
  else view.setBigUint64(offset + 1, BigInt(value), true)
  return offset + 1 + width
}

export function varLenSize(value: number): number {
  return 1 + smallestLengthWidth(value)
}

/**
 * The typed arrays the reader fills and the writer copies from are in host byte order; every
 * platform Electron ships for is little-endian, so byte copies are the fast path and DataView
 * conversions only the fallback.
 */
export const hostIsLittleEndian: boolean = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1

/** Index of the next boundary UUID at or after `from`, or -1. */
export function findBoundaryUuid(bytes: Uint8Array, from: number): number {
  const first = boundaryUuid[0] ?? 0
  const last = bytes.length - boundaryUuid.length
  let index = bytes.indexOf(first, from)
  while (index !== -1 && index <= last) {
    let match = true
    for (let k = 1; k < boundaryUuid.length; k++) {
      if (bytes[index + k] !== boundaryUuid[k]) {
        match = false
        break
      }
    }
    if (match) return index
    index = bytes.indexOf(first, index + 1)
  }
  return -1
}
