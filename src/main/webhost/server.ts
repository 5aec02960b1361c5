import { randomBytes, timingSafeEqual } from 'node:crypto'
import { promises as fs } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { isEventName, type EventName } from '../../shared/contract'
import { packWebMessage, webSocketPath, type WebClientMessage, type WebServerMessage } from '../../shared/transport'
import { contentSecurityPolicy } from '../../shared/csp'
import type { Services } from '../services'

/**
 * The browser test host: serves the built renderer over http on 127.0.0.1 and binds the same
 * services as the Electron app to a WebSocket. Every request needs the per-run token (in the URL
 * once, then as an HttpOnly cookie); the Host and Origin headers must name this server, which stops
 * other web pages and DNS rebinding from reaching the services.
 */
export interface WebHostOptions {
  services: Services
  /** The built renderer (out/renderer). */
  rendererDir: string
  /** 0 picks a free port. */
  port?: number
  /** Defaults to 32 random bytes; tests may pass their own. */
  token?: string
}

export interface WebHost {
  /** The address to open, token included. */
  url: string
  origin: string
  token: string
  close(): Promise<void>
}

const loopback = '127.0.0.1'
const cookieName = 'entrain_token'
const maxMessageBytes = 1 << 20

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(32).toString('base64url')
  const rendererDir = path.resolve(options.rendererDir)
  const server = http.createServer()
  const sockets = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, loopback, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  const origin = `http://${loopback}:${port}`
  const allowedHosts = new Set([`${loopback}:${port}`, `localhost:${port}`])

  const tokenMatches = (candidate: string | undefined | null): boolean => {
    if (!candidate) return false
    const a = Buffer.from(candidate)
    const b = Buffer.from(token)
    return a.length === b.length && timingSafeEqual(a, b)
  }
  const authorised = (request: http.IncomingMessage, url: URL): boolean =>
    allowedHosts.has(request.headers.host ?? '') &&
    (tokenMatches(url.searchParams.get('token')) || tokenMatches(readCookie(request, cookieName)))

  server.on('request', (request, response) => {
    const url = new URL(request.url ?? '/', origin)
    if (!authorised(request, url)) return refuse(response, 401, 'a valid token is required')
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(response, 405, 'method not allowed')
    if (url.searchParams.has('token')) {
      // Trade the URL token for a cookie and drop it from the address bar and history.
      url.searchParams.delete('token')
      response.writeHead(303, {
        Location: url.pathname + url.search,
        'Set-Cookie': `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        'Cache-Control': 'no-store',
      })
      return response.end()
    }
    void serveFile(rendererDir, url.pathname, response)
  })

  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', origin)
    const fromThisPage = request.headers.origin === origin || request.headers.origin === `http://localhost:${port}`
    if (url.pathname !== webSocketPath || !authorised(request, url) || !fromThisPage) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n')
      return
    }
    sockets.handleUpgrade(request, socket, head, (ws) => bindSocket(ws, options.services))
  })

  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    close: async () => {
      for (const client of sockets.clients) client.terminate()
      await new Promise<void>((resolve) => sockets.close(() => resolve()))
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** One browser connection: requests go through the shared dispatch, events through subscriptions. */
function bindSocket(ws: WebSocket, services: Services): void {
  const subscriptions = new Map<EventName, () => void>()
  const send = (message: WebServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(packWebMessage(message))
  }

  ws.on('message', async (data, isBinary) => {
    let message: WebClientMessage
    try {
      if (isBinary) throw new Error('binary messages are not requests')
      message = JSON.parse(data.toString()) as WebClientMessage
    } catch (error) {
      return send({ type: 'error', error: { code: 'INVALID_INPUT', message: `unreadable message: ${(error as Error).message}` } })
    }
    if (message.type === 'request' && Number.isInteger(message.id)) {
      send({ type: 'reply', id: message.id, reply: await services.dispatch(message.name, message.input) })
    } else if (message.type === 'subscribe' || message.type === 'unsubscribe') {
      const event = message.event
      if (!isEventName(event)) {
        return send({ type: 'error', error: { code: 'UNKNOWN_EVENT', message: `unknown event ${JSON.stringify(event)}` } })
      }
      subscriptions.get(event)?.()
      subscriptions.delete(event)
      if (message.type === 'subscribe') {
        subscriptions.set(event, services.events.subscribe(event, (payload) => send({ type: 'event', event, payload })))
      }
    } else {
      send({ type: 'error', error: { code: 'INVALID_INPUT', message: 'expected a request, subscribe or unsubscribe message' } })
    }
  })
  ws.on('close', () => {
    for (const unsubscribe of subscriptions.values()) unsubscribe()
    subscriptions.clear()
  })
}

async function serveFile(root: string, urlPath: string, response: http.ServerResponse): Promise<void> {
  let relative: string
  try {
    relative = decodeURIComponent(urlPath)
  } catch {
    return refuse(response, 400, 'bad path')
  }
  if (relative.endsWith('/')) relative += 'index.html'
  const file = path.resolve(root, `.${relative}`)
  if (file !== root && !file.startsWith(root + path.sep)) return refuse(response, 403, 'outside the renderer')
  try {
    const body = await fs.readFile(file)
    response.writeHead(200, {
      'Content-Type': contentTypes[path.extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': `${contentSecurityPolicy}; frame-ancestors 'none'`,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    })
    response.end(body)
  } catch {
    refuse(response, 404, 'not found')
  }
}

function refuse(response: http.ServerResponse, status: number, message: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
  response.end(`${message}\n`)
}

function readCookie(request: http.IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return rest.join('=')
  }
  return undefined
}
