/**
 * One LSL inlet in its own thread. Pulls never block the main loop, and a slow or vanished stream
 * never holds up another. Chunks go to the main thread (viewer, health) and to every attached
 * recorder port directly, so recording does not pass through main.
 *
 * The loop pulls whatever is available without waiting and then yields for `pollMilliseconds`, so
 * control messages (attach, stop) are handled within one poll. Clock-offset measurements take
 * liblsl up to a second; they run on a libuv thread and never hold up pulling.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads'
import { toErrorInfo } from '../../shared/errors'
import { localClock } from './bindings'
import { Inlet } from './inlet'
import type { InletControl, InletMessage, InletWorkerData } from './inlet-protocol'

const { uid, control, pollMilliseconds, offsetIntervalSeconds } = workerData as InletWorkerData
const recorders = new Map<number, MessagePort>()
let stopping = false

function post(message: InletMessage): void {
  parentPort!.postMessage(message)
}

/** Sends to recorders a copy of what main gets, so each receiver owns its buffers. */
function broadcast(message: InletMessage): void {
  for (const port of recorders.values()) port.postMessage(message)
  post(message)
}

control.on('message', (message: InletControl) => {
  if (message.kind === 'stop') stopping = true
  else if (message.kind === 'attach') {
    recorders.set(message.id, message.port)
    post({ kind: 'attached', id: message.id })
  } else if (message.kind === 'detach') {
    recorders.get(message.id)?.close()
    recorders.delete(message.id)
  }
})

function finish(inlet: Inlet | null, ended: InletMessage & { kind: 'ended' }, pendingCorrection: Promise<unknown> | null): void {
  void (pendingCorrection ?? Promise.resolve()).finally(() => {
    inlet?.close()
    for (const port of recorders.values()) port.close()
    post(ended)
    control.close()
  })
}

function endedBy(error: unknown): InletMessage & { kind: 'ended' } {
  const info = toErrorInfo(error)
  const lost = (info.details as { lsl?: string } | undefined)?.lsl === 'lost'
  return { kind: 'ended', reason: lost ? 'lost' : 'error', message: info.message }
}

function start(): void {
  let inlet: Inlet
  try {
    inlet = Inlet.resolve(uid, 5)
    const xml = inlet.fullInfoXml(5)
    // The stream counts as online once its data connection is open: a recorder attached from then on
    // receives every sample pushed after it attached.
    inlet.open(5)
    post({ kind: 'info', xml })
  } catch (error) {
    return finish(null, endedBy(error), null)
  }

  let correction: Promise<void> | null = null
  let nextCorrectionAt = 0
  let failure: InletMessage & { kind: 'ended' } = { kind: 'ended', reason: 'stopped' }

  const tick = () => {
    if (stopping) return finish(inlet, failure, correction)
    try {
      if (!correction && localClock() >= nextCorrectionAt) {
        correction = inlet
          .timeCorrectionAsync(2)
          .then((value) => broadcast({ kind: 'offset', time: localClock(), value }))
          .catch((error: unknown) => {
            // A timed-out measurement is retried later; a lost stream ends the inlet.
            const ended = endedBy(error)
            if (ended.reason === 'lost') {
              failure = ended
              stopping = true
            }
          })
          .finally(() => {
            correction = null
            nextCorrectionAt = localClock() + offsetIntervalSeconds
          })
      }
      for (let chunk = inlet.pull(0); chunk.sampleCount > 0; chunk = inlet.pull(0)) {
        const values = Array.isArray(chunk.values) ? chunk.values : chunk.values.slice()
        broadcast({ kind: 'chunk', timestamps: chunk.timestamps.slice(), values, receivedAt: localClock() })
      }
    } catch (error) {
      failure = endedBy(error)
      return finish(inlet, failure, correction)
    }
    setTimeout(tick, pollMilliseconds)
  }
  tick()
}

start()
