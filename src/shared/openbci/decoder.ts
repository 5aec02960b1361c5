import { CounterClock } from './clock'
import { auxValue, channelCount, packetCounter, PacketParser, stopByte, type PacketStats } from './packets'
import {
  accelerometerChannels,
  boards,
  gPerCount,
  microvoltsPerCount,
  packetTransmissionSeconds,
  stopByteAccelerometer,
  type BoardKind,
  type Gain,
} from './protocol'

export interface DecoderStats extends PacketStats {
  samples: number
  /** Samples missing, from the gaps in the packets' sample numbers. */
  drops: number
}

/** Samples decoded from one piece of input, sample-major: EEG channels in µV, then X, Y, Z in g. */
export interface DecodedSamples {
  count: number
  values: Float32Array
  timestamps: Float64Array
}

const packetsPerCounterCycle = 256
/** Packets per second on the wire, with or without the Daisy. */
const packetRate = 250

/**
 * Serial bytes to timestamped samples for a Cyton or Cyton+Daisy: packets (with resynchronisation),
 * sample numbers unwrapped into a running index (with drops counted), Daisy halves joined, counts
 * scaled to µV and g, and timestamps from the index against arrival times (CounterClock).
 */
export class CytonDecoder {
  readonly channelCount: number
  private readonly parser = new PacketParser()
  private readonly clock: CounterClock
  private readonly eegChannels: number
  private readonly daisy: boolean
  private readonly scale: number
  private samples = 0
  private drops = 0
  /** Running packet index of the last packet, and its arrival time. */
  private lastPacket: { index: number; counter: number; arrival: number } | null = null
  private lastSample: number | null = null
  /** The board's half of a Daisy sample, waiting for the Daisy's half in the next packet. */
  private boardHalf: { packetIndex: number; counts: Int32Array } | null = null
  /** The accelerometer reports at 25 Hz; packets between reports carry zeros, so its channels hold. */
  private readonly acceleration = new Float32Array(3)
  private output: DecodedSamples = { count: 0, values: new Float32Array(0), timestamps: new Float64Array(0) }
  private arrival = 0
  private readonly onPacket = (bytes: Uint8Array, offset: number) => this.packet(bytes, offset)

  constructor(board: BoardKind, gain: Gain) {
    const spec = boards[board]
    this.eegChannels = spec.eegChannels
    this.daisy = spec.packetsPerSample === 2
    this.channelCount = spec.eegChannels + accelerometerChannels.length
    this.scale = microvoltsPerCount(gain)
    this.clock = new CounterClock({ rate: spec.sampleRate, transportSeconds: spec.packetsPerSample * packetTransmissionSeconds })
  }

  stats(): DecoderStats {
    return { ...this.parser.stats, samples: this.samples, drops: this.drops }
  }

  /** Decodes the bytes that arrived at `arrival` (seconds, the clock the timestamps are in). */
  decode(bytes: Uint8Array, arrival: number): DecodedSamples {
    const capacity = Math.ceil((bytes.length + 66) / 33)
    this.output = {
      count: 0,
      values: new Float32Array(capacity * this.channelCount),
      timestamps: new Float64Array(capacity),
    }
    this.arrival = arrival
    this.parser.push(bytes, this.onPacket)
    const { count, values, timestamps } = this.output
    // Samples that arrive together were taken one after the other: the newest bounds the delay.
    if (count > 0) this.clock.observe(timestamps[count - 1]!, arrival)
    for (let sample = 0; sample < count; sample++) timestamps[sample] = this.clock.stamp(timestamps[sample]!)
    return { count, values: values.subarray(0, count * this.channelCount), timestamps: timestamps.subarray(0, count) }
  }

  /** Forgets partial input (text the board sent before streaming). */
  resetInput(): void {
    this.parser.reset()
  }

  private packet(bytes: Uint8Array, offset: number): void {
    const packetIndex = this.unwrap(packetCounter(bytes, offset))
    if (stopByte(bytes, offset) === stopByteAccelerometer) this.readAccelerometer(bytes, offset)
    if (!this.daisy) {
      const sample = this.begin(packetIndex)
      for (let channel = 0; channel < 8; channel++) sample[channel] = channelCount(bytes, offset, channel) * this.scale
      this.finish(sample)
      return
    }
    // Odd sample numbers carry the board's channels 1–8, the next even one the Daisy's 9–16.
    if (packetIndex % 2 === 1) {
      const counts = new Int32Array(8)
      for (let channel = 0; channel < 8; channel++) counts[channel] = channelCount(bytes, offset, channel)
      this.boardHalf = { packetIndex, counts }
      return
    }
    const boardHalf = this.boardHalf
    this.boardHalf = null
    if (!boardHalf || boardHalf.packetIndex !== packetIndex - 1) return
    const sample = this.begin(packetIndex / 2)
    for (let channel = 0; channel < 8; channel++) {
      sample[channel] = boardHalf.counts[channel]! * this.scale
      sample[8 + channel] = channelCount(bytes, offset, channel) * this.scale
    }
    this.finish(sample)
  }

  /**
   * The running packet index of a packet number (0–255, wrapping). A gap of more than a whole cycle
   * shows only in the arrival times, which tell how many cycles passed.
   */
  private unwrap(counter: number): number {
    const last = this.lastPacket
    let index = counter
    if (last) {
      const missing = (counter - last.counter - 1 + packetsPerCounterCycle) % packetsPerCounterCycle
      const elapsed = (this.arrival - last.arrival) * packetRate
      const cycles = Math.max(0, Math.round((elapsed - 1 - missing) / packetsPerCounterCycle))
      index = last.index + 1 + missing + cycles * packetsPerCounterCycle
    }
    this.lastPacket = { index, counter, arrival: this.arrival }
    return index
  }

  private readAccelerometer(bytes: Uint8Array, offset: number): void {
    const x = auxValue(bytes, offset, 0)
    const y = auxValue(bytes, offset, 1)
    const z = auxValue(bytes, offset, 2)
    // All three axes at zero cannot be a reading (gravity alone gives 1 g): no new data.
    if (x === 0 && y === 0 && z === 0) return
    this.acceleration[0] = x * gPerCount
    this.acceleration[1] = y * gPerCount
    this.acceleration[2] = z * gPerCount
  }

  /** The output row for sample `index`; counts drops, and keeps the index where its time will go. */
  private begin(index: number): Float32Array {
    if (this.lastSample !== null && index > this.lastSample + 1) this.drops += index - this.lastSample - 1
    this.lastSample = index
    const { count, values, timestamps } = this.output
    timestamps[count] = index
    return values.subarray(count * this.channelCount, (count + 1) * this.channelCount)
  }

  private finish(sample: Float32Array): void {
    sample.set(this.acceleration, this.eegChannels)
    this.output.count += 1
    this.samples += 1
  }
}
