import { packetLength, packetStart } from './protocol'

export interface PacketStats {
  packets: number
  /** Times the parser lost the packet boundaries after having found them. */
  resyncs: number
  /** Bytes that belonged to no packet (garbage, cut packets, text before the stream). */
  discardedBytes: number
}

/** Calls back with each complete packet: `bytes[offset … offset + 32]`, valid during the call only. */
export type PacketHandler = (bytes: Uint8Array, offset: number) => void

function isPacketAt(bytes: Uint8Array, offset: number): boolean {
  return bytes[offset] === packetStart && (bytes[offset + packetLength - 1]! & 0xf0) === 0xc0
}

/**
 * Cuts the serial byte stream into 33-byte packets (`0xA0` … `0xCx`). Bytes that do not line up
 * are discarded one at a time until a start byte has a stop byte 32 bytes later; while searching,
 * the next packet's start byte must follow too, so that garbage which happens to contain `0xA0`
 * and a `0xCx` byte in the right places is not taken for a packet.
 */
export class PacketParser {
  readonly stats: PacketStats = { packets: 0, resyncs: 0, discardedBytes: 0 }
  private pending: Uint8Array = new Uint8Array(0)
  private synced = false

  push(chunk: Uint8Array, onPacket: PacketHandler): void {
    let bytes = chunk
    if (this.pending.length) {
      bytes = new Uint8Array(this.pending.length + chunk.length)
      bytes.set(this.pending)
      bytes.set(chunk, this.pending.length)
    }
    let offset = 0
    while (bytes.length - offset >= packetLength) {
      if (isPacketAt(bytes, offset)) {
        if (!this.synced) {
          if (bytes.length - offset < packetLength + 1) break
          if (bytes[offset + packetLength] !== packetStart) {
            this.stats.discardedBytes += 1
            offset += 1
            continue
          }
          this.synced = true
        }
        this.stats.packets += 1
        onPacket(bytes, offset)
        offset += packetLength
        continue
      }
      if (this.synced) {
        this.synced = false
        this.stats.resyncs += 1
      }
      this.stats.discardedBytes += 1
      offset += 1
    }
    this.pending = bytes.slice(offset)
  }

  /** Forgets partial input, e.g. text the board sent before streaming. */
  reset(): void {
    this.pending = new Uint8Array(0)
    this.synced = false
  }
}

/** Sample number (0–255, wrapping) of the packet at `offset`. */
export function packetCounter(bytes: Uint8Array, offset: number): number {
  return bytes[offset + 1]!
}

/** Channel `index` (0–7) of the packet at `offset`: a 24-bit signed big-endian count. */
export function channelCount(bytes: Uint8Array, offset: number, index: number): number {
  const at = offset + 2 + index * 3
  const value = (bytes[at]! << 16) | (bytes[at + 1]! << 8) | bytes[at + 2]!
  return value & 0x800000 ? value - 0x1000000 : value
}

/** Aux value `index` (0–2) of the packet at `offset`: a 16-bit signed big-endian value. */
export function auxValue(bytes: Uint8Array, offset: number, index: number): number {
  const at = offset + 26 + index * 2
  const value = (bytes[at]! << 8) | bytes[at + 1]!
  return value & 0x8000 ? value - 0x10000 : value
}

export function stopByte(bytes: Uint8Array, offset: number): number {
  return bytes[offset + packetLength - 1]!
}
