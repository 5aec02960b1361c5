import path from 'node:path'
import { StreamService } from '../../main/lsl/stream-service'
import { Recording } from '../../main/recorder/recording'
import { EntrainError } from '../../shared/errors'
import { defineCommand, exitCodes, output, UsageError } from '../command'
import { ProgressBar } from '../progress'

export const recordCommand = defineCommand({
  name: 'record',
  summary: 'Record LSL streams into an XDF file until the duration ends or Ctrl+C / SIGTERM, then finish the file properly.',
  options: {
    stream: { type: 'string', value: 'NAME', multiple: true, description: 'name of a stream to record' },
    out: { type: 'string', value: 'FILE.xdf', description: 'the XDF file to create (never overwritten)' },
    duration: { type: 'string', value: 'S', description: 'seconds to record (default: until interrupted)' },
    wait: { type: 'string', value: 'S', description: 'seconds to wait for the streams to appear (default 10)' },
  },
  async run({ options, io }) {
    const names = options.stream ?? []
    if (names.length === 0) throw new UsageError('name at least one --stream')
    if (!options.out) throw new UsageError('--out FILE.xdf is required')
    const duration = options.duration === undefined ? null : Number(options.duration)
    if (duration !== null && !(duration > 0)) throw new UsageError(`--duration must be a positive number, not ${options.duration}`)
    const wait = options.wait === undefined ? 10 : Number(options.wait)

    const service = new StreamService({ accept: (stream) => names.includes(stream.name) })
    service.start()
    try {
      const keys: string[] = []
      for (const name of names) {
        const found = await service.waitFor((stream) => stream.description.name === name, wait)
        if (!found) throw new EntrainError('NOT_FOUND', `stream ${name} did not appear within ${wait} s (see \`entrain streams\`)`)
        keys.push(found.key)
      }
      let writeError: EntrainError | null = null
      let reportError: () => void = () => {}
      const writeFailed = new Promise<'error'>((resolve) => (reportError = () => resolve('error')))
      const recording = await Recording.start(service, {
        file: options.out,
        keys,
        onError: (error) => {
          writeError = error
          reportError()
        },
      })
      const progress = new ProgressBar(io.stderr, `recording ${path.basename(recording.file)}`)
      const started = Date.now()
      const offService = service.on('offline', (key) => {
        const lost = recording.streams.find((stream) => stream.key === key)
        if (lost) io.stderr.write(`\nstream ${lost.name} vanished; recording goes on and it continues when it returns\n`)
      })
      const ticker = setInterval(() => {
        const elapsed = (Date.now() - started) / 1000
        const samples = recording.stats()?.streams.reduce((sum, stream) => sum + stream.samples, 0) ?? 0
        const detail = `${elapsed.toFixed(0)}${duration ? `/${duration}` : ''} s, ${samples} samples`
        progress.update(duration ? elapsed / duration : 0, detail)
      }, 1000)
      const stoppedBy = await Promise.race([
        io.interrupted(),
        ...(duration === null ? [] : [new Promise<'duration'>((resolve) => setTimeout(() => resolve('duration'), duration * 1000))]),
        writeFailed,
      ])
      clearInterval(ticker)
      offService()
      const stats = await recording.stop().catch((error: Error) => {
        throw writeError ?? error
      })
      if (writeError) throw writeError
      progress.done(`${stats.bytes} bytes`)
      const summary = {
        file: recording.file,
        stoppedBy,
        bytes: stats.bytes,
        streams: recording.streams.map((stream) => ({
          name: stream.name,
          samples: stats.streams.find((s) => s.streamId === stream.streamId)?.samples ?? 0,
        })),
      }
      output(io, options.json, summary, `wrote ${summary.file} (${summary.streams.map((s) => `${s.name}: ${s.samples} samples`).join(', ')})`)
      return exitCodes.ok
    } finally {
      await service.close()
    }
  },
})
