/**
 * Wire details of the contract's two transports. Kept free of runtime imports so that the
 * sandboxed preload bundles it without pulling in anything else.
 */
import type { ErrorInfo, EventName, Reply } from './contract'

/** Channel names of the Electron IPC transport. */
export const ipcChannels = {
  request: 'entrain:request',
  subscribe: 'entrain:subscribe',
  unsubscribe: 'entrain:unsubscribe',
  event: 'entrain:event',
} as const

/** Messages of the WebSocket transport (browser test host). */
export type WebClientMessage =
  | { type: 'request'; id: number; name: string; input: unknown }
  | { type: 'subscribe'; event: string }
  | { type: 'unsubscribe'; event: string }

export type WebServerMessage =
  | { type: 'reply'; id: number; reply: Reply<unknown> }
  | { type: 'event'; event: EventName; payload: unknown }
  | { type: 'error'; error: ErrorInfo }

export const webSocketPath = '/ws'

/**
 * WebSocket messages carrying typed arrays (signal chunks) go as one binary frame instead of JSON:
 * `[u32 JSON byte length][JSON][padding to 8][array bytes…]`, where each typed array in the JSON is
 * replaced by `{ $typed: kind, offset, length }` pointing into the bytes after the JSON. Messages
 * without typed arrays stay plain JSON text. Electron's IPC clones typed arrays natively.
 */
const typedArrayKinds = {
  Float32Array,
  Float64Array,
  Int8Array,
  Int16Array,
  Int32Array,
  Uint8Array,
  BigInt64Array,
} as const
type TypedArrayKind = keyof typeof typedArrayKinds
type Placeholder = { $typed: TypedArrayKind; offset: number; length: number }

const align = (value: number) => Math.ceil(value / 8) * 8

export function packWebMessage(message: unknown): string | Uint8Array {
  const arrays: ArrayBufferView[] = []
  let dataBytes = 0
  const json = JSON.stringify(message, (_key, value: unknown) => {
    if (ArrayBuffer.isView(value) && value.constructor.name in typedArrayKinds) {
      const array = value as ArrayBufferView & { length: number }
      const placeholder: Placeholder = { $typed: value.constructor.name as TypedArrayKind, offset: dataBytes, length: array.length }
      arrays.push(array)
      dataBytes = align(dataBytes + array.byteLength)
      return placeholder
    }
    return value
  })
  if (arrays.length === 0) return json
  const text = new TextEncoder().encode(json)
  const dataStart = align(4 + text.length)
  const frame = new Uint8Array(dataStart + dataBytes)
  new DataView(frame.buffer).setUint32(0, text.length, true)
  frame.set(text, 4)
  let offset = dataStart
  for (const array of arrays) {
    frame.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), offset)
    offset = align(offset + array.byteLength)
  }
  return frame
}

export function unpackWebMessage(data: string | ArrayBuffer | Uint8Array): unknown {
  if (typeof data === 'string') return JSON.parse(data)
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data)
  const jsonLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true)
  const json = new TextDecoder().decode(bytes.subarray(4, 4 + jsonLength))
  const dataStart = align(4 + jsonLength)
  // Copy into a fresh, aligned buffer: typed array views need their element alignment.
  const payload = bytes.slice(dataStart).buffer
  return JSON.parse(json, (_key, value: unknown) => {
    const placeholder = value as Placeholder | null
    if (placeholder && typeof placeholder === 'object' && typeof placeholder.$typed === 'string' && placeholder.$typed in typedArrayKinds) {
      return new typedArrayKinds[placeholder.$typed](payload, placeholder.offset, placeholder.length)
    }
    return value
  })
}

/**
 * The renderer side of event subscriptions, shared by both transports: listeners per event, with
 * `subscribe`/`unsubscribe` called when an event gets its first listener or loses its last, so
 * that main is asked once per event however many components listen.
 */
export function createListenerRegistry(subscribe: (event: string) => void, unsubscribe: (event: string) => void) {
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  return {
    add(event: string, listener: (payload: unknown) => void): () => void {
      let set = listeners.get(event)
      if (!set) {
        set = new Set()
        listeners.set(event, set)
        subscribe(event)
      }
      set.add(listener)
      return () => {
        set.delete(listener)
        if (set.size === 0 && listeners.get(event) === set) {
          listeners.delete(event)
          unsubscribe(event)
        }
      }
    },
    dispatch(event: string, payload: unknown): void {
      for (const listener of listeners.get(event) ?? []) listener(payload)
    },
  }
}
