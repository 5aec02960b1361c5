import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { StreamService } from '../../../src/main/lsl/stream-service'
import { Recording } from '../../../src/main/recorder/recording'
import { readXdf } from '../../../src/shared/xdf/reader'
import { startCli } from '../../support/cli'
import { uniqueName, waitForStream } from '../../support/lsl'
import { useTempDirs } from '../../support/temp-dir'

const tempDir = useTempDirs()

describe('sustained acquisition', () => {
  it('records 64 channels at 2 kHz for 60 s through inlet and recorder without losing a sample', async () => {
    const name = uniqueName('hd')
    const producer = startCli(['simulate', '--name', name, '--channels', '64', '--rate', '2000', '--duration', '75'])
    const service = new StreamService()
    service.start()
    try {
      const key = (await waitForStream(service, name)).key
      const file = path.join(await tempDir(), 'hd.xdf')
      const recording = await Recording.start(service, { file, keys: [key] })
      await new Promise((resolve) => setTimeout(resolve, 60_000))
      const stats = await recording.stop()
      expect(service.get(key)!.health.gaps).toBe(0)

      const xdf = readXdf(new Uint8Array(await readFile(file)), { synchronizeClocks: false })
      const eeg = xdf.streams[0]!
      expect(eeg.sampleCount).toBe(stats.streams[0]!.samples)
      expect(eeg.sampleCount).toBeGreaterThan(59 * 2000)
      // The simulator's timestamps are exact multiples of 1/2000 s: a lost sample shows as a missing step.
      const expected = Math.round((eeg.timestamps[eeg.sampleCount - 1]! - eeg.timestamps[0]!) * 2000) + 1
      expect(eeg.sampleCount).toBe(expected)
    } finally {
      producer.kill('SIGTERM')
      await service.close()
    }
  }, 120_000)
})
