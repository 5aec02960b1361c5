import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { localClock } from '../../../src/main/lsl/bindings'
import { Outlet } from '../../../src/main/lsl/outlet'
import { StreamService } from '../../../src/main/lsl/stream-service'
import { assertBuilt } from '../../support/cli'
import { uniqueName, until } from '../../support/lsl'

let service: StreamService

beforeEach(() => {
  assertBuilt()
  service = new StreamService()
  service.start()
})
afterEach(() => service.close())

describe('stream service', () => {
  it('lists a new stream within 2 s with its channel labels, and drops it when it is gone', async () => {
    const name = uniqueName('eeg')
    const outlet = new Outlet({
      name,
      type: 'EEG',
      channelCount: 2,
      nominalSrate: 100,
      channelFormat: 'float32',
      sourceId: name,
      channels: [{ label: 'C3', unit: 'microvolts', type: 'EEG' }, { label: 'C4', unit: 'microvolts', type: 'EEG' }],
    })
    await until(() => service.list().some((stream) => stream.description.name === name), 2, 'the stream to be listed')
    const found = await service.waitFor((stream) => stream.description.name === name, 5)
    expect(found!.channels.map((channel) => channel.label)).toEqual(['C3', 'C4'])
    expect(found!.description).toMatchObject({ type: 'EEG', channelCount: 2, nominalSrate: 100, channelFormat: 'float32', sourceId: name })

    outlet.close()
    await until(() => service.get(found!.key)?.online === false, 8, 'the stream to go offline')
  })

  it('measures rate, samples, gaps and clock offset of a live stream', async () => {
    const name = uniqueName('eeg')
    const outlet = new Outlet({ name, type: 'EEG', channelCount: 8, nominalSrate: 500, channelFormat: 'float32', sourceId: name })
    try {
      const stream = await service.waitFor((candidate) => candidate.description.name === name, 5)
      const start = localClock()
      let pushed = 0
      const push = (count: number, skipSeconds = 0) => {
        const timestamps = Float64Array.from({ length: count }, (_, index) => start + skipSeconds + (pushed + index) / 500)
        outlet.push(new Float32Array(count * 8), timestamps)
        pushed += count
      }
      const pusher = setInterval(() => push(10), 20)
      await new Promise((resolve) => setTimeout(resolve, 2500))
      clearInterval(pusher)
      await until(() => service.get(stream!.key)!.health.samplesReceived === pushed, 5, 'all samples')
      expect(service.get(stream!.key)!.health.measuredRate).toBeCloseTo(500, 6)
      expect(service.get(stream!.key)!.health.gaps).toBe(0)

      push(10, 1) // one second missing: a gap
      await until(() => service.get(stream!.key)!.health.samplesReceived === pushed, 5, 'the samples after the gap')
      const health = service.get(stream!.key)!.health
      expect(health.gaps).toBe(1)
      expect(health.gapSeconds).toBeCloseTo(1 + 1 / 500, 3)
      expect(Math.abs(health.clockOffset!)).toBeLessThan(0.01)
    } finally {
      outlet.close()
    }
  })

  it('switches once to a newer stream under the same source id, and the replaced inlet’s end leaves the new one alone', async () => {
    const name = uniqueName('markers')
    const description = { name, type: 'Markers', channelCount: 1, nominalSrate: 0, channelFormat: 'string' as const, sourceId: name }
    const first = new Outlet(description)
    const found = await service.waitFor((stream) => stream.description.name === name, 5)
    const key = found!.key
    const events: string[] = []
    let samples = 0
    service.on('offline', (offline) => offline === key && events.push('offline'))
    service.on('resumed', (resumed) => resumed === key && events.push('resumed'))
    service.on('chunk', (chunk) => chunk.key === key && (samples += chunk.timestamps.length))

    // A source restarted under its source id while its old stream is still listed (as a session's
    // marker outlet after another session): the service stops the old inlet and opens one on the new
    // stream. Keeping the old outlet open makes that switch, and the old inlet's end, certain.
    const second = new Outlet(description)
    try {
      await until(() => service.get(key)?.description.uid === second.uid && service.get(key)!.online && service.fullXml(key) !== null, 10, 'the new stream')
      await new Promise((resolve) => setTimeout(resolve, 2000))
      expect(service.get(key)).toMatchObject({ online: true, description: { uid: second.uid } })
      expect(events).toEqual(['offline', 'resumed'])
      for (let index = 0; index < 5; index++) second.push([`marker ${index}`], Float64Array.of(localClock()))
      await until(() => samples >= 5, 5, 'the markers')
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect(samples).toBe(5)
    } finally {
      second.close()
      first.close()
    }
  })
})
