import koffi from 'koffi'
import { EntrainError } from '../../shared/errors'

/**
 * libasound (ALSA) through koffi: just what the output engine needs. Playback is written frame by
 * frame by Entrain itself, so it knows the output frame index of every sample, and each write is
 * followed by a status read whose high-resolution timestamp is in CLOCK_MONOTONIC, the LSL clock.
 * Blocking calls (writei) belong in a worker thread.
 */

const accessInterleaved = 3
const formats = { float32: 14, s32: 10, s16: 2 } as const // SND_PCM_FORMAT_FLOAT_LE, S32_LE, S16_LE
export type SampleFormat = keyof typeof formats
const streamPlayback = 0
const tstampEnable = 1
const tstampTypeMonotonic = 1
export const errorBrokenPipe = -32 // -EPIPE: an underrun

type Pointer = unknown

function bind() {
  if (process.platform !== 'linux') {
    throw new EntrainError('NOT_AVAILABLE', `sample-accurate audio output is not available on ${process.platform} yet (Linux/ALSA only)`)
  }
  let lib: koffi.IKoffiLib
  try {
    lib = koffi.load('libasound.so.2')
  } catch {
    throw new EntrainError('NOT_AVAILABLE', 'ALSA (libasound.so.2) is not installed; on Debian/Ubuntu: apt install libasound2')
  }
  const timespec = koffi.struct('entrain_timespec', { tv_sec: 'int64_t', tv_nsec: 'int64_t' })
  return {
    timespec,
    strerror: lib.func('const char *snd_strerror(int errnum)'),
    open: lib.func('int snd_pcm_open(_Out_ void **pcm, const char *name, int stream, int mode)'),
    close: lib.func('int snd_pcm_close(void *pcm)'),
    hwMalloc: lib.func('int snd_pcm_hw_params_malloc(_Out_ void **params)'),
    hwFree: lib.func('void snd_pcm_hw_params_free(void *params)'),
    hwAny: lib.func('int snd_pcm_hw_params_any(void *pcm, void *params)'),
    hwSetAccess: lib.func('int snd_pcm_hw_params_set_access(void *pcm, void *params, int access)'),
    hwSetFormat: lib.func('int snd_pcm_hw_params_set_format(void *pcm, void *params, int format)'),
    hwSetChannels: lib.func('int snd_pcm_hw_params_set_channels(void *pcm, void *params, unsigned int channels)'),
    hwSetRateNear: lib.func('int snd_pcm_hw_params_set_rate_near(void *pcm, void *params, _Inout_ unsigned int *rate, _Inout_ int *dir)'),
    hwSetRateResample: lib.func('int snd_pcm_hw_params_set_rate_resample(void *pcm, void *params, unsigned int enable)'),
    hwSetPeriodSizeNear: lib.func(
      'int snd_pcm_hw_params_set_period_size_near(void *pcm, void *params, _Inout_ unsigned long *frames, _Inout_ int *dir)',
    ),
    hwSetBufferSizeNear: lib.func('int snd_pcm_hw_params_set_buffer_size_near(void *pcm, void *params, _Inout_ unsigned long *frames)'),
    hwApply: lib.func('int snd_pcm_hw_params(void *pcm, void *params)'),
    hwGetPeriodSize: lib.func('int snd_pcm_hw_params_get_period_size(void *params, _Out_ unsigned long *frames, _Out_ int *dir)'),
    hwGetBufferSize: lib.func('int snd_pcm_hw_params_get_buffer_size(void *params, _Out_ unsigned long *frames)'),
    swMalloc: lib.func('int snd_pcm_sw_params_malloc(_Out_ void **params)'),
    swFree: lib.func('void snd_pcm_sw_params_free(void *params)'),
    swCurrent: lib.func('int snd_pcm_sw_params_current(void *pcm, void *params)'),
    swSetTstampMode: lib.func('int snd_pcm_sw_params_set_tstamp_mode(void *pcm, void *params, int mode)'),
    swSetTstampType: lib.func('int snd_pcm_sw_params_set_tstamp_type(void *pcm, void *params, int type)'),
    swSetStartThreshold: lib.func('int snd_pcm_sw_params_set_start_threshold(void *pcm, void *params, unsigned long frames)'),
    swApply: lib.func('int snd_pcm_sw_params(void *pcm, void *params)'),
    writeFloat: lib.func('long snd_pcm_writei(void *pcm, const float *buffer, unsigned long frames)'),
    writeInt32: lib.func('long snd_pcm_writei(void *pcm, const int32_t *buffer, unsigned long frames)'),
    writeInt16: lib.func('long snd_pcm_writei(void *pcm, const int16_t *buffer, unsigned long frames)'),
    recover: lib.func('int snd_pcm_recover(void *pcm, int err, int silent)'),
    drain: lib.func('int snd_pcm_drain(void *pcm)'),
    statusMalloc: lib.func('int snd_pcm_status_malloc(_Out_ void **status)'),
    statusFree: lib.func('void snd_pcm_status_free(void *status)'),
    status: lib.func('int snd_pcm_status(void *pcm, void *status)'),
    statusHtstamp: lib.func('void snd_pcm_status_get_htstamp(void *status, _Out_ entrain_timespec *tstamp)'),
    statusDelay: lib.func('long snd_pcm_status_get_delay(void *status)'),
    statusState: lib.func('int snd_pcm_status_get_state(void *status)'),
    nameHint: lib.func('int snd_device_name_hint(int card, const char *iface, _Out_ void **hints)'),
    nameGetHint: lib.func('void *snd_device_name_get_hint(void *hint, const char *id)'),
    nameFreeHint: lib.func('int snd_device_name_free_hint(void *hints)'),
    free: koffi.load('libc.so.6').func('void free(void *ptr)'),
  }
}

