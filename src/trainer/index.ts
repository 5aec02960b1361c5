/**
 * The trainer process: an Electron utilityProcess in the app, a Node child process from the CLI,
 * the tests and the browser test host, so that training and retrieval evaluations never stall
 * acquisition or the UI. It speaks the messages of ./protocol over whichever channel its host gives
 * it and runs one job at a time; a cancelled or failed job leaves it ready for the next.
 */
import { EntrainError, toErrorInfo } from '../shared/errors'
import type { TrainerReply, TrainerRequest } from './protocol'

export type { TrainerReply, TrainerRequest }

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
    // The host decides when training stops: Ctrl+C in a terminal reaches the whole process group,
    // and the CLI turns it into a cancel. Without a host (it died) there is nobody to train for.
    process.on('SIGINT', () => {})
    process.on('disconnect', () => process.exit(0))
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
  let running: { id: string; controller: AbortController } | null = null

  const start = async (id: string, job: Extract<TrainerRequest, { type: 'start' }>['job']): Promise<void> => {
    if (running) {
      channel.send({ type: 'failed', id, error: new EntrainError('CONFLICT', 'the trainer is running another job').toInfo() })
      return
    }
    const controller = new AbortController()
    running = { id, controller }
    try {
      // tfjs loads with the first job, so the handshake stays quick.
      const { runJob } = await import('./jobs')
      const result = await runJob(job, {
        signal: controller.signal,
        onBackend: (choice) => channel.send({ type: 'backend', id, description: choice.description, skipped: choice.skipped }),
        onStage: (stage) => channel.send({ type: 'stage', id, stage }),
        onProgress: (progress) => channel.send({ type: 'progress', id, progress }),
      })
      channel.send({ type: 'done', id, result })
    } catch (error) {
      channel.send({ type: 'failed', id, error: toErrorInfo(error) })
    } finally {
      running = null
    }
  }

  channel.onMessage((message) => {
    if (message.type === 'hello') {
      channel.send({ type: 'ready', pid: process.pid, node: process.versions.node, electron: process.versions.electron ?? null })
    } else if (message.type === 'start') {
      void start(message.id, message.job)
    } else if (message.type === 'cancel') {
      if (running?.id === message.id) running.controller.abort()
    } else if (message.type === 'shutdown') {
      running?.controller.abort()
      process.exit(0)
    }
  })
}
