/**
 * The trainer process: an Electron utilityProcess in the app, a Node child process from the CLI,
 * so that training never stalls acquisition or the UI. It speaks the same messages over whichever
 * channel its host gives it. Training itself arrives with the training capability; today it
 * answers the handshake that tells its host it is alive and on which runtime.
 */

export type TrainerRequest = { type: 'hello' } | { type: 'shutdown' }
export type TrainerReply = { type: 'ready'; pid: number; node: string; electron: string | null }

interface Channel {
  send(message: TrainerReply): void
  onMessage(listener: (message: TrainerRequest) => void): void
}

/** Electron's utility process has `process.parentPort`; a forked Node child has `process.send`. */
function hostChannel(): Channel | null {
  const parentPort = (process as NodeJS.Process & { parentPort?: Electron.ParentPort }).parentPort
  if (parentPort) {
    return {
      send: (message) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data as TrainerRequest)),
    }
  }
  if (process.send) {
    return {
      send: (message) => process.send!(message),
      onMessage: (listener) => process.on('message', (message) => listener(message as TrainerRequest)),
    }
  }
  return null
}

const channel = hostChannel()
if (!channel) {
  process.stderr.write('the trainer runs as a child of Entrain (app or CLI), not on its own\n')
  process.exitCode = 2
} else {
  channel.onMessage((message) => {
    if (message.type === 'hello') {
      channel.send({ type: 'ready', pid: process.pid, node: process.versions.node, electron: process.versions.electron ?? null })
    } else if (message.type === 'shutdown') {
      process.exit(0)
    }
  })
}
