/**
 * The audio output engine's thread. It writes every output frame itself through ALSA — stimuli
 * where they are placed, silence in between, so the device never starves — and after each write
 * reads the device status to follow when each frame reaches the DAC. Markers are published with
 * the DAC time of their exact frame, once that frame has been written.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { DacClock } from '../../shared/audio/dac-clock'
import { markerPayload } from '../../shared/audio/markers'
import { Timeline, type TimelineEvent } from '../../shared/audio/timeline'
import { toErrorInfo } from '../../shared/errors'
import { Outlet } from '../lsl/outlet'
import { errorBrokenPipe, PcmOutput } from './alsa'
import type { EngineCommand, EngineEvent, EngineWorkerData, MarkerEvent, StimulusInfo } from './engine-protocol'

const settings = workerData as EngineWorkerData
const send = (event: EngineEvent) => parentPort!.postMessage(event)
const markerSettleSeconds = 0.5
/** How far ahead of the frames already written a new stimulus may start. */
const safetyFrames = (periodFrames: number) => periodFrames

interface Playing {
  playId: number
  stimulus: StimulusInfo
  underruns: number
}

function openMarkers(): Outlet | null {
  if (!settings.markerStream) return null
  try {
    return new Outlet({
      name: settings.markerStream.name,
      type: 'Markers',
      channelCount: 1,
      nominalSrate: 0,
      channelFormat: 'string',
      sourceId: settings.markerStream.sourceId,
      extra: { manufacturer: 'Entrain audio engine', device: settings.device, rate: String(settings.rate) },
    })
  } catch (error) {
    send({ kind: 'error', message: `markers are not published to LSL: ${toErrorInfo(error).message}` })
    return null
  }
}

function run(): void {
  let pcm: PcmOutput
  try {
    pcm = new PcmOutput(settings)
  } catch (error) {
    send({ kind: 'error', message: toErrorInfo(error).message })
    send({ kind: 'closed', stats: { framesWritten: 0, underruns: 0, estimateSpread: Number.NaN, measuredRate: null } })
    parentPort!.close()
    return
  }
  const markers = openMarkers()
  const clock = new DacClock(pcm.rate)
  const timeline = new Timeline(pcm.channels)
  const block = new Float32Array(pcm.periodFrames * pcm.channels)
  const byId = new Map<string, Playing>()
  const pending: EngineCommand[] = []
  let written = 0
  let underruns = 0
  let closing = false
  let reportEstimates = false
  const deferred: TimelineEvent[] = []
  let announcedReady = false
  let clockReadyAt: number | null = null
  const readySince = (now: number) => (clockReadyAt ??= now)

  parentPort!.on('message', (command: EngineCommand | { kind: 'report-estimates' }) => {
    if (command.kind === 'report-estimates') reportEstimates = true
    else pending.push(command)
  })
  send({ kind: 'opened', device: settings.device, rate: pcm.rate, channels: pcm.channels, periodFrames: pcm.periodFrames, bufferFrames: pcm.bufferFrames, format: pcm.format, markerUid: markers?.uid ?? null })

  const earliest = () => written + safetyFrames(pcm.periodFrames)

  const schedule = (command: EngineCommand & { kind: 'play' }) => {
    let start: number
    if (command.at !== undefined) {
      if (!clock.ready) return send({ kind: 'rejected', playId: command.playId, message: 'the device clock is not known yet; try again in a moment', retry: true })
      start = Math.round(clock.frameAt(command.at))
      if (start < earliest()) {
        const late = ((earliest() - start) / pcm.rate) * 1000
        return send({ kind: 'rejected', playId: command.playId, message: `requested time is ${late.toFixed(1)} ms too soon for the output buffer`, retry: true })
      }
    } else if (command.after !== undefined) {
      start = Math.max(timeline.endOfLast(), earliest()) + (command.gapFrames ?? 0)
    } else {
      const lead = Math.round((command.leadSeconds ?? 0.1) * pcm.rate)
      start = earliest() + lead
    }
    const placed = timeline.place(String(command.playId), command.samples, start)
    byId.set(placed.id, { playId: command.playId, stimulus: command.stimulus, underruns: 0 })
    send({ kind: 'scheduled', playId: command.playId, startFrame: placed.startFrame, endFrame: placed.endFrame })
  }

  const emit = (kind: 'onset' | 'offset' | 'stopped', id: string, frame: number) => {
    const playing = byId.get(id)
    if (!playing) return
    const marker: MarkerEvent = {
      event: kind === 'onset' ? 'stimulus_onset' : kind === 'offset' ? 'stimulus_offset' : 'stimulus_stopped',
      stimulus: playing.stimulus.id,
      file: playing.stimulus.file,
      frame,
      time: clock.timeOf(frame),
      ...(kind === 'onset' ? {} : { underruns: playing.underruns }),
    }
    markers?.push([markerPayload(marker)], Float64Array.of(marker.time))
    send({ kind: 'marker', playId: playing.playId, marker })
    if (kind !== 'onset') byId.delete(id)
  }

  const tick = () => {
    try {
      for (let command = pending.shift(); command; command = pending.shift()) {
        if (command.kind === 'play') schedule(command)
        else if (command.kind === 'stop') timeline.stop(earliest(), Math.max(1, Math.round(command.fadeSeconds * pcm.rate)))
        else closing = true
      }
      if (closing) {
        pcm.close(true)
        for (const event of deferred.splice(0)) if (clock.ready) emit(event.kind, event.id, event.frame)
        markers?.close()
        send({ kind: 'closed', stats: { framesWritten: written, underruns, estimateSpread: clock.spread(), measuredRate: clock.longRunRate() } })
        parentPort!.close()
        return
      }
      const events = timeline.render(block, written, pcm.periodFrames)
      if (pcm.write(block) === errorBrokenPipe) {
        // The device ran dry and played silence of its own: frames after this point reach the DAC
        // later than the clock model says, so it starts again, and the playing stimuli are flagged.
        underruns += 1
        for (const playing of byId.values()) playing.underruns += 1
        send({ kind: 'underrun', frame: written, during: [...byId.values()][0]?.stimulus.id ?? null })
        clock.reset()
        pcm.write(block)
      }
      written += pcm.periodFrames
      const status = pcm.status()
      if (status.running) {
        clock.add(status.time, written - status.delay)
        if (clock.ready && !announcedReady) {
          // Markers published before any recorder connects would be lost to it: wait for one a while.
          const waited = status.time - readySince(status.time)
          if (!markers || markers.hasConsumers() || waited >= settings.waitForRecorderSeconds) {
            announcedReady = true
            send({ kind: 'ready' })
          }
        }
        if (reportEstimates) send({ kind: 'estimate', time: status.time, frameAtDac: written - status.delay })
      }
      // A marker waits until its frame reached the DAC half a second ago, so that its time comes
      // from estimates on both sides of it rather than from an extrapolation. LSL carries the
      // timestamp, so the wait changes nothing in a recording.
      deferred.push(...events)
      while (deferred.length && clock.ready && clock.timeOf(deferred[0]!.frame) <= clock.latestTime - markerSettleSeconds) {
        const event = deferred.shift()!
        emit(event.kind, event.id, event.frame)
      }
    } catch (error) {
      send({ kind: 'error', message: toErrorInfo(error).message })
      closing = true
    }
    setImmediate(tick)
  }
  tick()
}

run()
