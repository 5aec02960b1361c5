import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads'
import { workerFile } from '../paths'
import type { InletControl, InletMessage, InletWorkerData } from './inlet-protocol'

/** Main's handle on one inlet worker thread. */
export class InletHandle {
  private readonly worker: Worker
  private readonly control: MessagePort
  private readonly waitingForAttach = new Map<number, () => void>()
  readonly exited: Promise<void>

  constructor(uid: string, onMessage: (message: InletMessage) => void, options: { pollMilliseconds?: number } = {}) {
    const channel = new MessageChannel()
    this.control = channel.port1
    const data: InletWorkerData = {
      uid,
      control: channel.port2,
      pollMilliseconds: options.pollMilliseconds ?? 5,
      offsetIntervalSeconds: 5,
    }
    this.worker = new Worker(workerFile('inlet-worker'), { workerData: data, transferList: [channel.port2] })
    this.worker.on('message', (message: InletMessage) => {
      if (message.kind === 'attached') {
        this.waitingForAttach.get(message.id)?.()
        this.waitingForAttach.delete(message.id)
      } else onMessage(message)
    })
    this.worker.on('error', (error) => onMessage({ kind: 'ended', reason: 'error', message: error.message }))
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()))
  }

  /** Resolves once the worker sends every further chunk to `port` (false if it ended first). */
  attach(id: number, port: MessagePort): Promise<boolean> {
    const attached = new Promise<boolean>((resolve) => {
      this.waitingForAttach.set(id, () => resolve(true))
      void this.exited.then(() => resolve(false))
    })
    this.send({ kind: 'attach', id, port }, [port])
    return attached
  }

  detach(id: number): void {
    this.send({ kind: 'detach', id })
  }

  /** Asks the worker to close its inlet; it exits after its current pull (at most a few seconds). */
  async stop(): Promise<void> {
    this.send({ kind: 'stop' })
    const timeout = setTimeout(() => void this.worker.terminate(), 8000)
    await this.exited
    clearTimeout(timeout)
    this.control.close()
  }

  private send(message: InletControl, transfer: MessagePort[] = []): void {
    this.control.postMessage(message, transfer)
  }
}
