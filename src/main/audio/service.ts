import path from 'node:path'
import type { AudioStatus, StimulusOverview } from '../../shared/contract'
import type { TimingCertificate } from '../../shared/audio/certificate'
import type { MarkerEvent } from '../../shared/audio/markers'
import { integratedLoudness, peak } from '../../shared/audio/loudness'
import { durationSeconds, frameCount, interleave } from '../../shared/audio/types'
import { EntrainError } from '../../shared/errors'
import type { EventHub } from '../events'
import { listDevices, type AudioDevice } from './alsa'
import { decodeOffThread } from './decode-off-thread'
import { AudioEngine, engineDefaults } from './engine'
import { runSelfTest, writeCertificate } from './selftest'

const overviewBuckets = 2000

/**
 * The audio output as the app sees it: the chosen device, one engine opened on first use and kept
 * running (silence between stimuli), stimulus previews for the waveform view, the test tone and
 * the timing self-test.
 */
export class AudioService {
  private device: string = engineDefaults.device
  private engine: Promise<AudioEngine> | null = null
  private underruns = 0
  private lastOnset: MarkerEvent | null = null
  private problem: string | null = null
  private busy = false

  constructor(
    private readonly events: EventHub,
    private readonly dataDir: string,
  ) {}

  devices(): { supported: boolean; note: string | null; devices: AudioDevice[] } {
    if (process.platform !== 'linux') {
      return { supported: false, note: `sample-accurate output is not available on ${process.platform} yet (Linux/ALSA only)`, devices: [] }
    }
    return { supported: true, note: null, devices: listDevices() }
  }

  async status(): Promise<AudioStatus> {
    const engine = this.engine ? await this.engine.catch(() => null) : null
    return {
      device: this.device,
      open: engine !== null,
      rate: engine?.device.rate ?? null,
      latencyMs: engine ? (engine.device.bufferFrames / engine.device.rate) * 1000 : null,
      underruns: this.underruns,
      lastOnset: this.lastOnset,
      problem: this.problem,
      busy: this.busy,
    }
  }

  async select(device: string): Promise<AudioStatus> {
    await this.closeEngine()
    this.device = device
    this.problem = null
    return this.announce()
  }

  /** A 0.5 s 1 kHz tone at −20 dBFS; resolves with its onset marker. */
  async testTone(): Promise<MarkerEvent> {
    const engine = await this.open()
    const frames = Math.round(engine.device.rate / 2)
    const samples = new Float32Array(frames * engine.device.channels)
    for (let frame = 0; frame < frames; frame++) {
      const ramp = Math.min(1, frame / 480, (frames - frame) / 480)
      const value = 0.1 * ramp * Math.sin((2 * Math.PI * 1000 * frame) / engine.device.rate)
      for (let channel = 0; channel < engine.device.channels; channel++) samples[frame * engine.device.channels + channel] = value
    }
    return this.played(await engine.play({ id: 'test-tone', file: '(1 kHz test tone)' }, samples))
  }

  /** What the waveform view shows: min/max per bucket of the first channel, and the file's facts. */
  async overview(file: string): Promise<StimulusOverview> {
    const audio = await decodeOffThread(file)
    const samples = audio.channels[0]!
    const buckets = Math.min(overviewBuckets, Math.max(1, samples.length))
    const peaks = new Float32Array(buckets * 2)
    for (let bucket = 0; bucket < buckets; bucket++) {
      let low = 0
      let high = 0
      const end = Math.floor(((bucket + 1) * samples.length) / buckets)
      for (let index = Math.floor((bucket * samples.length) / buckets); index < end; index++) {
        const value = samples[index]!
        if (value < low) low = value
        if (value > high) high = value
      }
      peaks[bucket * 2] = low
      peaks[bucket * 2 + 1] = high
    }
    const loudness = integratedLoudness(audio)
    return {
      file: path.resolve(file),
      name: path.basename(file),
      format: audio.format,
      sampleRate: audio.sampleRate,
      channels: audio.channels.length,
      frames: frameCount(audio),
      durationSeconds: durationSeconds(audio),
      loudnessLufs: Number.isFinite(loudness) ? loudness : null,
      peak: peak(audio),
      peaks,
    }
  }

  async play(file: string, excerpt?: { start: number; end?: number }): Promise<MarkerEvent> {
    const engine = await this.open()
    const prepared = await decodeOffThread(file, {
      targetRate: engine.device.rate,
      targetChannels: engine.device.channels === 1 ? 1 : 2,
      ...(excerpt ? { excerpt, fadeIn: 0.01, fadeOut: 0.01 } : {}),
    })
    const stimulus = { id: path.basename(file, path.extname(file)), file: path.resolve(file) }
    return this.played(await engine.play(stimulus, interleave(prepared)))
  }

  async stop(): Promise<AudioStatus> {
    if (this.engine) (await this.engine).stop(0.05)
    return this.announce()
  }

  /** Runs the timing self-test on the chosen device (the running engine steps aside meanwhile). */
  async selfTest(clicks: number, captureDevice?: string): Promise<TimingCertificate & { files: { json: string; text: string } }> {
    await this.closeEngine()
    this.busy = true
    await this.announce()
    try {
      const certificate = await runSelfTest({ device: this.device, clicks, captureDevice })
      const files = await writeCertificate(path.join(this.dataDir, 'certificates'), certificate)
      return { ...certificate, files }
    } finally {
      this.busy = false
      await this.announce()
    }
  }

  async close(): Promise<void> {
    await this.closeEngine()
  }

  private async played(playback: { onset: Promise<MarkerEvent> }): Promise<MarkerEvent> {
    this.lastOnset = await playback.onset
    await this.announce()
    return this.lastOnset
  }

  /** The engine on the chosen device, once its DAC clock is known (the session runner plays through it). */
  async readyEngine(): Promise<AudioEngine> {
    const engine = await this.open()
    await engine.ready
    return engine
  }

  private open(): Promise<AudioEngine> {
    if (this.busy) throw new EntrainError('NOT_AVAILABLE', 'the timing self-test is using the audio device')
    this.engine ??= AudioEngine.open({ device: this.device }).then(
      async (engine) => {
        engine.on((event) => {
          if (event.kind === 'underrun') {
            this.underruns += 1
            void this.announce()
          }
        })
        await engine.ready
        void this.announce()
        return engine
      },
      (error: Error) => {
        this.problem = error.message
        this.engine = null
        void this.announce()
        throw error
      },
    )
    return this.engine
  }

  private async closeEngine(): Promise<void> {
    const engine = this.engine
    this.engine = null
    if (engine) await (await engine.catch(() => null))?.close()
  }

  private async announce(): Promise<AudioStatus> {
    const status = await this.status()
    this.events.emit('audio.changed', status)
    return status
  }
}
