/**
 * Decodes one audio file, and prepares it for the output device when asked, in a worker thread:
 * decoding and resampling a full-length song takes seconds of CPU, which on main's thread would
 * stall the app's IPC and a running session's controls. The samples come back transferred, not
 * copied.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { prepareStimulus } from '../../shared/audio/prepare'
import { toErrorInfo } from '../../shared/errors'
import { decodeAudioFile } from './decode'
import type { DecodeJob, DecodeResult } from './decode-protocol'

const { file, prepare } = workerData as DecodeJob

async function run(): Promise<DecodeResult> {
  const decoded = await decodeAudioFile(file)
  const audio = prepare ? prepareStimulus(decoded, prepare).audio : decoded
  return { ok: true, format: decoded.format, sampleRate: audio.sampleRate, channels: audio.channels }
}

run().then(
  (result) => parentPort!.postMessage(result, result.ok ? result.channels.map((channel) => channel.buffer as ArrayBuffer) : []),
  (error: unknown) => parentPort!.postMessage({ ok: false, error: toErrorInfo(error) } satisfies DecodeResult),
)
