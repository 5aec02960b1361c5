import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TimingCertificate } from '../../../src/shared/audio/certificate'
import { inputCaptureAvailable } from '../../../src/main/audio/capture'
import { runCli } from '../../support/cli'
import { pulseAvailable, startPulse, type TestPulse } from '../../support/pulse'
import { useTempDirs } from '../../support/temp-dir'

const tempDir = useTempDirs()
let pulse: TestPulse

if (!pulseAvailable) console.warn('skipping the audio self-test tests: pulseaudio and parec are not installed (CI installs them)')
if (!inputCaptureAvailable()) console.warn('skipping the ALSA-input self-test: arecord (alsa-utils) is not installed (CI installs it)')

describe.runIf(pulseAvailable)('entrain audio-selftest', () => {
  beforeAll(async () => (pulse = await startPulse()))
  afterAll(() => pulse?.close())

  it('records the output, finds every onset where its marker says, and writes a certificate', async () => {
    const out = await tempDir()
    const result = await runCli(['audio-selftest', '--device', 'pulse', '--clicks', '12', '--out', out, '--json'], { PULSE_SERVER: pulse.server })
    expect(result.code, `${result.stderr}\n${result.stdout.slice(0, 1500)}`).toBe(0)
    const certificate = JSON.parse(result.stdout) as TimingCertificate & { files: { json: string; text: string } }
    expect(certificate).toMatchObject({ kind: 'entrain-timing-certificate', verdict: 'pass', test: { clicks: 12, capture: 'pulse-monitor' } })
    expect(certificate.results.onsetErrorSamples).toEqual({ mean: 0, sd: 0, maxAbs: 0 })
    expect(certificate.results.markerErrorMs!.maxAbs).toBeLessThan(0.25)
    expect(certificate.results.underruns).toBe(0)
    expect(JSON.parse(await readFile(certificate.files.json, 'utf8'))).toMatchObject({ verdict: 'pass' })
    expect(await readFile(certificate.files.text, 'utf8')).toContain('Entrain audio timing certificate — PASS')
    expect(result.stderr).toContain('12/12 clicks')
  }, 60_000)

  it.runIf(inputCaptureAvailable())('can record the output from an ALSA input instead (as with a loopback cable)', async () => {
    // ALSA's pulse capture device records the default source, which is the null sink's monitor.
    const result = await runCli(['audio-selftest', '--device', 'pulse', '--capture-device', 'pulse', '--clicks', '8', '--out', await tempDir(), '--json'], {
      PULSE_SERVER: pulse.server,
    })
    expect(result.code, result.stderr).toBe(0)
    const certificate = JSON.parse(result.stdout) as TimingCertificate
    expect(certificate.test.capture).toBe('alsa-input pulse')
    expect(certificate.results.onsetErrorSamples).toEqual({ mean: 0, sd: 0, maxAbs: 0 })
  }, 60_000)

  it('fails with one clear line for a device that does not exist', async () => {
    const result = await runCli(['audio-selftest', '--device', 'no-such-device', '--out', await tempDir()], { PULSE_SERVER: pulse.server })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^entrain audio-selftest: cannot open audio device no-such-device: /m)
  })
})
