import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type { EntrainApi, EventName, EventPayloads } from '../shared/contract'
import { createListenerRegistry, ipcChannels as channels } from '../shared/transport'

/**
 * Exposes exactly one object, `window.entrain`, with the contract's two operations. Names and
 * inputs are checked in main, not here: the preload is a pipe, and main trusts nothing it sends.
 */
const listeners = createListenerRegistry(
  (event) => ipcRenderer.send(channels.subscribe, event),
  (event) => ipcRenderer.send(channels.unsubscribe, event),
)

ipcRenderer.on(channels.event, (_event: IpcRendererEvent, name: string, payload: unknown) => listeners.dispatch(name, payload))

const api: EntrainApi = {
  request: (name, input) => ipcRenderer.invoke(channels.request, name, input),
  on: <E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void) => listeners.add(event, listener as (payload: unknown) => void),
}

contextBridge.exposeInMainWorld('entrain', api)
