import { ref } from 'vue'
import type { EntrainApi, EventName, EventPayloads, RequestInput, RequestName, RequestOutput } from '../../shared/contract'
import { EntrainError } from '../../shared/errors'
import { createWebSocketApi } from './websocket'

/** Set when the browser test host's connection drops; the app shows it in a banner. */
export const connectionProblem = ref<string | null>(null)

/** The Electron preload's API when present, else the browser test host's WebSocket. */
const transport: EntrainApi =
  window.entrain ?? createWebSocketApi((reason) => (connectionProblem.value = reason))

export const transportKind: 'ipc' | 'websocket' = window.entrain ? 'ipc' : 'websocket'

/** Calls main and returns the output, or throws an EntrainError carrying main's code and details. */
export async function call<K extends RequestName>(name: K, input: RequestInput<K>): Promise<RequestOutput<K>> {
  const reply = await transport.request(name, input)
  if (!reply.ok) throw EntrainError.fromInfo(reply.error)
  return reply.value
}

export function on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void {
  return transport.on(event, listener)
}
