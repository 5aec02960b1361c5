import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { clickStimulus, compareOnsets, detectOnsets, summarize } from '../../shared/audio/onsets'
import { Random } from '../../shared/sim/random'
import { appVersion } from '../app-info'
import { captureOutput, outputCaptureAvailable } from './capture'
import { AudioEngine, engineDefaults } from './engine'
import type { MarkerEvent } from './engine-protocol'

export interface SelfTestOptions {
  device?: string
  rate?: number
  clicks?: number
  seed?: number
  /** Where the output can be recorded: the PulseAudio monitor, or none (markers only). */
  capture?: 'pulse-monitor' | 'none' | 'auto'
  onProgress?: (done: number, total: number) => void
}

type Stats = { mean: number; sd: number; maxAbs: number }

/** What a lab keeps with its data: how this machine's audio output was timed, measured. */
export interface TimingCertificate {
  kind: 'entrain-timing-certificate'
  version: 1
  createdAt: string
  host: string
  software: { entrain: string; node: string; platform: string }
  device: { name: string; rate: number; channels: number; periodFrames: number; bufferFrames: number; format: string; measuredRate: number | null; driftPpm: number | null }
  test: { clicks: number; seed: number; capture: 'pulse-monitor' | 'none' }
  results: {
    underruns: number
    /** SD of single DAC-time estimates around the fitted device clock. */
    estimateSpreadMs: number
    /** Recorded onset distance − marker frame distance (null without a capture). */
    onsetErrorSamples: Stats | null
    onsetErrorMs: Stats | null
    /** Consecutive onsets: marker time distance − recorded distance at the device rate (null without a capture). */
    markerErrorMs: Stats | null
    /** The same measured from the first onset over the whole run: includes slow wander of the device's timing reports. */
    markerSpanErrorMs: Stats | null
  }
  verdict: 'pass' | 'fail' | 'markers only'
  criteria: string[]
  notes: string[]
}

export async function runSelfTest(options: SelfTestOptions = {}): Promise<TimingCertificate> {
  const clicks = options.clicks ?? 20
  const seed = options.seed ?? 1
  const rate = options.rate ?? engineDefaults.rate
  const channels = engineDefaults.channels
  const captureMode = options.capture === 'auto' || options.capture === undefined ? (outputCaptureAvailable() ? 'pulse-monitor' : 'none') : options.capture
  const engine = await AudioEngine.open({ device: options.device, rate, channels, markerStream: { name: 'EntrainSelfTest' } })
  const capture = captureMode === 'pulse-monitor' ? captureOutput(rate, channels) : null
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
  const toMs = (value: Stats, scale: number) => ({ mean: value.mean * scale, sd: value.sd * scale, maxAbs: value.maxAbs * scale })
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

/** The certificate as a person reads it. */
export function certificateText(certificate: TimingCertificate): string {
  const { device, results, test } = certificate
  const stats = (value: Stats | null, unit: string, digits: number) =>
    value ? `mean ${value.mean.toFixed(digits)} ${unit}, SD ${value.sd.toFixed(digits)} ${unit}, max |${value.maxAbs.toFixed(digits)}| ${unit}` : 'not measured (no capture of the output)'
  return [
    `Entrain audio timing certificate — ${certificate.verdict.toUpperCase()}`,
    `Created ${certificate.createdAt} on ${certificate.host} (Entrain ${certificate.software.entrain}, Node ${certificate.software.node}, ${certificate.software.platform})`,
    '',
    `Device: ${device.name}, ${device.rate} Hz, ${device.channels} ch, ${device.format}, period ${device.periodFrames} frames, buffer ${device.bufferFrames} frames`,
    `Device clock: ${device.measuredRate === null ? 'not measured' : `${device.measuredRate.toFixed(3)} Hz (${device.driftPpm!.toFixed(1)} ppm against the system clock)`}`,
    `Test: ${test.clicks} clicks, seed ${test.seed}, capture: ${test.capture}`,
    '',
    `Onset error:            ${stats(results.onsetErrorSamples, 'samples', 2)}`,
    `                        ${stats(results.onsetErrorMs, 'ms', 4)}`,
    `Marker time error:      ${stats(results.markerErrorMs, 'ms', 4)} (consecutive onsets)`,
    `  over the whole run:   ${stats(results.markerSpanErrorMs, 'ms', 4)}`,
    `Marker estimate spread: ${results.estimateSpreadMs.toFixed(4)} ms (SD of single DAC-time estimates)`,
    `Underruns:              ${results.underruns}`,
    '',
    'Criteria:',
    ...certificate.criteria.map((criterion) => `  - ${criterion}`),
    '',
    ...certificate.notes,
    '',
  ].join('\n')
}

/** Writes `<dir>/timing-certificate-<time>.json` and `.txt`; returns both paths. */
export async function writeCertificate(dir: string, certificate: TimingCertificate): Promise<{ json: string; text: string }> {
  await mkdir(dir, { recursive: true })
  const stem = path.join(dir, `timing-certificate-${certificate.createdAt.replace(/[:.]/g, '-')}`)
  await writeFile(`${stem}.json`, `${JSON.stringify(certificate, null, 2)}\n`)
  await writeFile(`${stem}.txt`, certificateText(certificate))
  return { json: `${stem}.json`, text: `${stem}.txt` }
}
