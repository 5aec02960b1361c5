// Inside a stand-in utility process (./utility-process.ts): Electron's `process.parentPort`,
// posting to the parent and handing it the parent's messages as `{ data }` events, as Electron does.
// Like Electron's port, it holds messages that come before anyone listens. A utility process has
// no `process.send`; taking it away makes the trainer use the parent port.
/* global process, queueMicrotask */
import { EventEmitter } from 'node:events'

const send = process.send.bind(process)
process.send = undefined
const parentPort = new EventEmitter()
const early = []
parentPort.postMessage = (message) => send(message)
parentPort.on('newListener', (event) => {
  if (event === 'message') queueMicrotask(() => early.splice(0).forEach((message) => parentPort.emit('message', { data: message })))
})
process.on('message', (message) => {
  if (parentPort.listenerCount('message') > 0) parentPort.emit('message', { data: message })
  else early.push(message)
})
process.parentPort = parentPort
