import { listDevices } from '../../main/audio/alsa'
import { defineCommand, exitCodes, output, UsageError } from '../command'

export const audioCommand = defineCommand({
  name: 'audio',
  summary: 'Audio output devices: `entrain audio devices` lists what --device accepts.',
  positionals: 'devices',
  options: {},
  async run({ options, positionals, io }) {
    if (positionals.length !== 1 || positionals[0] !== 'devices') throw new UsageError('expected `entrain audio devices`')
    const devices = listDevices()
    const width = Math.max(...devices.map((device) => device.name.length), 4)
    output(io, options.json, devices, devices.map((device) => `${device.name.padEnd(width)}  ${device.description}`).join('\n'))
    return exitCodes.ok
  },
})
