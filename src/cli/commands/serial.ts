import { listSerialPorts } from '../../main/devices/serial-boards'
import { SerialBoard } from '../../main/devices/serial-board'
import type { SerialBoardStatus } from '../../shared/contract'
import { boardKinds, gains, isGain, type BoardKind } from '../../shared/openbci/protocol'
import { defineCommand, exitCodes, output, UsageError, type Io } from '../command'

function healthLine(status: SerialBoardStatus): string {
  const { health } = status
  return `${status.name}: ${status.state}, ${health.packets} packets, ${health.samples} samples, ${health.drops} dropped, ${health.resyncs} resyncs, ${health.reconnects} reconnects`
}

export const serialCommand = defineCommand({
  name: 'serial',
  summary:
    'Serial EEG amplifiers: `entrain serial list` shows the serial ports with a hint of what each is; `entrain serial stream --port PATH --board cyton|cyton-daisy` publishes an OpenBCI board as an LSL stream until Ctrl+C / SIGTERM, reconnecting when the port returns.',
  positionals: 'list|stream',
  options: {
    port: { type: 'string', value: 'PATH', description: 'serial port of the board (stream), e.g. /dev/ttyUSB0' },
    board: { type: 'string', value: 'BOARD', description: `${boardKinds.join(' or ')} (stream)` },
    name: { type: 'string', value: 'N', description: 'LSL stream name (stream; default OpenBCI-<board>-<port>)' },
    gain: { type: 'string', value: 'G', description: `channel gain, one of ${gains.join(', ')} (stream; default 24)` },
    labels: { type: 'string', value: 'A,B,…', description: 'EEG channel labels, comma-separated (stream; default EEG1…)' },
  },
  async run({ options, positionals, io }) {
    const [action, ...extra] = positionals
    if ((action !== 'list' && action !== 'stream') || extra.length) throw new UsageError('expected `serial list` or `serial stream --port PATH --board BOARD`')
    if (action === 'list') {
      const ports = await listSerialPorts()
      const width = Math.max(...ports.map((port) => port.path.length), 4)
      output(io, options.json, ports, ports.length ? ports.map((port) => `${port.path.padEnd(width)}  ${port.hint}`).join('\n') : 'no serial ports found')
      return exitCodes.ok
    }
    if (!options.port) throw new UsageError('--port PATH is required')
    if (!boardKinds.includes(options.board as BoardKind)) throw new UsageError(`--board must be ${boardKinds.join(' or ')}`)
    const gain = options.gain === undefined ? undefined : Number(options.gain)
    if (gain !== undefined && !isGain(gain)) throw new UsageError(`--gain must be one of ${gains.join(', ')}`)
    return stream(io, options.json, {
      path: options.port,
      board: options.board as BoardKind,
      ...(options.name ? { name: options.name } : {}),
      ...(gain !== undefined ? { gain } : {}),
      ...(options.labels ? { labels: options.labels.split(',').map((label) => label.trim()) } : {}),
    })
  },
})

/** Streams until interrupted: health once a second on stderr, with --json every event as a line on stdout. */
async function stream(io: Io, json: boolean, settings: Parameters<typeof SerialBoard.open>[0]): Promise<number> {
  const event = (kind: string, status: SerialBoardStatus) => {
    if (json) io.stdout.write(`${JSON.stringify({ event: kind, ...status })}\n`)
  }
  let lastState: SerialBoardStatus['state'] | null = null
  const board = await SerialBoard.open({
    ...settings,
    onChange: (status) => {
      if (status.state === lastState) return
      lastState = status.state
      event('state', status)
      if (status.problem) io.stderr.write(`${status.name}: ${status.problem}\n`)
    },
  })
  const { name, channelCount, rate, firmware } = board.status()
  io.stderr.write(`publishing ${name}: ${channelCount} channels at ${rate} Hz from ${settings.path} (firmware ${firmware ?? 'before v2'}); Ctrl+C to stop\n`)
  const ticker = setInterval(() => {
    const status = board.status()
    io.stderr.write(`${healthLine(status)}\n`)
    event('health', status)
  }, 1000)
  const stoppedBy = await io.interrupted()
  clearInterval(ticker)
  await board.close()
  const final = board.status()
  if (json) io.stdout.write(`${JSON.stringify({ event: 'stopped', stoppedBy, ...final })}\n`)
  else output(io, false, null, `stopped (${stoppedBy}): ${healthLine(final)}`)
  return exitCodes.ok
}
