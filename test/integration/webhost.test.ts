import { mkdir, writeFile } from 'node:fs/promises'
import http from 'node:http'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createServices, type Services } from '../../src/main/services'
import { startWebHost, type WebHost } from '../../src/main/webhost/server'
import type { WebServerMessage } from '../../src/shared/transport'
import { useTempDirs } from '../support/temp-dir'

const tempDir = useTempDirs()
let host: WebHost
let services: Services
let dataDir: string

beforeEach(async () => {
  const rendererDir = await tempDir()
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>renderer</title>')
  await mkdir(path.join(rendererDir, 'assets'))
  await writeFile(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
  dataDir = await tempDir()
  await writeFile(path.join(path.dirname(rendererDir), 'outside-secret.txt'), 'secret')
  services = await createServices({ kind: 'web', dataDir })
  host = await startWebHost({ services, rendererDir })
})

afterEach(async () => {
  await host.close()
  await services.close()
})

/** A raw GET so that the Host header and cookies are exactly what the test says. */
function get(urlPath: string, headers: Record<string, string> = {}) {
  const { port } = new URL(host.origin)
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: urlPath, headers }, (response) => {
      let body = ''
      response.on('data', (chunk) => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }))
    })
    request.on('error', reject)
  })
}

const cookie = () => `entrain_token=${host.token}`

function connect(headers: Record<string, string> = { Origin: host.origin, Cookie: cookie() }) {
  return new WebSocket(`${host.origin.replace('http', 'ws')}/ws`, { headers })
}

function opened(ws: WebSocket) {
  return new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
}

/** Buffers every message so that none is missed between two awaits. */
function inbox(ws: WebSocket): () => Promise<WebServerMessage> {
  const queued: WebServerMessage[] = []
  const waiting: ((message: WebServerMessage) => void)[] = []
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as WebServerMessage
    const waiter = waiting.shift()
    if (waiter) waiter(message)
    else queued.push(message)
  })
  return () => {
    const message = queued.shift()
    return message ? Promise.resolve(message) : new Promise((resolve) => waiting.push(resolve))
  }
}

describe('browser test host', () => {
  it('listens on the loopback address only', () => {
    expect(new URL(host.origin).hostname).toBe('127.0.0.1')
  })

  it('refuses pages without a token or with a wrong one', async () => {
    expect((await get('/')).status).toBe(401)
    expect((await get('/?token=wrong')).status).toBe(401)
    expect((await get('/', { Cookie: 'entrain_token=wrong' })).status).toBe(401)
    expect((await get('/assets/app.js')).status).toBe(401)
  })

  it('trades the URL token for an HttpOnly cookie and then serves the renderer with the CSP', async () => {
    const first = await get(`/?token=${host.token}`)
    expect(first.status).toBe(303)
    expect(first.headers.location).toBe('/')
    expect(first.headers['set-cookie']?.[0]).toMatch(/^entrain_token=.+; HttpOnly; SameSite=Strict/)
    const page = await get('/', { Cookie: cookie() })
    expect(page.status).toBe(200)
    expect(page.body).toContain('<title>renderer</title>')
    expect(page.headers['content-security-policy']).toContain("script-src 'self'")
  })

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const { port } = new URL(host.origin)
    expect((await get('/', { Cookie: cookie(), Host: `evil.example:${port}` })).status).toBe(401)
  })

  it('never serves files outside the renderer', async () => {
    for (const attempt of ['/../outside-secret.txt', '/%2e%2e/outside-secret.txt', '/..%2Foutside-secret.txt']) {
      const response = await get(attempt, { Cookie: cookie() })
      expect([403, 404]).toContain(response.status)
      expect(response.body).not.toContain('secret')
    }
    expect((await get('/..%2Foutside-secret.txt', { Cookie: cookie() })).status).toBe(403)
  })

  it('refuses WebSocket connections without the token or from another origin', async () => {
    const refused: Record<string, string>[] = [{ Origin: host.origin }, { Origin: 'http://evil.example', Cookie: cookie() }, { Cookie: cookie() }]
    for (const headers of refused) {
      const ws = connect(headers)
      await expect(opened(ws)).rejects.toThrow(/401/)
    }
  })

  it('answers requests through the shared dispatch, including structured errors', async () => {
    const ws = connect()
    const nextMessage = inbox(ws)
    await opened(ws)
    ws.send(JSON.stringify({ type: 'request', id: 1, name: 'app.info', input: {} }))
    const info = await nextMessage()
    expect(info).toMatchObject({ type: 'reply', id: 1, reply: { ok: true, value: { host: 'web', dataDir, nativeDialogs: false } } })

    ws.send(JSON.stringify({ type: 'request', id: 2, name: 'study.open', input: { path: 42 } }))
    expect(await nextMessage()).toMatchObject({ type: 'reply', id: 2, reply: { ok: false, error: { code: 'INVALID_INPUT' } } })

    ws.send(JSON.stringify({ type: 'request', id: 3, name: 'process.exit', input: {} }))
    expect(await nextMessage()).toMatchObject({ id: 3, reply: { ok: false, error: { code: 'UNKNOWN_REQUEST' } } })

    ws.send(JSON.stringify({ type: 'request', id: 4, name: 'study.pickFolder', input: {} }))
    expect(await nextMessage()).toMatchObject({ id: 4, reply: { ok: false, error: { code: 'NOT_AVAILABLE' } } })

    ws.send('{not json')
    expect(await nextMessage()).toMatchObject({ type: 'error', error: { code: 'INVALID_INPUT' } })
    ws.close()
  })

  it('delivers subscribed events and stops after unsubscribing', async () => {
    const ws = connect()
    const nextMessage = inbox(ws)
    await opened(ws)
    ws.send(JSON.stringify({ type: 'subscribe', event: 'settings.changed' }))
    const studyDir = await tempDir()
    ws.send(JSON.stringify({ type: 'request', id: 1, name: 'study.open', input: { path: studyDir } }))
    const messages = [await nextMessage(), await nextMessage()]
    expect(messages).toContainEqual({ type: 'event', event: 'settings.changed', payload: { recentStudies: [studyDir], windowBounds: null } })

    ws.send(JSON.stringify({ type: 'unsubscribe', event: 'settings.changed' }))
    ws.send(JSON.stringify({ type: 'request', id: 2, name: 'study.forgetRecent', input: { path: studyDir } }))
    expect(await nextMessage()).toMatchObject({ type: 'reply', id: 2 })

    ws.send(JSON.stringify({ type: 'subscribe', event: 'no.such.event' }))
    expect(await nextMessage()).toMatchObject({ type: 'error', error: { code: 'UNKNOWN_EVENT' } })
    ws.close()
  })
})
