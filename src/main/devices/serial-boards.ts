import { SerialPort } from 'serialport'
import type { SerialBoardStatus, SerialPortEntry } from '../../shared/contract'
import { EntrainError } from '../../shared/errors'
import { serialPortHint } from '../../shared/openbci/ports'
import type { EventHub } from '../events'
import { SerialBoard, type SerialBoardOptions } from './serial-board'

const healthRateHz = 1

/** The serial ports of this machine, each with a hint of what it is. */
export async function listSerialPorts(): Promise<SerialPortEntry[]> {
  const ports = await SerialPort.list()
  return ports.map((port) => ({
    path: port.path,
    manufacturer: port.manufacturer ?? null,
    serialNumber: port.serialNumber ?? null,
    vendorId: port.vendorId ?? null,
    productId: port.productId ?? null,
    ...serialPortHint(port),
  }))
}

/** The connected OpenBCI boards, one per port, as the app and the browser test host see them. */
export class SerialBoards {
  private readonly boards = new Map<string, SerialBoard>()
  /** Ports whose board is being connected, so a second click does not open the port twice. */
  private readonly connecting = new Set<string>()
  private timer: NodeJS.Timeout | null = null

  constructor(private readonly events: EventHub) {}

  list(): SerialBoardStatus[] {
    return [...this.boards.values()].map((board) => board.status())
  }

  async connect(options: Omit<SerialBoardOptions, 'onChange'>): Promise<SerialBoardStatus> {
    if (this.boards.has(options.path) || this.connecting.has(options.path)) {
      throw new EntrainError('INVALID_INPUT', `a board on ${options.path} is already connected`)
    }
    this.connecting.add(options.path)
    try {
      const board = await SerialBoard.open({ ...options, onChange: () => this.announce() })
      this.boards.set(board.path, board)
      this.timer ??= setInterval(() => this.announce(), 1000 / healthRateHz)
      this.announce()
      return board.status()
    } finally {
      this.connecting.delete(options.path)
    }
  }

  async disconnect(portPath: string): Promise<SerialBoardStatus[]> {
    const board = this.boards.get(portPath)
    if (!board) throw new EntrainError('NOT_FOUND', `no board is connected on ${portPath}`)
    this.boards.delete(portPath)
    await board.close()
    if (this.boards.size === 0 && this.timer) {
      clearInterval(this.timer)
      this.timer = null
    }
    this.announce()
    return this.list()
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await Promise.all([...this.boards.values()].map((board) => board.close()))
    this.boards.clear()
  }

  private announce(): void {
    this.events.emit('serial.changed', this.list())
  }
}
