import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { EntrainError } from '../../shared/errors'
import { readXdf } from '../../shared/xdf/reader'
import { defineCommand, exitCodes, output, UsageError } from '../command'

export const xdfInfoCommand = defineCommand({
  name: 'xdf-info',
  summary: 'Describe an XDF file: its streams, channel counts, rates, sample counts and time span.',
  positionals: 'FILE',
  options: {},
  async run({ options, positionals, io }) {
    const [file, ...extra] = positionals
    if (!file || extra.length) throw new UsageError('name exactly one XDF file')
    const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
      throw new EntrainError(error.code === 'ENOENT' ? 'NOT_FOUND' : 'IO_ERROR', `cannot read ${file}: ${error.message}`)
    })
    const xdf = readXdf(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    const streams = xdf.streams.map((stream) => {
      const first = stream.timestamps[0] ?? null
      const last = stream.timestamps[stream.sampleCount - 1] ?? null
      return {
        id: stream.id,
        name: stream.description.name,
        type: stream.description.type,
        channelCount: stream.description.channelCount,
        channelFormat: stream.description.channelFormat,
        nominalSrate: stream.description.nominalSrate,
        effectiveSrate: stream.effectiveSrate,
        sampleCount: stream.sampleCount,
        firstTimestamp: first,
        lastTimestamp: last,
        durationSeconds: first !== null && last !== null ? last - first : 0,
        clockOffsets: stream.clockOffsets.length,
      }
    })
    const human = [
      `${path.basename(file)}: ${streams.length} stream${streams.length === 1 ? '' : 's'}`,
      ...streams.map(
        (s) =>
          `  [${s.id}] ${s.name} (${s.type}): ${s.channelCount} ch ${s.channelFormat}, nominal ${s.nominalSrate || 'irregular'} Hz, ` +
          `effective ${s.effectiveSrate.toFixed(3)} Hz, ${s.sampleCount} samples, ${s.durationSeconds.toFixed(3)} s`,
      ),
      ...xdf.problems.map((problem) => `  note: ${problem}`),
    ].join('\n')
    output(io, options.json, { file: path.resolve(file), streams, problems: xdf.problems }, human)
    return exitCodes.ok
  },
})