let alsa: ReturnType<typeof bind> | undefined
function api(): ReturnType<typeof bind> {
  alsa ??= bind()
  return alsa
}

function check(code: number, what: string): number {
  if (code < 0) throw new EntrainError('IO_ERROR', `${what}: ${api().strerror(code) as string}`, { alsa: code })
  return code
}

export interface AudioDevice {
  /** What to pass as --device. */
  name: string
  description: string
  /** 'Output', 'Input', or null when the device does both. */
  direction: 'Output' | 'Input' | null
}

/** PCM devices ALSA knows (including PulseAudio's or PipeWire's `default`/`pulse`/`pipewire` and hw:*). */
export function listDevices(): AudioDevice[] {
  const { nameHint, nameGetHint, nameFreeHint, free } = api()
  const out: Pointer[] = [null]
  check(nameHint(-1, 'pcm', out), 'listing ALSA devices')
  const hints = out[0]
  const devices: AudioDevice[] = []
  const text = (hint: Pointer, id: string) => {
    const pointer = nameGetHint(hint, id)
    if (!pointer) return null
    const value = koffi.decode(pointer, 'char', -1) as string
    free(pointer)
    return value
  }
  for (let index = 0; ; index++) {
    const hint = koffi.decode(hints, index * koffi.sizeof('void *'), 'void *') as Pointer
    if (!hint) break
    const name = text(hint, 'NAME')
    const direction = text(hint, 'IOID') as AudioDevice['direction']
    if (name && direction !== 'Input') {
      devices.push({ name, description: (text(hint, 'DESC') ?? '').replace(/\n/g, ' — '), direction })
    }
  }
  nameFreeHint(hints)
  return devices
}

export interface PcmSettings {
  device: string
  rate: number
  channels: number
  periodFrames: number
  periods: number
}

export interface StatusSample {
  /** CLOCK_MONOTONIC seconds (the LSL clock) at which `delay` was measured. */
  time: number
  /** Frames written but not yet played. */
  delay: number
  /** Whether the device is playing; before it starts, time and delay say nothing about the DAC. */
  running: boolean
}

const stateRunning = 3

/** An open ALSA playback stream with monotonic status timestamps. */
export class PcmOutput {
  readonly rate: number
  readonly channels: number
  readonly periodFrames: number
  readonly bufferFrames: number
  readonly format: SampleFormat
  private handle: Pointer | null
  private readonly statusHandle: Pointer
  private readonly timestamp: { tv_sec: bigint | number; tv_nsec: bigint | number } = { tv_sec: 0, tv_nsec: 0 }
  private converted: Int32Array | Int16Array | null = null

