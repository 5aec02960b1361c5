import { EventEmitter } from 'node:events'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createServices, type Services } from '../../src/main/services'
import { ipcChannels } from '../../src/shared/transport'
import { useTempDirs } from '../support/temp-dir'

/**
 * Stands in for Electron's ipcMain and WebContents, which need the Electron binary: just enough
 * to drive bindIpc with the real services behind it.
 */
const fakeIpc = vi.hoisted(() => {
  const handlers = new Map<string, (...args: unknown[]) => unknown>()
  const listeners = new Map<string, (...args: unknown[]) => void>()
  return {
    handlers,
    listeners,
    ipcMain: {
      handle: (channel: string, handler: (...args: unknown[]) => unknown) => handlers.set(channel, handler),
      on: (channel: string, listener: (...args: unknown[]) => void) => listeners.set(channel, listener),
    },
  }
})
vi.mock('electron', () => ({ ipcMain: fakeIpc.ipcMain }))

const { bindIpc } = await import('../../src/main/ipc')

class FakeWebContents extends EventEmitter {
  sent: unknown[][] = []
  destroyed = false
  send(...args: unknown[]) {
    this.sent.push(args)
  }
  isDestroyed() {
    return this.destroyed
  }
}

const tempDir = useTempDirs()
const trusted = new FakeWebContents()
const stranger = new FakeWebContents()
const participant = new FakeWebContents()

let services: Services

beforeEach(async () => {
  fakeIpc.handlers.clear()
  fakeIpc.listeners.clear()
  services = await createServices({ kind: 'electron', dataDir: await tempDir(), pickFolder: async () => null })
  bindIpc(services, (event) => (event.sender === (trusted as unknown) ? 'app' : event.sender === (participant as unknown) ? 'participant' : null))
})

afterEach(() => services.close())

const invoke = (sender: FakeWebContents, name: unknown, input: unknown) =>
  fakeIpc.handlers.get(ipcChannels.request)!({ sender }, name, input)

describe('Electron IPC transport', () => {
  it('answers the trusted page through the shared dispatch', async () => {
    expect(await invoke(trusted, 'study.pickFolder', {})).toEqual({ ok: true, value: { path: null } })
    expect(await invoke(trusted, 'study.open', {})).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
  })

  it('refuses any other sender with a structured error', async () => {
    expect(await invoke(stranger, 'app.info', {})).toEqual({
      ok: false,
      error: { code: 'PERMISSION_DENIED', message: 'request from an untrusted page' },
    })
  })

  it('sends subscribed events to the page until it is destroyed', async () => {
    fakeIpc.listeners.get(ipcChannels.subscribe)!({ sender: trusted }, 'settings.changed')
    fakeIpc.listeners.get(ipcChannels.subscribe)!({ sender: stranger }, 'settings.changed')
    const study = await tempDir()
    await invoke(trusted, 'study.open', { path: study })
    expect(trusted.sent).toEqual([[ipcChannels.event, 'settings.changed', { recentStudies: [study], windowBounds: null }]])
    expect(stranger.sent).toEqual([])

    trusted.emit('destroyed')
    await invoke(trusted, 'study.forgetRecent', { path: study })
    expect(trusted.sent).toHaveLength(1)
  })

  it('lets the participant window show the session and answer, and nothing else', async () => {
    expect(await invoke(participant, 'session.status', {})).toEqual({ ok: true, value: null })
    expect(await invoke(participant, 'session.respond', { trial: 0, scale: 'valence', value: 5 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    expect(await invoke(participant, 'study.open', { path: '/' })).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } })
    expect(await invoke(participant, 'session.abort', {})).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } })
    fakeIpc.listeners.get(ipcChannels.subscribe)!({ sender: participant }, 'settings.changed')
    await invoke(trusted, 'study.open', { path: await tempDir() })
    expect(participant.sent).toEqual([])
  })
})
