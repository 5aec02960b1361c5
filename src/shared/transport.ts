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
