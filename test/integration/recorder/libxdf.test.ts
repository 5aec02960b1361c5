import { execFileSync, spawnSync } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { localClock } from '../../../src/main/lsl/bindings'
import { Outlet } from '../../../src/main/lsl/outlet'
import { StreamService } from '../../../src/main/lsl/stream-service'
import { Recording } from '../../../src/main/recorder/recording'
import { assertBuilt, repoRoot } from '../../support/cli'
import { uniqueName, until, waitForStream } from '../../support/lsl'
import { useTempDirs } from '../../support/temp-dir'

const tempDir = useTempDirs()
const libxdfInstalled = spawnSync('sh', ['-c', 'test -f /usr/include/xdf.h && command -v g++']).status === 0
if (!libxdfInstalled) console.warn('skipping the libxdf cross-check: libxdf-dev or g++ is not installed (CI installs them)')

interface LibxdfStream {
  name: string
  channelCount: number
  channelFormat: string
  nominalSrate: number
  timestamps: number
  firstTimestamp: number
  lastTimestamp: number
  firstSample?: number[]
  lastSample?: number[]
}

describe.runIf(libxdfInstalled)('recordings load in libxdf, a reference XDF reader', () => {
  let reader: string
  let service: StreamService

  beforeAll(async () => {
    assertBuilt()
    reader = path.join(await tempDir(), 'libxdf-reader')
    execFileSync('g++', ['-std=c++17', '-O1', path.join(repoRoot, 'test', 'support', 'libxdf-reader.cpp'), '-lxdf', '-o', reader])
    service = new StreamService()
    service.start()
  })
  afterAll(() => service?.close())

  it('reads the samples, timestamps and markers Entrain recorded', async () => {
    const eegName = uniqueName('eeg')
    const markerName = uniqueName('markers')
    const eeg = new Outlet({ name: eegName, type: 'EEG', channelCount: 3, nominalSrate: 200, channelFormat: 'float32', sourceId: eegName })
    const markers = new Outlet({ name: markerName, type: 'Markers', channelCount: 1, nominalSrate: 0, channelFormat: 'string', sourceId: markerName })
    try {
      const keys = [(await waitForStream(service, eegName)).key, (await waitForStream(service, markerName)).key]
      const file = path.join(await tempDir(), 'cross.xdf')
      const recording = await Recording.start(service, { file, keys })
      const start = localClock()
      const values = Float32Array.from({ length: 400 * 3 }, (_, index) => (index % 97) - 48.5)
      eeg.push(values, Float64Array.from({ length: 400 }, (_, index) => start + index / 200))
      markers.push(['{"event":"stimulus_onset","stimulus":"s1"}', 'pause'], Float64Array.of(start + 0.5, start + 1.5))
      await until(() => `${recording.stats()?.streams.map((stream) => stream.samples)}` === '400,2', 10, 'all samples written')
      await recording.stop()

      const printed = execFileSync(reader, [file], { encoding: 'utf8' })
      const loaded = JSON.parse(printed.trim().split('\n').at(-1)!) as { streams: LibxdfStream[]; events: { text: string; time: number }[] }
      const signal = loaded.streams.find((stream) => stream.name === eegName)!
      expect(signal).toMatchObject({ channelCount: 3, channelFormat: 'float32', nominalSrate: 200, timestamps: 400 })
      // libxdf applies the recorded clock offsets (about zero on one machine).
      expect(signal.firstTimestamp).toBeCloseTo(start, 3)
      expect(signal.lastTimestamp).toBeCloseTo(start + 399 / 200, 3)
      expect(signal.firstSample).toEqual(Array.from(values.subarray(0, 3)))
      expect(signal.lastSample).toEqual(Array.from(values.subarray(399 * 3)))
      expect(loaded.events.map((event) => event.text)).toEqual(['{"event":"stimulus_onset","stimulus":"s1"}', 'pause'])
      expect(loaded.events[0]!.time).toBeCloseTo(start + 0.5, 3)
    } finally {
      eeg.close()
      markers.close()
    }
  })
})
