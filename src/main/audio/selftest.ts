import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { clickStimulus, compareOnsets, detectOnsets, summarize } from '../../shared/audio/onsets'
import { certificateText, type TimingCertificate } from '../../shared/audio/certificate'
import { Random } from '../../shared/sim/random'
import { appVersion } from '../app-info'
import { captureOutput, outputCaptureAvailable, type CaptureSource } from './capture'
import { AudioEngine, engineDefaults } from './engine'
import type { MarkerEvent } from './engine-protocol'

export interface SelfTestOptions {
  device?: string
  periodFrames?: number
  periods?: number
  rate?: number
  clicks?: number
  seed?: number
  /**
   * Where the output can be recorded: an ALSA input fed by a loopback cable (`captureDevice`), the
   * PulseAudio monitor, or none (markers only). Default: the input if given, else the monitor if
   * there is one.
   */
  captureDevice?: string
  onProgress?: (done: number, total: number) => void
}

export async function runSelfTest(options: SelfTestOptions = {}): Promise<TimingCertificate> {
  const clicks = options.clicks ?? 20
  const seed = options.seed ?? 1
  const rate = options.rate ?? engineDefaults.rate
  const channels = engineDefaults.channels
  const source: CaptureSource | null = options.captureDevice
    ? { kind: 'alsa-input', device: options.captureDevice }
    : outputCaptureAvailable()
      ? { kind: 'pulse-monitor' }
      : null
  const captureMode = source ? (source.kind === 'alsa-input' ? `alsa-input ${source.device}` : 'pulse-monitor') : 'none'
  const engine = await AudioEngine.open({
    device: options.device,
    rate,
    channels,
    periodFrames: options.periodFrames,
    periods: options.periods,
    markerStream: { name: 'EntrainSelfTest' },
  })
  const capture = source ? captureOutput(rate, channels, source) : null
  let markers: MarkerEvent[]
  try {
    markers = await playClicks(engine, clicks, seed, options.onProgress)
  } catch (error) {
    await engine.close()
    await capture?.stop()
    throw error
  }
  const stats = await engine.close()
  const recording = capture ? await capture.stop() : null

  const measuredRate = stats.measuredRate
  const base = {
    kind: 'entrain-timing-certificate' as const,
    version: 1 as const,
    createdAt: new Date().toISOString(),
    host: os.hostname(),
    software: { entrain: appVersion, node: process.versions.node, platform: `${process.platform}-${process.arch}` },
    device: {
      name: engine.device.device,
      rate: engine.device.rate,
      channels: engine.device.channels,
      periodFrames: engine.device.periodFrames,
      bufferFrames: engine.device.bufferFrames,
      format: engine.device.format,
      measuredRate,
      driftPpm: measuredRate === null ? null : (measuredRate / engine.device.rate - 1) * 1e6,
    },
    test: { clicks, seed, capture: captureMode },
    notes: [
      'Onset errors compare a recording of the output with the frames the markers name; they show that every stimulus started exactly where its marker says, within the output stream.',
      'Over a whole run, marker times can also follow slow wander in the device\'s own timing reports (through PulseAudio, a few tenths of a millisecond); a direct hardware device (hw:…) avoids that layer.',
      'The absolute delay from the DAC to the ear (and into the EEG amplifier) depends on hardware after the DAC; only a loopback into the amplifier\'s aux input measures it.',
    ],
  }
  const criteria = [
    'every recorded onset distance equals its marker frame distance (0 samples)',
    'marker time distances between consecutive onsets within 0.25 ms',
    'no underruns',
  ]
  if (!recording) {
    return {
      ...base,
      results: { underruns: stats.underruns, estimateSpreadMs: stats.estimateSpread * 1000, onsetErrorSamples: null, onsetErrorMs: null, markerErrorMs: null, markerSpanErrorMs: null },
      verdict: 'markers only',
      criteria,
    }
  }
  const comparison = compareOnsets(detectOnsets(recording, channels), markers, measuredRate ?? engine.device.rate)
  const samples = summarize(comparison.frameErrors)
  const toMs = (value: { mean: number; sd: number; maxAbs: number }, scale: number) => ({ mean: value.mean * scale, sd: value.sd * scale, maxAbs: value.maxAbs * scale })
  const markerErrorMs = toMs(summarize(comparison.markerErrors), 1000)
  const markerSpanErrorMs = toMs(summarize(comparison.markerSpanErrors), 1000)
  const pass = samples.maxAbs === 0 && markerErrorMs.maxAbs <= 0.25 && stats.underruns === 0
  return {
    ...base,
    results: {
      underruns: stats.underruns,
      estimateSpreadMs: stats.estimateSpread * 1000,
      onsetErrorSamples: samples,
      onsetErrorMs: toMs(samples, 1000 / engine.device.rate),
      markerErrorMs,
      markerSpanErrorMs,
    },
    verdict: pass ? 'pass' : 'fail',
    criteria,
  }
}

/** Plays `clicks` clicks back to back with seeded gaps; resolves with their onset markers. */
async function playClicks(engine: AudioEngine, clicks: number, seed: number, onProgress?: (done: number, total: number) => void): Promise<MarkerEvent[]> {
  await engine.ready
  const random = new Random(seed)
  const click = clickStimulus(engine.device.rate, engine.device.channels)
  const onsets: Promise<MarkerEvent>[] = []
  let previous: number | undefined
  let done = 0
  for (let index = 0; index < clicks; index++) {
    // Gaps of 20–150 ms that are not whole write periods, so onsets fall anywhere in a block.
    const gapSeconds = 0.02 + random.next() * 0.13
    const stimulus = { id: `click${index + 1}`, file: '(generated click)' }
    const playback = await engine.play(stimulus, click, previous === undefined ? { leadSeconds: 0.2 } : { after: previous, gapSeconds })
    previous = playback.playId
    onsets.push(
      playback.onset.then((marker) => {
        onProgress?.(++done, clicks)
        return marker
      }),
    )
  }
  return Promise.all(onsets)
}

/** Writes `<dir>/timing-certificate-<time>.json` and `.txt`; returns both paths. */
export async function writeCertificate(dir: string, certificate: TimingCertificate): Promise<{ json: string; text: string }> {
  await mkdir(dir, { recursive: true })
  const stem = path.join(dir, `timing-certificate-${certificate.createdAt.replace(/[:.]/g, '-')}`)
  await writeFile(`${stem}.json`, `${JSON.stringify(certificate, null, 2)}\n`)
  await writeFile(`${stem}.txt`, certificateText(certificate))
  return { json: `${stem}.json`, text: `${stem}.txt` }
}
