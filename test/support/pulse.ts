import { spawn, spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

/**
 * A private PulseAudio server with one null sink (48 kHz, float32, stereo): the real audio stack
 * Entrain writes to through ALSA's pulse plugin, and a monitor source that records exactly what
 * the sink was given. No sound card needed. Callers set PULSE_SERVER to `server`.
 */
export interface TestPulse {
  server: string
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
    async close() {
      const exited = new Promise((resolve) => daemon.on('exit', resolve))
      daemon.kill('SIGTERM')
      await exited
      await rm(dir, { recursive: true, force: true })
    },
  }
}
