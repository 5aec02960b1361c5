import type { EntrainApi, EventName, EventPayloads } from '../../shared/contract'
import type { Reply } from '../../shared/errors'
import { createListenerRegistry, unpackWebMessage, webSocketPath, type WebClientMessage, type WebServerMessage } from '../../shared/transport'

/**
 * The contract over the browser test host's WebSocket, with the same shape as the preload's
 * `window.entrain`. The host's token travels as an HttpOnly cookie, so this code never sees it.
 */
export function createWebSocketApi(onConnectionLost: (reason: string) => void): EntrainApi {
  const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${webSocketPath}`)
  socket.binaryType = 'arraybuffer'
  const opened = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true })
    socket.addEventListener('error', () => reject(new Error('cannot connect to the Entrain host')), { once: true })
  })
  const pending = new Map<number, (reply: Reply<unknown>) => void>()
  let nextId = 1

  const send = async (message: WebClientMessage) => {
    await opened
    socket.send(JSON.stringify(message))
  }
  const listeners = createListenerRegistry(
    (event) => void send({ type: 'subscribe', event }).catch(() => {}),
    (event) => void send({ type: 'unsubscribe', event }).catch(() => {}),
  )

  socket.addEventListener('message', (event) => {
    const message = unpackWebMessage(event.data as string | ArrayBuffer) as WebServerMessage
    if (message.type === 'reply') {
      pending.get(message.id)?.(message.reply)
      pending.delete(message.id)
    } else if (message.type === 'event') {
      listeners.dispatch(message.event, message.payload)
    } else {
      console.error(`Entrain host: ${message.error.code}: ${message.error.message}`)
    }
  })

  socket.addEventListener('close', (event) => {
    const reason = event.reason || 'the connection to the Entrain host closed'
    for (const resolve of pending.values()) resolve({ ok: false, error: { code: 'DISCONNECTED', message: reason } })
    pending.clear()
    onConnectionLost(reason)
  })

  return {
    request(name, input) {
      const id = nextId++
      return new Promise((resolve) => {
        pending.set(id, resolve as (reply: Reply<unknown>) => void)
        send({ type: 'request', id, name, input }).catch((error: Error) => {
          pending.delete(id)
          resolve({ ok: false, error: { code: 'DISCONNECTED', message: error.message } })
        })
      })
    },
    on: <E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void) => listeners.add(event, listener as (payload: unknown) => void),
  }
}
