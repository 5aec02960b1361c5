import { afterEach, describe, expect, it } from 'vitest'
import { runCli, startCli } from '../../support/cli'
import { lslHome } from '../../support/lsl'
import { CytonEmulator } from '../../support/openbci-emulator'
import { startPtyPair } from '../../support/pty'
import { useTempDirs } from '../../support/temp-dir'

const tempDir = useTempDirs()
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('entrain serial', () => {
  it('lists the serial ports with a hint each, as JSON', async () => {
    const result = await runCli(['serial', 'list', '--json'])
    expect(result.code).toBe(0)
    const ports = JSON.parse(result.stdout) as { path: string; hint: string; likelyOpenBci: boolean }[]
    expect(Array.isArray(ports)).toBe(true)
    for (const port of ports) expect(port).toMatchObject({ path: expect.any(String), hint: expect.any(String), likelyOpenBci: expect.any(Boolean) })
  })

  it('streams a board until SIGTERM, with health on stderr and every event as a JSON line', async () => {
    const pair = await startPtyPair(await tempDir())
    const emulator = await CytonEmulator.open(pair.board)
    cleanups.push(async () => {
      await emulator.close()
      await pair.unplug()
    })
    const child = startCli(['serial', 'stream', '--port', pair.dongle, '--board', 'cyton', '--name', 'CliCyton', '--json'], { HOME: lslHome })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
    const events = () => stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { event: string; state: string; health: { packets: number } })
    const deadline = Date.now() + 15_000
    while (events().filter((event) => event.event === 'health').length < 2) {
      if (Date.now() > deadline) throw new Error(`no health events: ${stdout} ${stderr}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    const all = events()
    expect(all[0]).toMatchObject({ event: 'state', state: 'streaming', name: 'CliCyton', channelCount: 11, rate: 250, firmware: 'v3.1.2' })
    const health = all.filter((event) => event.event === 'health')
    expect(health[1]!.health.packets).toBeGreaterThan(health[0]!.health.packets)
    expect(all.at(-1)).toMatchObject({ event: 'stopped', stoppedBy: 'SIGTERM', state: 'stopped' })
    expect(stderr).toContain(`publishing CliCyton: 11 channels at 250 Hz from ${pair.dongle} (firmware v3.1.2)`)
    expect(stderr).toMatch(/CliCyton: streaming, \d+ packets, \d+ samples, 0 dropped, 0 resyncs, 0 reconnects/)
    // The board was told to stop when the command ended.
    expect(emulator.commands.at(-1)).toBe('s')
  })

  it('fails with one clear line when no board answers, and with a usage error for a wrong board', async () => {
    const pair = await startPtyPair(await tempDir())
    cleanups.push(() => pair.unplug())
    const silent = await runCli(['serial', 'stream', '--port', pair.dongle, '--board', 'cyton'], { HOME: lslHome })
    expect(silent.code).toBe(1)
    expect(silent.stderr.trim().split('\n')).toEqual([`entrain serial: no answer from the board on ${pair.dongle} to a reset ("v"): is it switched on (PC), and is the dongle's switch on GPIO6?`])
    const usage = await runCli(['serial', 'stream', '--port', pair.dongle, '--board', 'ganglion'])
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain('--board must be cyton or cyton-daisy')
  })
})
