/** What the system says about a serial port (serialport's PortInfo, the fields Entrain uses). */
export interface SerialPortFacts {
  path: string
  manufacturer?: string | undefined
  serialNumber?: string | undefined
  vendorId?: string | undefined
  productId?: string | undefined
}

export interface SerialPortHint {
  /** One line for the experimenter: what the port probably is. */
  hint: string
  /** The USB chip of the OpenBCI dongle (FTDI FT231X). */
  likelyOpenBci: boolean
}

/** A hint from the USB ids and names: the OpenBCI dongle is an FTDI FT231X (0403:6015). */
export function serialPortHint(port: SerialPortFacts): SerialPortHint {
  const vendor = port.vendorId?.toLowerCase()
  const product = port.productId?.toLowerCase()
  if (vendor === '0403' && product === '6015') {
    return { hint: 'FTDI FT231X USB serial: the chip of the OpenBCI dongle', likelyOpenBci: true }
  }
  if (vendor === '0403') return { hint: `FTDI USB serial adapter (${vendor}:${product ?? '?'})`, likelyOpenBci: false }
  if (vendor) return { hint: `USB serial device ${vendor}:${product ?? '?'}${port.manufacturer ? ` from ${port.manufacturer}` : ''}`, likelyOpenBci: false }
  if (/\/ttyS\d+$/.test(port.path)) return { hint: 'built-in serial port (no USB device behind it)', likelyOpenBci: false }
  return { hint: port.manufacturer ? `serial port from ${port.manufacturer}` : 'serial port', likelyOpenBci: false }
}
