import { spawn, spawnSync } from 'node:child_process'

/**
 * A recording of what the audio output actually played: the PulseAudio (or PipeWire-pulse)
 * monitor of the default sink, read with `parec`, or an ALSA input that a loopback cable feeds
 * from the output, read with `arecord`.
 */
export function outputCaptureAvailable(): boolean {
  return process.platform === 'linux' && spawnSync('parec', ['--version']).status === 0 && spawnSync('pactl', ['info']).status === 0
}

export function inputCaptureAvailable(): boolean {
  return process.platform === 'linux' && spawnSync('arecord', ['--version']).status === 0
}

export interface OutputCapture {
  /** Stops recording; returns interleaved float32 frames. */
  stop(): Promise<Float32Array>
}

export type CaptureSource = { kind: 'pulse-monitor' } | { kind: 'alsa-input'; device: string }

export function captureOutput(rate: number, channels: number, source: CaptureSource = { kind: 'pulse-monitor' }): OutputCapture {
  const [command, args] =
    source.kind === 'pulse-monitor'
      ? ['parec', ['-d', '@DEFAULT_MONITOR@', '--format=float32le', `--rate=${rate}`, `--channels=${channels}`, '--raw', '--latency-msec=10']]
      : ['arecord', ['-q', '-D', source.device, '-f', 'FLOAT_LE', '-r', String(rate), '-c', String(channels), '-t', 'raw']]
  const child = spawn(command, args as string[], { stdio: ['ignore', 'pipe', 'ignore'] })
  const chunks: Buffer[] = []
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk))
  return {
    async stop() {
      const exited = new Promise((resolve) => child.on('exit', resolve))
      child.kill('SIGTERM')
      await exited
      const bytes = Buffer.concat(chunks)
      const frameBytes = 4 * channels
      return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength - (bytes.byteLength % frameBytes)))
    },
  }
}
