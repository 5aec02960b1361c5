/**
 * Stands in for Electron's `utilityProcess`, which needs the Electron binary this machine cannot
 * install. It keeps the part of the contract the app relies on: `fork(modulePath)` gives a child
 * with `pid`, `postMessage`, `kill` and the events `message` (the data itself) and `exit` (the code),
 * and inside the child `process.parentPort` posts messages and hears them as `{ data }` events.
 * The child is a real Node process running the real trainer entry.
 */
import { fork } from 'node:child_process'
import { EventEmitter } from 'node:events'
import path from 'node:path'

const parentPortShim = path.join(__dirname, 'parent-port.mjs')

export const utilityProcess = {
  fork(modulePath: string, args: string[] = [], options: { stdio?: 'inherit' | 'pipe' } = {}) {
    const child = fork(modulePath, args, { execArgv: ['--import', parentPortShim], stdio: options.stdio ?? 'inherit', serialization: 'advanced' })
    const utility = Object.assign(new EventEmitter(), {
      pid: child.pid as number | undefined,
      postMessage: (message: unknown) => void child.send(message as never),
      kill: () => child.kill(),
    })
    child.on('message', (message) => utility.emit('message', message))
    child.on('exit', (code) => utility.emit('exit', code ?? 1))
    return utility
  },
}
