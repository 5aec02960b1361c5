import { describe, expect, it } from 'vitest'
import { packWebMessage, unpackWebMessage } from '../../../src/shared/transport'

describe('WebSocket message packing', () => {
  it('keeps messages without typed arrays as JSON text', () => {
    const message = { type: 'reply', id: 1, reply: { ok: true, value: [1, 'a'] } }
    const packed = packWebMessage(message)
    expect(typeof packed).toBe('string')
    expect(unpackWebMessage(packed)).toEqual(message)
  })

  it('round-trips typed arrays of every kind exactly, at odd lengths', () => {
    const message = {
      type: 'event',
      payload: {
        chunks: [
          { key: 'a', timestamps: Float64Array.from([1.5, 2.25, 3.125]), values: Float32Array.from([0.1, -2, 3e7, 5, 7]) },
          { key: 'b', counts: Int16Array.from([-1, 2, 32767]), bytes: Uint8Array.from([255, 0, 1]), wide: BigInt64Array.from([-5n]) },
          { key: 'c', small: Int8Array.from([-128]), ints: Int32Array.from([2 ** 31 - 1]), strings: ['x', 'ü'] },
        ],
      },
    }
    const packed = packWebMessage(message)
    expect(packed).toBeInstanceOf(Uint8Array)
    const unpacked = unpackWebMessage((packed as Uint8Array).slice().buffer) as typeof message
    expect(unpacked).toEqual(message)
    expect(unpacked.payload.chunks[0]!.values).toBeInstanceOf(Float32Array)
    expect(unpacked.payload.chunks[1]!.wide).toBeInstanceOf(BigInt64Array)
  })

  it('packs a view into a larger buffer by its own bytes only', () => {
    const big = Float32Array.from({ length: 100 }, (_, index) => index)
    const unpacked = unpackWebMessage(packWebMessage({ part: big.subarray(10, 13) })) as { part: Float32Array }
    expect(Array.from(unpacked.part)).toEqual([10, 11, 12])
  })
})

describe('listener registry', () => {
  it('subscribes upstream once per event and unsubscribes with the last listener', async () => {
    const { createListenerRegistry } = await import('../../../src/shared/transport')
    const calls: string[] = []
    const registry = createListenerRegistry((event) => calls.push(`+${event}`), (event) => calls.push(`-${event}`))
    const seen: unknown[] = []
    const offA = registry.add('streams.data', (payload) => seen.push(['a', payload]))
    const offB = registry.add('streams.data', (payload) => seen.push(['b', payload]))
    registry.dispatch('streams.data', 1)
    offA()
    registry.dispatch('streams.data', 2)
    offB()
    offB()
    registry.dispatch('streams.data', 3)
    expect(calls).toEqual(['+streams.data', '-streams.data'])
    expect(seen).toEqual([['a', 1], ['b', 1], ['b', 2]])
  })
})
