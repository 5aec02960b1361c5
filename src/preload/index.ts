import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type { EntrainApi, EventName, EventPayloads } from '../shared/contract'
import { ipcChannels as channels } from '../shared/transport'

/**
 * Exposes exactly one object, `window.entrain`, with the contract's two operations. Names and
 * inputs are checked in main, not here: the preload is a pipe, and main trusts nothing it sends.
 */
const listeners = new Map<string, Set<(payload: unknown) => void>>()

ipcRenderer.on(channels.event, (_event: IpcRendererEvent, name: string, payload: unknown) => {
  for (const listener of listeners.get(name) ?? []) listener(payload)
})

const api: EntrainApi = {
  request: (name, input) => ipcRenderer.invoke(channels.request, name, input),
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void) {
    let set = listeners.get(event)
    if (!set) {
      set = new Set()
      listeners.set(event, set)
      ipcRenderer.send(channels.subscribe, event)
    }
    const wrapped = listener as (payload: unknown) => void
    set.add(wrapped)
    return () => {
      set.delete(wrapped)
      if (set.size === 0) {
        listeners.delete(event)
        ipcRenderer.send(channels.unsubscribe, event)
      }
    }
  },
}

contextBridge.exposeInMainWorld('entrain', api)
