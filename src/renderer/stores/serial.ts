import { reactive } from 'vue'
import type { SerialBoardStatus, SerialPortEntry } from '../../shared/contract'
import { call, on } from '../api/client'

export const serial = reactive({
  ports: [] as SerialPortEntry[],
  boards: [] as SerialBoardStatus[],
})

let started = false

export async function refreshSerialPorts(): Promise<void> {
  serial.ports = await call('serial.ports', {})
}

export async function startSerialStore(): Promise<void> {
  if (started) return
  started = true
  on('serial.changed', (boards) => (serial.boards = boards))
  const [ports, boards] = await Promise.all([call('serial.ports', {}), call('serial.boards', {})])
  serial.ports = ports
  serial.boards = boards
}