  constructor(settings: PcmSettings) {
    const a = api()
    const opened: Pointer[] = [null]
    const code = a.open(opened, settings.device, streamPlayback, 0)
    if (code < 0) {
      throw new EntrainError('NOT_FOUND', `cannot open audio device ${settings.device}: ${a.strerror(code) as string}`, { alsa: code })
    }
    this.handle = opened[0]
    try {
      const hw: Pointer[] = [null]
      check(a.hwMalloc(hw), 'allocating hardware parameters')
      try {
        check(a.hwAny(this.handle, hw[0]), 'reading the device capabilities')
        check(a.hwSetAccess(this.handle, hw[0], accessInterleaved), 'choosing interleaved access')
        this.format = (['float32', 's32', 's16'] as const).find((format) => a.hwSetFormat(this.handle, hw[0], formats[format]) === 0) ?? 's16'
        check(a.hwSetChannels(this.handle, hw[0], settings.channels), `choosing ${settings.channels} channels`)
        // Entrain resamples stimuli itself (high quality); the device must run at the asked rate.
        a.hwSetRateResample(this.handle, hw[0], 0)
        const rate = [settings.rate]
        check(a.hwSetRateNear(this.handle, hw[0], rate, [0]), `choosing ${settings.rate} Hz`)
        const period = [settings.periodFrames]
        check(a.hwSetPeriodSizeNear(this.handle, hw[0], period, [0]), 'choosing the period size')
        const buffer = [period[0]! * settings.periods]
        check(a.hwSetBufferSizeNear(this.handle, hw[0], buffer), 'choosing the buffer size')
        check(a.hwApply(this.handle, hw[0]), 'applying the hardware parameters')
        const got = [0]
        check(a.hwGetPeriodSize(hw[0], got, [0]), 'reading the period size')
        this.periodFrames = Number(got[0])
        check(a.hwGetBufferSize(hw[0], got), 'reading the buffer size')
        this.bufferFrames = Number(got[0])
        this.rate = rate[0]!
        if (this.rate !== settings.rate) {
          throw new EntrainError('INVALID_INPUT', `${settings.device} cannot run at ${settings.rate} Hz (nearest: ${this.rate} Hz)`)
        }
      } finally {
        a.hwFree(hw[0])
      }
      this.channels = settings.channels
      const sw: Pointer[] = [null]
      check(a.swMalloc(sw), 'allocating software parameters')
      try {
        check(a.swCurrent(this.handle, sw[0]), 'reading software parameters')
        check(a.swSetTstampMode(this.handle, sw[0], tstampEnable), 'enabling timestamps')
        check(a.swSetTstampType(this.handle, sw[0], tstampTypeMonotonic), 'choosing monotonic timestamps')
        check(a.swSetStartThreshold(this.handle, sw[0], this.bufferFrames), 'setting the start threshold')
        check(a.swApply(this.handle, sw[0]), 'applying software parameters')
      } finally {
        a.swFree(sw[0])
      }
      const status: Pointer[] = [null]
      check(a.statusMalloc(status), 'allocating the status')
      this.statusHandle = status[0]
    } catch (error) {
      a.close(this.handle)
      this.handle = null
      throw error
    }
  }

  /**
   * Writes interleaved frames, blocking until the device has room. Returns the frames written, or
   * a negative ALSA error; an underrun (-EPIPE) is recovered here and reported as `errorBrokenPipe`.
   */
  write(frames: Float32Array): number {
    const a = api()
    const count = frames.length / this.channels
    let result: number
    if (this.format === 'float32') result = Number(a.writeFloat(this.live(), frames, count))
    else {
      const scale = this.format === 's32' ? 2147483647 : 32767
      if (!this.converted || this.converted.length < frames.length) {
        this.converted = this.format === 's32' ? new Int32Array(frames.length) : new Int16Array(frames.length)
      }
      for (let index = 0; index < frames.length; index++) {
        this.converted[index] = Math.round(Math.max(-1, Math.min(1, frames[index]!)) * scale)
      }
      const write = this.format === 's32' ? a.writeInt32 : a.writeInt16
      result = Number(write(this.live(), this.converted.subarray(0, frames.length), count))
    }
    if (result === errorBrokenPipe) {
      check(a.recover(this.live(), result, 1), 'recovering from an underrun')
      return errorBrokenPipe
    }
    return check(result, 'writing audio')
  }

  /** When the status was taken (LSL clock) and how many written frames were still to be played. */
  status(): StatusSample {
    const a = api()
    check(a.status(this.live(), this.statusHandle), 'reading the device status')
    a.statusHtstamp(this.statusHandle, this.timestamp)
    return {
      time: Number(this.timestamp.tv_sec) + Number(this.timestamp.tv_nsec) / 1e9,
      delay: Number(a.statusDelay(this.statusHandle)),
      running: a.statusState(this.statusHandle) === stateRunning,
    }
  }

  close(drain = true): void {
    if (!this.handle) return
    const a = api()
    if (drain) a.drain(this.handle)
    a.close(this.handle)
    a.statusFree(this.statusHandle)
    this.handle = null
  }

  private live(): Pointer {
    if (!this.handle) throw new EntrainError('INTERNAL', 'the audio device is closed')
    return this.handle
  }
}
