import path from 'node:path'
import { streamSummary, XdfFile } from '../../main/xdf/xdf-file'
import { defineCommand, exitCodes, output, UsageError } from '../command'
import { ProgressBar } from '../progress'

export const xdfInfoCommand = defineCommand({
  name: 'xdf-info',
  summary: 'Describe an XDF file: its streams, channel counts, rates, sample counts and time span (in the recording computer\'s clock). Reads headers, footers and clock offsets only, so a file of any size is described quickly.',
  positionals: 'FILE',
  options: {},
  async run({ options, positionals, io }) {
    const [file, ...extra] = positionals
    if (!file || extra.length) throw new UsageError('name exactly one XDF file')
    // The file is scanned a piece at a time (headers, footers, offsets; sample data skipped), so a recording of any size is described quickly in little memory.
    const progress = new ProgressBar(io.stderr, 'reading')
    const xdf = await XdfFile.open(file, (fraction) => progress.update(fraction, path.basename(file)))
    await xdf.close()
    progress.done(path.basename(file))
    const streams = xdf.streams.map((stream) => {
      const summary = streamSummary(stream)
      const { firstTimestamp: first, lastTimestamp: last } = summary
      return { ...summary, durationSeconds: first !== null && last !== null ? last - first : 0, clockOffsets: stream.clockOffsets.length }
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
