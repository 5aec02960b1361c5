import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron'
import { isEventName, type EventName } from '../shared/contract'
import { ipcChannels } from '../shared/transport'
import { EntrainError } from '../shared/errors'
import type { Services } from './services'

/**
 * The Electron transport of the contract: requests are answered with Reply values (never thrown,
 * so nothing is lost crossing IPC), events go to the pages that subscribed. `isTrusted` decides
 * whether a message comes from the app's own page; anything else is refused.
 */
export function bindIpc(services: Services, isTrusted: (event: IpcMainEvent | IpcMainInvokeEvent) => boolean): void {
  const subscriptions = new Map<WebContents, Map<EventName, () => void>>()

  ipcMain.handle(ipcChannels.request, async (event, name: unknown, input: unknown) => {
    if (!isTrusted(event)) {
      return { ok: false, error: new EntrainError('PERMISSION_DENIED', 'request from an untrusted page').toInfo() }
    }
    return services.dispatch(name, input)
  })

  const subscriptionsOf = (contents: WebContents) => {
    let map = subscriptions.get(contents)
    if (!map) {
      map = new Map()
      subscriptions.set(contents, map)
      contents.once('destroyed', () => {
        for (const unsubscribe of map!.values()) unsubscribe()
        subscriptions.delete(contents)
      })
    }
    return map
  }

  ipcMain.on(ipcChannels.subscribe, (event, name: unknown) => {
    if (!isTrusted(event) || !isEventName(name)) return
    const map = subscriptionsOf(event.sender)
    if (map.has(name)) return
    const contents = event.sender
    map.set(
      name,
      services.events.subscribe(name, (payload) => {
        if (!contents.isDestroyed()) contents.send(ipcChannels.event, name, payload)
      }),
    )
  })

  ipcMain.on(ipcChannels.unsubscribe, (event, name: unknown) => {
    if (!isTrusted(event) || !isEventName(name)) return
    const map = subscriptions.get(event.sender)
    map?.get(name)?.()
    map?.delete(name)
  })
}
