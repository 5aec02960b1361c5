/**
 * decodeAudioFile and prepareStimulus for code on main's event loop (the app's services, the
 * session runner): the work runs in a worker thread of its own, so the loop stays free meanwhile.
 * Batch tools (the CLI's dataset builder, say) call decodeAudioFile directly.
 */
import { Worker } from 'node:worker_threads'
import type { PrepareOptions } from '../../shared/audio/prepare'
import { EntrainError } from '../../shared/errors'
import { workerFile } from '../paths'
import type { DecodedAudioFile } from './decode'
import type { DecodeJob, DecodeResult } from './decode-protocol'

/** Threads at a time: a study of fifty songs checked at once must not start fifty decoders. */
const maxThreads = 2
let running = 0
const waiting: (() => void)[] = []

export async function decodeOffThread(file: string, prepare: PrepareOptions | null = null): Promise<DecodedAudioFile> {
  // A finishing decode hands its slot straight to the next in line.
  if (running < maxThreads) running++
  else await new Promise<void>((resolve) => waiting.push(resolve))
  try {
    return await decodeInWorker(file, prepare)
  } finally {
    const next = waiting.shift()
    if (next) next()
    else running--
  }
}

function decodeInWorker(file: string, prepare: PrepareOptions | null): Promise<DecodedAudioFile> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerFile('decode-worker'), { workerData: { file, prepare } satisfies DecodeJob })
    let settled = false
    worker.once('message', (result: DecodeResult) => {
      settled = true
      if (result.ok) resolve({ format: result.format, sampleRate: result.sampleRate, channels: result.channels })
      else reject(EntrainError.fromInfo(result.error))
    })
    worker.once('error', (error) => {
      settled = true
      reject(new EntrainError('INTERNAL', `cannot decode ${file}: the decoder thread failed (${error.message})`))
    })
    worker.once('exit', (code) => {
      if (!settled) reject(new EntrainError('INTERNAL', `cannot decode ${file}: the decoder thread exited with code ${code}`))
    })
  })
}
