import { promises as fs } from 'node:fs'
import type { PreflightCheck, StreamSummary } from '../../shared/contract'
import { toErrorInfo } from '../../shared/errors'
import type { Study } from '../../shared/study/schema'
import type { AudioService } from '../audio/service'
import type { StreamService } from '../lsl/stream-service'

type StreamRequirement = Study['devices']['streams'][number]

const describe = (requirement: StreamRequirement) =>
  [requirement.name && `name ${requirement.name}`, requirement.type && `type ${requirement.type}`].filter(Boolean).join(', ') || 'any stream'

export const matchesRequirement = (stream: StreamSummary, requirement: StreamRequirement) =>
  (requirement.name === undefined || stream.description.name === requirement.name) && (requirement.type === undefined || stream.description.type === requirement.type)

/** Every required stream online (waiting up to `waitSeconds` for them to appear). */
export async function checkStreams(streams: StreamService, required: StreamRequirement[], waitSeconds: number): Promise<PreflightCheck> {
  const missing: string[] = []
  const found: string[] = []
  for (const requirement of required) {
    const stream = await streams.waitFor((candidate) => matchesRequirement(candidate, requirement), waitSeconds)
    if (stream) found.push(`${stream.description.name} (${stream.description.channelCount} ch, ${stream.description.nominalSrate} Hz)`)
    else missing.push(describe(requirement))
  }
  if (missing.length) return { name: 'streams', ok: false, detail: `no stream with ${missing.join('; ')} within ${waitSeconds} s (see the Devices view or \`entrain streams\`)` }
  return { name: 'streams', ok: true, detail: found.length ? found.join(', ') : 'the study requires no stream' }
}

/** The output device opens and its DAC clock is known. */
export async function checkAudio(audio: AudioService, timeoutSeconds = 10): Promise<PreflightCheck> {
  try {
    const engine = await Promise.race([
      audio.readyEngine(),
      new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error(`the device clock was not known after ${timeoutSeconds} s`)), timeoutSeconds * 1000)),
    ])
    const { device, rate, bufferFrames, format } = engine.device
    return { name: 'audio', ok: true, detail: `${device}: ${rate} Hz ${format}, ${((bufferFrames / rate) * 1000).toFixed(0)} ms buffer` }
  } catch (error) {
    return { name: 'audio', ok: false, detail: toErrorInfo(error).message }
  }
}

/** Bytes an XDF recording of these streams takes for `seconds`: values plus an 8-byte timestamp per sample. */
export function recordingBytes(streams: StreamSummary[], seconds: number): number {
  const width: Record<string, number> = { float32: 4, double64: 8, int8: 1, int16: 2, int32: 4, int64: 8, string: 64 }
  return streams.reduce((sum, stream) => {
    const rate = stream.description.nominalSrate > 0 ? stream.description.nominalSrate : 10
    return sum + rate * seconds * (9 + stream.description.channelCount * (width[stream.description.channelFormat] ?? 8))
  }, 0)
}

/** Free space for the recording with a margin (×1.5, plus 100 MB for everything else). */
export async function checkDisk(folder: string, bytesNeeded: number): Promise<PreflightCheck> {
  const needed = bytesNeeded * 1.5 + 100e6
  try {
    const stats = await fs.statfs(folder)
    const free = stats.bavail * stats.bsize
    const text = (bytes: number) => `${(bytes / 1e9).toFixed(bytes < 1e9 ? 2 : 1)} GB`
    return free >= needed
      ? { name: 'disk', ok: true, detail: `${text(free)} free, the session needs about ${text(bytesNeeded)}` }
      : { name: 'disk', ok: false, detail: `only ${text(free)} free in ${folder}; the session needs about ${text(needed)} with a margin` }
  } catch (error) {
    return { name: 'disk', ok: false, detail: `cannot check free space in ${folder}: ${toErrorInfo(error).message}` }
  }
}
