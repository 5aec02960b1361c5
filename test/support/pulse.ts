import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

/**
 * A private PulseAudio server with one null sink (48 kHz, float32, stereo): the real audio stack
 * Entrain writes to through ALSA's pulse plugin, and a monitor source that records exactly what
 * the sink was given. No sound card needed.
 */
export interface TestPulse {
  server: string
  /** Records the sink's monitor as interleaved float32 stereo; stop() returns what came. */
  record(): { stop(): Promise<Float32Array> }
  close(): Promise<void>
}

export const pulseAvailable = spawnSync('pulseaudio', ['--version']).status === 0 && spawnSync('parec', ['--version']).status === 0

export async function startPulse(): Promise<TestPulse> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'entrain-pulse-'))
  const socket = path.join(dir, 'native')
  const server = `unix:${socket}`
  const daemon = spawn(
    'pulseaudio',
    [
      '-n',
      '--daemonize=no',
      '--exit-idle-time=-1',
      '--use-pid-file=no',
      '--disable-shm=yes',
      '-L',
      `module-native-protocol-unix auth-anonymous=1 socket=${socket}`,
      '-L',
      'module-null-sink sink_name=vsink rate=48000 channels=2 format=float32le',
    ],
    { env: { ...process.env, HOME: dir, XDG_RUNTIME_DIR: dir }, stdio: 'ignore' },
  )
  const deadline = Date.now() + 10_000
  while (spawnSync('pactl', ['list', 'short', 'sinks'], { env: { ...process.env, PULSE_SERVER: server } }).status !== 0) {
    if (Date.now() > deadline) throw new Error('PulseAudio did not start')
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return {
    server,
    record() {
      const child: ChildProcess = spawn('parec', ['-d', 'vsink.monitor', '--format=float32le', '--rate=48000', '--channels=2', '--raw', '--latency-msec=10'], {
        env: { ...process.env, PULSE_SERVER: server },
        stdio: ['ignore', 'pipe', 'ignore'],
      })
      const chunks: Buffer[] = []
      child.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk))
      return {
        async stop() {
          const exited = new Promise((resolve) => child.on('exit', resolve))
          child.kill('SIGTERM')
          await exited
          const bytes = Buffer.concat(chunks)
          return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength - (bytes.byteLength % 8)))
        },
      }
    },
    async close() {
      const exited = new Promise((resolve) => daemon.on('exit', resolve))
      daemon.kill('SIGTERM')
      await exited
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Frame indices where the left channel first rises above `threshold` after at least `quiet` silent frames. */
export function detectOnsets(interleaved: Float32Array, threshold = 0.5, quiet = 2000): number[] {
  const onsets: number[] = []
  let silentFor = quiet
  for (let frame = 0; frame < interleaved.length / 2; frame++) {
    const value = Math.abs(interleaved[frame * 2]!)
    if (value > threshold && silentFor >= quiet) onsets.push(frame)
    silentFor = value > 1e-4 ? 0 : silentFor + 1
  }
  return onsets
}
