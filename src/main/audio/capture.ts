import { spawn, spawnSync } from 'node:child_process'

/**
 * A recording of what the audio output actually played, where the system offers one: the
 * PulseAudio (or PipeWire-pulse) monitor of the default sink, read with `parec`.
 */
export function outputCaptureAvailable(): boolean {
  return process.platform === 'linux' && spawnSync('parec', ['--version']).status === 0 && spawnSync('pactl', ['info']).status === 0
}

export interface OutputCapture {
  /** Stops recording; returns interleaved float32 frames. */
  stop(): Promise<Float32Array>
}

export function captureOutput(rate: number, channels: number, source = '@DEFAULT_MONITOR@'): OutputCapture {
  const child = spawn('parec', ['-d', source, '--format=float32le', `--rate=${rate}`, `--channels=${channels}`, '--raw', '--latency-msec=10'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
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
