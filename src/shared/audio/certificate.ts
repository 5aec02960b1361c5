/** The audio timing certificate a lab keeps with its data, and how a person reads it. */

export type Stats = { mean: number; sd: number; maxAbs: number }

/** What a lab keeps with its data: how this machine's audio output was timed, measured. */
export interface TimingCertificate {
  kind: 'entrain-timing-certificate'
  version: 1
  createdAt: string
  host: string
  software: { entrain: string; node: string; platform: string }
  device: { name: string; rate: number; channels: number; periodFrames: number; bufferFrames: number; format: string; measuredRate: number | null; driftPpm: number | null }
  /** capture: 'pulse-monitor', 'alsa-input <device>' or 'none'. */
  test: { clicks: number; seed: number; capture: string }
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
