import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron'
import { isEventName, participantEvents, participantRequests, type EventName } from '../shared/contract'
import { ipcChannels } from '../shared/transport'
import { EntrainError } from '../shared/errors'
import type { Services } from './services'

/**
 * The Electron transport of the contract: requests are answered with Reply values (never thrown,
 * so nothing is lost crossing IPC), events go to the pages that subscribed. `pageOf` says which of
 * the app's own pages a message comes from: the main window may use the whole contract, the
 * participant window only what it needs to show the session and answer; anything else is refused.
 */
export type PageKind = 'app' | 'participant' | null

export function bindIpc(services: Services, pageOf: (event: IpcMainEvent | IpcMainInvokeEvent) => PageKind): void {
  const mayRequest = (page: PageKind, name: unknown) => page === 'app' || (page === 'participant' && (participantRequests as readonly unknown[]).includes(name))
  const mayHear = (page: PageKind, name: EventName) => page === 'app' || (page === 'participant' && (participantEvents as readonly string[]).includes(name))

  const subscriptions = new Map<WebContents, Map<EventName, () => void>>()

  ipcMain.handle(ipcChannels.request, async (event, name: unknown, input: unknown) => {
    const page = pageOf(event)
    if (!page) return { ok: false, error: new EntrainError('PERMISSION_DENIED', 'request from an untrusted page').toInfo() }
    if (!mayRequest(page, name)) return { ok: false, error: new EntrainError('PERMISSION_DENIED', `the ${page} window may not make the request ${String(name)}`).toInfo() }
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
    if (!isEventName(name) || !mayHear(pageOf(event), name)) return
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
    if (!pageOf(event) || !isEventName(name)) return
    const map = subscriptions.get(event.sender)
    map?.get(name)?.()
    map?.delete(name)
  })
}
