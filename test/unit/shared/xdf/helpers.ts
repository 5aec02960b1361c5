import { xdfMagic } from '../../../../src/shared/xdf/writer'

/** Bytes from a hex string; whitespace is ignored so fixtures can be grouped by field. */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '')
  if (clean.length % 2 !== 0) throw new Error(`odd hex length in ${text}`)
  const bytes = new Uint8Array(clean.length / 2)
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16)
  return bytes
}

export function toHex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ')
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, p) => sum + p.length, 0)
  const out = new Uint8Array(total)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/** A whole file: magic followed by the given chunks. */
export function xdfFile(...chunks: Uint8Array[]): Uint8Array {
  return concat(xdfMagic, ...chunks)
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

/** Deterministic pseudo-random numbers in [0, 1) so failures reproduce. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
}
