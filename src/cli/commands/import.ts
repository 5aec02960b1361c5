import path from 'node:path'
import { importOpenBciLog } from '../../main/import/openbci-log'
import { defineCommand, exitCodes, output, UsageError } from '../command'
import { ProgressBar } from '../progress'

export const importCommand = defineCommand({
  name: 'import',
  summary:
    "Recordings made with other software: `entrain import openbci LOG.txt --out FILE.xdf` converts an OpenBCI GUI text log into XDF, with `%Song <id>` comments as stimulus onset markers.",
  positionals: 'openbci LOG.txt',
  options: {
    out: { type: 'string', value: 'FILE.xdf', description: 'the XDF file to create (never overwritten)' },
    name: { type: 'string', value: 'N', description: 'EEG stream name (default OpenBCI-<log name>)' },
    labels: { type: 'string', value: 'A,B,…', description: 'EEG channel labels in column order, comma-separated (default EEG1…)' },
  },
  async run({ options, positionals, io }) {
    const [kind, log, ...extra] = positionals
    if (kind !== 'openbci' || !log || extra.length) throw new UsageError('expected `import openbci LOG.txt --out FILE.xdf`')
    if (!options.out) throw new UsageError('--out FILE.xdf is required')
    const progress = new ProgressBar(io.stderr, `importing ${path.basename(log)}`)
    const result = await importOpenBciLog(log, options.out, {
      ...(options.name ? { name: options.name } : {}),
      ...(options.labels ? { labels: options.labels.split(',').map((label) => label.trim()) } : {}),
      onProgress: (fraction) => progress.update(fraction),
    })
    progress.done(`${result.samples} samples`)
    const notes = [
      result.missingSamples ? `${result.missingSamples} samples missing (gaps in the sample numbers)` : '',
      result.truncatedLastLine ? 'the last line was cut off and left out' : '',
    ].filter(Boolean)
    output(
      io,
      options.json,
      result,
      `wrote ${result.file}: ${result.channels.length} channels at ${result.sampleRate} Hz, ${result.samples} samples (${result.seconds.toFixed(1)} s), ` +
        `${result.markers} markers (${result.stimulusMarkers} stimulus onsets)${notes.length ? `; ${notes.join('; ')}` : ''}`,
    )
    return exitCodes.ok
  },
})
