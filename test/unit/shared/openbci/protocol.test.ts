import { describe, expect, it } from 'vitest'
import { channelSettingsCommand, microvoltsPerCount, parseBanner } from '../../../../src/shared/openbci/protocol'

describe('OpenBCI protocol', () => {
  it('scales counts as 4.5 V over 2^23 − 1 counts divided by the gain', () => {
    expect(microvoltsPerCount(24)).toBeCloseTo(0.022351744, 9)
    expect(microvoltsPerCount(1)).toBeCloseTo(0.536441867, 9)
    expect(microvoltsPerCount(1) / microvoltsPerCount(12)).toBeCloseTo(12, 12)
  })

  it('writes channel settings with the gain code and the Daisy channel letters', () => {
    expect(channelSettingsCommand(1, 24)).toBe('x1060110X')
    expect(channelSettingsCommand(8, 1)).toBe('x8000110X')
    expect(channelSettingsCommand(9, 6)).toBe('xQ030110X')
    expect(channelSettingsCommand(16, 2)).toBe('xI010110X')
    expect(() => channelSettingsCommand(17, 24)).toThrow('channel must be 1–16, not 17')
  })

  it('reads the firmware and the Daisy from the reset banner', () => {
    const v3 = 'OpenBCI V3 8-16 channel\nOn Board ADS1299 Device ID: 0x3E\nOn Daisy ADS1299 Device ID: 0x3E\nLIS3DH Device ID: 0x33\nFirmware: v3.1.2\n$$$'
    expect(parseBanner(v3)).toEqual({ firmware: 'v3.1.2', firmwareMajor: 3, daisy: true })
    expect(parseBanner('OpenBCI V3 8-16 channel\nOn Board ADS1299 Device ID: 0x3E\nLIS3DH Device ID: 0x33\n$$$')).toEqual({ firmware: null, firmwareMajor: null, daisy: false })
  })
})
