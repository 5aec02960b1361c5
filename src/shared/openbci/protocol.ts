/**
 * The OpenBCI Cyton's serial protocol: boards, commands, channel settings, the reset banner and
 * the scale factors from ADC counts to microvolts and g (REFERENCE §6).
 */

export type BoardKind = 'cyton' | 'cyton-daisy'

export const boardKinds: readonly BoardKind[] = ['cyton', 'cyton-daisy']

export interface BoardSpec {
  kind: BoardKind
  model: string
  eegChannels: number
  /** Samples per second of the combined stream. */
  sampleRate: number
  /** Packets that make one sample: the Daisy's channels come in every other packet. */
  packetsPerSample: number
}

export const boards: Readonly<Record<BoardKind, BoardSpec>> = {
  cyton: { kind: 'cyton', model: 'Cyton', eegChannels: 8, sampleRate: 250, packetsPerSample: 1 },
  'cyton-daisy': { kind: 'cyton-daisy', model: 'Cyton+Daisy', eegChannels: 16, sampleRate: 125, packetsPerSample: 2 },
}

export const baudRate = 115_200
export const packetLength = 33
export const packetStart = 0xa0
/** Stop bytes 0xC0–0xC6 say what the six aux bytes hold; 0xC0: accelerometer X, Y, Z as int16. */
export const stopByteAccelerometer = 0xc0
export const accelerometerChannels = ['AccelX', 'AccelY', 'AccelZ'] as const

/** Seconds the last byte of a packet takes to cross the serial link after its first left the board. */
export const packetTransmissionSeconds = (packetLength * 10) / baudRate

export const commands = {
  /** Soft reset: the board answers with a banner ending in `$$$`. */
  reset: 'v',
  start: 'b',
  stop: 's',
  /** Stream 8 channels at 250 Hz although a Daisy is attached. */
  withoutDaisy: 'c',
} as const

/** Everything the board says in answer to a command ends with this. */
export const replyEnd = '$$$'

/** Gains the ADS1299 offers, in the order of their code in the channel settings command. */
export const gains = [1, 2, 4, 6, 8, 12, 24] as const
export type Gain = (typeof gains)[number]
export const defaultGain: Gain = 24

export function isGain(value: number): value is Gain {
  return (gains as readonly number[]).includes(value)
}

/** µV per ADC count: 4.5 V reference over ±(2²³ − 1) counts, divided by the programmable gain. */
export function microvoltsPerCount(gain: Gain): number {
  return (4.5 / gain / (2 ** 23 - 1)) * 1e6
}

/** The LIS3DH at ±4 g: 2 mg per 16 counts of its left-aligned 12-bit reading. */
export const gPerCount = 0.002 / 16

/** The character naming channel 1–16 in channel settings commands. */
const channelCharacters = '12345678QWERTYUI'

/**
 * The command that powers a channel up with `gain`, normal electrode input, in the bias, with SRB2
 * connected and SRB1 open: the settings a reset gives, with the gain made explicit so that the
 * scaling never rests on an assumption.
 */
export function channelSettingsCommand(channel: number, gain: Gain): string {
  const character = channelCharacters[channel - 1]
  if (!Number.isInteger(channel) || character === undefined) throw new RangeError(`channel must be 1–16, not ${channel}`)
  const powerDown = 0
  const input = 0
  const bias = 1
  const srb2 = 1
  const srb1 = 0
  return `x${character}${powerDown}${gains.indexOf(gain)}${input}${bias}${srb2}${srb1}X`
}

export interface Banner {
  /** e.g. "v3.1.2"; null for firmware before v2, which does not say. */
  firmware: string | null
  firmwareMajor: number | null
  daisy: boolean
}

/** What the reset banner says about the board ("On Daisy ADS1299 Device ID: …", "Firmware: v3.1.2"). */
export function parseBanner(text: string): Banner {
  const version = /Firmware:\s*v(\d+)(?:\.\d+)*/i.exec(text)
  return {
    firmware: version ? version[0].replace(/^Firmware:\s*/i, '') : null,
    firmwareMajor: version ? Number(version[1]) : null,
    daisy: /Daisy ADS1299/i.test(text),
  }
}

/** Channel labels of a board's stream: its EEG channels, then the accelerometer. */
export function defaultChannelLabels(spec: BoardSpec): string[] {
  return [...Array.from({ length: spec.eegChannels }, (_, index) => `EEG${index + 1}`), ...accelerometerChannels]
}
