import { reactive } from 'vue'
import type { AudioDeviceList, AudioStatus } from '../../shared/contract'
import { call, on } from '../api/client'

export const audio = reactive({
  devices: null as AudioDeviceList | null,
  status: null as AudioStatus | null,
})

let started = false

export async function startAudioStore(): Promise<void> {
  if (started) return
  started = true
  on('audio.changed', (status) => (audio.status = status))
  const [devices, status] = await Promise.all([call('audio.devices', {}), call('audio.status', {})])
  audio.devices = devices
  audio.status = status
}
