import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MarkerEvent } from '../../../src/main/audio/engine-protocol'
import { StreamService, type StreamChunk } from '../../../src/main/lsl/stream-service'
import { repoRoot, startCli } from '../../support/cli'
import { uniqueName } from '../../support/lsl'
import { pulseAvailable, startPulse, type TestPulse } from '../../support/pulse'

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'audio')
let pulse: TestPulse

if (!pulseAvailable) console.warn('skipping the entrain play tests: pulseaudio and parec are not installed (CI installs them)')

describe.runIf(pulseAvailable)('entrain play', () => {
  beforeAll(async () => (pulse = await startPulse()))
  afterAll(() => pulse?.close())

  it('plays a sequence, skips a broken file by name, and publishes every onset and offset as an LSL marker', async () => {
    const markerStream = uniqueName('markers')
    const service = new StreamService({ accept: (stream) => stream.name === markerStream })
    service.start()
    const received: StreamChunk[] = []
    service.on('chunk', (chunk) => received.push(chunk))
    const files = ['two-tone-pcm16.wav', 'corrupt.flac', 'two-tone.flac'].map((name) => path.join(fixtures, name))
    const child = startCli(['play', ...files, '--gap', '0.25', '--device', 'pulse', '--marker-stream', markerStream, '--wait-for-recorder', '15', '--json'], {
      PULSE_SERVER: pulse.server,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    await new Promise((resolve) => setTimeout(resolve, 300))
    await service.close()

    expect(code, stderr).toBe(1)
    expect(stderr).toContain(`entrain play: cannot decode ${files[1]}: the FLAC data is corrupt`)
    const result = JSON.parse(stdout) as { played: { file: string; onset: MarkerEvent; end: MarkerEvent }[]; failed: { file: string }[]; underruns: number }
    expect(result.failed.map((failure) => failure.file)).toEqual([files[1]])
    expect(result.played.map((played) => played.file)).toEqual([files[0], files[2]])
    expect(result.underruns).toBe(0)
    // 0.4 s of audio, then 0.25 s of silence: the second onset is exactly that many frames later.
    const [first, second] = result.played
    expect(second!.onset.frame - first!.end.frame).toBe(Math.round(0.25 * 48_000))

    const markers = received.flatMap((chunk) =>
      (chunk.values as string[]).map((text, index) => ({ payload: JSON.parse(text) as Record<string, unknown>, timestamp: chunk.timestamps[index]! })),
    )
    const expected = result.played.flatMap((played) => [played.onset, played.end])
    expect(markers.map((marker) => marker.payload)).toEqual(
      expected.map((marker) => ({ event: marker.event, stimulus: marker.stimulus, file: marker.file, frame: marker.frame, ...(marker.underruns === undefined ? {} : { underruns: 0 }) })),
    )
    expect(markers.map((marker) => marker.timestamp)).toEqual(expected.map((marker) => marker.time))
    expect(markers[0]!.payload).toMatchObject({ event: 'stimulus_onset', stimulus: 'two-tone-pcm16' })
  }, 60_000)
})
