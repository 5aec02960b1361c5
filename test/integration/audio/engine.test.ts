import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { captureOutput } from '../../../src/main/audio/capture'
import { AudioEngine } from '../../../src/main/audio/engine'
import type { EngineEvent, MarkerEvent } from '../../../src/main/audio/engine-protocol'
import { assertBuilt } from '../../support/cli'
import { clickStimulus, detectOnsets } from '../../../src/shared/audio/onsets'
import { pulseAvailable, startPulse, type TestPulse } from '../../support/pulse'

const rate = 48_000

const click = () => clickStimulus(rate, 2)

let pulse: TestPulse

if (!pulseAvailable) console.warn('skipping the audio engine tests: pulseaudio and parec are not installed (CI installs them)')

describe.runIf(pulseAvailable)('audio engine through ALSA into a PulseAudio null sink', () => {
  beforeAll(async () => {
    assertBuilt()
    pulse = await startPulse()
    // ALSA's pulse plugin reads PULSE_SERVER from the process environment, in any thread.
    process.env.PULSE_SERVER = pulse.server
  })
  afterAll(() => pulse?.close())

  it('puts onsets exactly where their frames say, with marker times that match', async () => {
    const recording = captureOutput(rate, 2)
    await new Promise((resolve) => setTimeout(resolve, 300))
    const engine = await AudioEngine.open({ device: 'pulse', markerStream: null })
    const estimates: { time: number; frameAtDac: number }[] = []
    engine.reportEstimates()
    engine.on((event: EngineEvent) => event.kind === 'estimate' && estimates.push(event))
    expect(engine.device).toMatchObject({ rate, channels: 2, format: 'float32' })
    await engine.ready

    // Gaps that are not whole periods, so onsets fall inside write blocks at odd places. All onsets
    // lie within about half a second: the null sink's clock runs a few hundred ppm off the system
    // clock, and the markers follow the device, not the nominal rate.
    const gaps = [0, 0.0123457, 0.0731, 0.05000021, 0.0110417, 0.031]
    const onsets: Promise<MarkerEvent>[] = []
    let previous: number | undefined
    for (const [index, gap] of gaps.entries()) {
      const stimulus = { id: `click${index}`, file: `click${index}.wav` }
      const playback = await engine.play(stimulus, click(), previous === undefined ? { leadSeconds: 0.3 } : { after: previous, gapSeconds: gap })
      previous = playback.playId
      onsets.push(playback.onset)
    }
    const markers = await Promise.all(onsets)
    // Half a second more of the device's clock after the last onset, to measure its rate around them.
    await new Promise((resolve) => setTimeout(resolve, 500))
    const stats = await engine.close()
    const recorded = detectOnsets(await recording.stop(), 2)

    expect(stats.underruns).toBe(0)
    expect(recorded).toHaveLength(markers.length)
    const frames = markers.map((marker) => marker.frame)
    // Distances in the recording equal the distances of the frame values, to the sample.
    expect(recorded.map((onset) => onset - recorded[0]!)).toEqual(frames.map((frame) => frame - frames[0]!))
    // Marker timestamps keep those distances within 0.25 ms, at the rate the device really ran
    // (the null sink's clock, which can run hundreds of ppm off the system clock under load):
    // the slope of a line through the status estimates from 0.3 s before the first marker to 0.3 s
    // after the last (a loaded machine makes the null sink's rate wander over longer spans).
    const steady = steadyAround(estimates, markers[0]!.time, markers.at(-1)!.time)
    const around = steady.filter((point) => point.time >= markers[0]!.time - 0.3 && point.time <= markers.at(-1)!.time + 0.3)
    expect(around.at(-1)!.time - around[0]!.time, 'seconds of steady estimates around the markers').toBeGreaterThan(0.6)
    const secondsPerFrame = lineThrough(around).slope
    for (const marker of markers) {
      const expected = (marker.frame - frames[0]!) * secondsPerFrame
      expect(Math.abs(marker.time - markers[0]!.time - expected), `device rate ${1 / secondsPerFrame} Hz`).toBeLessThan(0.25e-3)
    }
    // Each marker's timestamp is the DAC-time model at its frame: here, a line through the status
    // estimates within half a second either side of it (after the device's start-up).
    for (const marker of markers) {
      const fit = lineThrough(steady.filter((point) => Math.abs(point.time - marker.time) <= 0.5))
      expect(Math.abs(marker.time - (fit.intercept + fit.slope * marker.frame))).toBeLessThan(1 / rate)
    }
    expect(stats.estimateSpread * 1000).toBeLessThan(0.5)
  }, 30_000)

  it('rejects a requested time that the output buffer has already passed', async () => {
    const engine = await AudioEngine.open({ device: 'pulse', markerStream: null })
    await engine.ready
    await expect(engine.play({ id: 'late', file: 'late.wav' }, click(), { at: 0 })).rejects.toThrow(/too soon for the output buffer/)
    await engine.close()
  })

  it('names the device it cannot open', async () => {
    await expect(AudioEngine.open({ device: 'no-such-device', markerStream: null })).rejects.toThrow(/cannot open audio device no-such-device/)
  })
})

/**
 * The estimates of the stretch that holds the times from `first` to `last` without a stall (an
 * estimate whose frame did not advance: PulseAudio's start-up, and now and then under load).
 */
function steadyAround<T extends { time: number; frameAtDac: number }>(points: T[], first: number, last: number): T[] {
  const stretches: T[][] = [[]]
  points.forEach((point, index) => {
    if (index > 0 && point.frameAtDac <= points[index - 1]!.frameAtDac) stretches.push([])
    stretches.at(-1)!.push(point)
  })
  const around = stretches.find((stretch) => stretch.length > 1 && stretch[0]!.time <= first && stretch.at(-1)!.time >= last)
  if (!around) throw new Error(`PulseAudio stalled between the markers (${stretches.length} stretches of estimates)`)
  return around
}

function lineThrough(recent: { time: number; frameAtDac: number }[]) {
  const meanFrame = recent.reduce((sum, point) => sum + point.frameAtDac, 0) / recent.length
  const meanTime = recent.reduce((sum, point) => sum + point.time, 0) / recent.length
  let covariance = 0
  let variance = 0
  for (const point of recent) {
    covariance += (point.frameAtDac - meanFrame) * (point.time - meanTime)
    variance += (point.frameAtDac - meanFrame) ** 2
  }
  const slope = covariance / variance
  return { slope, intercept: meanTime - slope * meanFrame }
}
