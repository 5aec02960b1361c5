import { describe, expect, it } from 'vitest'
import { serialPortHint } from '../../../../src/shared/openbci/ports'

describe('serial port hints', () => {
  it('recognises the OpenBCI dongle by its FTDI FT231X ids, in either case', () => {
    expect(serialPortHint({ path: '/dev/ttyUSB0', vendorId: '0403', productId: '6015', manufacturer: 'FTDI' })).toEqual({
      hint: 'FTDI FT231X USB serial: the chip of the OpenBCI dongle',
      likelyOpenBci: true,
    })
    expect(serialPortHint({ path: 'COM3', vendorId: '0403', productId: '6015' }).likelyOpenBci).toBe(true)
  })

  it('describes other ports without claiming they are a board', () => {
    expect(serialPortHint({ path: '/dev/ttyUSB1', vendorId: '0403', productId: '6001' })).toEqual({ hint: 'FTDI USB serial adapter (0403:6001)', likelyOpenBci: false })
    expect(serialPortHint({ path: '/dev/ttyACM0', vendorId: '2341', productId: '0043', manufacturer: 'Arduino' }).hint).toBe('USB serial device 2341:0043 from Arduino')
    expect(serialPortHint({ path: '/dev/ttyS0' }).hint).toBe('built-in serial port (no USB device behind it)')
  })
})
