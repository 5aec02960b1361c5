import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { localClock } from '../../../src/main/lsl/bindings'
import { Outlet } from '../../../src/main/lsl/outlet'
import { StreamService } from '../../../src/main/lsl/stream-service'
import { Recording } from '../../../src/main/recorder/recording'
import { readXdf } from '../../../src/shared/xdf/reader'
import { assertBuilt } from '../../support/cli'
import { uniqueName, until, waitForStream } from '../../support/lsl'
import { useTempDirs } from '../../support/temp-dir'

const tempDir = useTempDirs()
let service: StreamService
const outlets: Outlet[] = []

beforeEach(() => {
  assertBuilt()
  service = new StreamService()
  service.start()
})

afterEach(async () => {
  for (const outlet of outlets.splice(0)) outlet.close()
  await service.close()
})

describe('recording real LSL streams to XDF', () => {
  it('returns the known samples and explicit timestamps of real outlets exactly', async () => {
    const eegName = uniqueName('eeg')
    const markerName = uniqueName('markers')
    const eeg = new Outlet({
      name: eegName,
      type: 'EEG',
      channelCount: 4,
      nominalSrate: 100,
      channelFormat: 'float32',
      sourceId: eegName,
      channels: ['Fz', 'Cz', 'Pz', 'Oz'].map((label) => ({ label, unit: 'microvolts', type: 'EEG' })),
    })
    const counts = new Outlet({ name: `${eegName}-i16`, type: 'Misc', channelCount: 2, nominalSrate: 50, channelFormat: 'int16', sourceId: `${eegName}-i16` })
    const markers = new Outlet({ name: markerName, type: 'Markers', channelCount: 1, nominalSrate: 0, channelFormat: 'string', sourceId: markerName })
    outlets.push(eeg, counts, markers)
    const keys = [
      (await waitForStream(service, eegName)).key,
      (await waitForStream(service, `${eegName}-i16`)).key,
      (await waitForStream(service, markerName)).key,
    ]
    const file = path.join(await tempDir(), 'known.xdf')
    const recording = await Recording.start(service, { file, keys })
    await new Promise((resolve) => setTimeout(resolve, 300))

    const start = localClock()
    const eegValues = Float32Array.from({ length: 500 * 4 }, (_, index) => Math.fround(Math.sin(index) * 100))
    const eegTimes = Float64Array.from({ length: 500 }, (_, index) => start + index / 100)
    for (let chunk = 0; chunk < 10; chunk++) {
      eeg.push(eegValues.subarray(chunk * 200, (chunk + 1) * 200), eegTimes.subarray(chunk * 50, (chunk + 1) * 50))
    }
    const countValues = Int16Array.from({ length: 40 * 2 }, (_, index) => index * 411 - 16000)
    const countTimes = Float64Array.from({ length: 40 }, (_, index) => start + index / 50)
    counts.push(countValues, countTimes)
    const markerTexts = ['{"event":"stimulus_onset","stimulus":"s1"}', 'pause', 'ünïcödé ✓']
    markers.push(markerTexts, Float64Array.from([start + 0.5, start + 1.25, start + 2]))

    const written = () => recording.stats()?.streams.map((stream) => stream.samples)
    await until(() => `${written()}` === '500,40,3', 10, 'all samples written').catch((error: Error) => {
      throw new Error(`${error.message}; written per stream: ${written()}`)
    })
    await recording.stop()

    const xdf = readXdf(new Uint8Array(await readFile(file)), { synchronizeClocks: false })
    expect(xdf.problems).toEqual([])
    const byName = (name: string) => xdf.streams.find((stream) => stream.description.name === name)!
    expect(byName(eegName).description.channels?.map((channel) => channel.label)).toEqual(['Fz', 'Cz', 'Pz', 'Oz'])
    expect(Array.from(byName(eegName).timestamps)).toEqual(Array.from(eegTimes))
    expect(Array.from(byName(eegName).samples as Float32Array)).toEqual(Array.from(eegValues))
    expect(Array.from(byName(`${eegName}-i16`).samples as Int16Array)).toEqual(Array.from(countValues))
    expect(Array.from(byName(`${eegName}-i16`).timestamps)).toEqual(Array.from(countTimes))
    expect((byName(markerName).samples as string[][]).map((sample) => sample[0])).toEqual(markerTexts)
    expect(Array.from(byName(markerName).timestamps)).toEqual([start + 0.5, start + 1.25, start + 2])
    expect(byName(eegName).footerXml).toContain('<sample_count>500</sample_count>')
    expect(byName(eegName).clockOffsets.length).toBeGreaterThanOrEqual(1)
  })

  it('refuses to overwrite an existing file and names it', async () => {
    const name = uniqueName('eeg')
    outlets.push(new Outlet({ name, type: 'EEG', channelCount: 1, nominalSrate: 10, channelFormat: 'float32', sourceId: name }))
    const key = (await waitForStream(service, name)).key
    const file = path.join(await tempDir(), 'taken.xdf')
    await (await Recording.start(service, { file, keys: [key] })).stop()
    await expect(Recording.start(service, { file, keys: [key] })).rejects.toThrow(`${file} already exists`)
  })

  it('says clearly when the folder cannot be written', async () => {
    const name = uniqueName('eeg')
    outlets.push(new Outlet({ name, type: 'EEG', channelCount: 1, nominalSrate: 10, channelFormat: 'float32', sourceId: name }))
    const key = (await waitForStream(service, name)).key
    await expect(Recording.start(service, { file: '/proc/entrain-cannot-write/x.xdf', keys: [key] })).rejects.toMatchObject({
      code: 'IO_ERROR',
      message: expect.stringContaining('cannot create /proc/entrain-cannot-write/x.xdf'),
    })
  })
})
