import path from 'node:path'
import { exportBids } from '../../main/export/bids'
import { writeBrainVision } from '../../main/export/brainvision'
import { writeCsv } from '../../main/export/csv'
import { writeEdf } from '../../main/export/edf'
import { prepareRecording } from '../../main/export/recording'
import { XdfFile } from '../../main/xdf/xdf-file'
import { defineCommand, exitCodes, output, UsageError } from '../command'
import { ProgressBar } from '../progress'

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`

export const exportCommand = defineCommand({
  name: 'export',
  summary:
    'Hand recordings on in the formats your field reads. `entrain export bids --study DIR --out BIDS_DIR` writes an EEG-BIDS dataset of every session of a study (BrainVision data, sidecars, events with stim_file, stimuli/, the original XDF under sourcedata/); `entrain export edf FILE.xdf --out FILE.edf` writes EDF+ with the markers as annotations; `entrain export brainvision FILE.xdf --out BASE` writes BASE.vhdr/.vmrk/.eeg; `entrain export csv FILE.xdf --out DIR` writes one CSV per stream. Recordings are read a piece at a time, so any length works; nothing existing is overwritten.',
  positionals: 'bids|edf|brainvision|csv [FILE.xdf]',
  options: {
    out: { type: 'string', value: 'PATH', description: 'where to write: a new or empty folder (bids, csv), a new file (edf), a file name without extension (brainvision)' },
    study: { type: 'string', value: 'DIR', description: 'the study folder whose sessions/ to export (bids)' },
    stream: { type: 'string', value: 'NAME', description: 'the signal stream to export (edf, brainvision; default: the first EEG stream)' },
    format: { type: 'string', value: 'float32|int16', description: 'BrainVision sample format (brainvision; default float32)' },
    'line-frequency': { type: 'string', value: '50|60', description: 'mains frequency where the data were recorded, for the BIDS sidecars (bids; default n/a)' },
    patient: { type: 'string', value: 'CODE', description: 'patient code in the EDF+ header (edf; default X, i.e. unknown)' },
  },
  async run({ options, positionals, io }) {
    const [kind, file, ...extra] = positionals
    if (!options.out) throw new UsageError('--out is required')
    const out = path.resolve(options.out)
    const progress = new ProgressBar(io.stderr, `export ${kind ?? ''}`)
    const report = (fraction: number, detail: string) => progress.update(fraction, detail)

    if (kind === 'bids') {
      if (file || extra.length) throw new UsageError('export bids takes no file: name the study with --study DIR')
      if (!options.study) throw new UsageError('--study DIR is required')
      const lineFrequency = options['line-frequency'] === undefined ? 'n/a' : Number(options['line-frequency'])
      if (lineFrequency !== 'n/a' && lineFrequency !== 50 && lineFrequency !== 60) throw new UsageError(`--line-frequency must be 50 or 60, not ${options['line-frequency']}`)
      const result = await exportBids(path.resolve(options.study), out, { lineFrequency, onProgress: report })
      progress.done(`${result.runs.length} runs`)
      const skipped = result.skipped.map((entry) => `\n  skipped ${entry.folder}: ${entry.reason}`).join('')
      output(io, options.json, result, `wrote ${out}: ${result.participants.length} participant(s), ${result.runs.length} run(s), ${result.stimuli.length} stimuli, task-${result.task}${skipped}`)
      return exitCodes.ok
    }
    if (kind !== 'edf' && kind !== 'csv' && kind !== 'brainvision') throw new UsageError('expected `export bids`, `export edf FILE.xdf`, `export brainvision FILE.xdf` or `export csv FILE.xdf`')
    if (!file || extra.length) throw new UsageError(`name exactly one XDF file: entrain export ${kind} FILE.xdf --out …`)
    const format = options.format ?? 'float32'
    if (format !== 'float32' && format !== 'int16') throw new UsageError(`--format must be float32 or int16, not ${format}`)

    const xdf = await XdfFile.open(path.resolve(file), (fraction) => progress.update(fraction * 0.05, 'reading the file index'))
    try {
      const later = (fraction: number, detail: string) => report(0.05 + 0.95 * fraction, detail)
      if (kind === 'csv') {
        const result = await writeCsv(xdf, out, later)
        progress.done(megabytes(xdf.size))
        output(io, options.json, { ...result, problems: xdf.problems }, `wrote ${result.files.length} CSV file(s) to ${out}:\n${result.files.map((entry) => `  ${path.basename(entry.file)}: ${entry.rows} rows`).join('\n')}`)
        return exitCodes.ok
      }
      const recording = await prepareRecording(xdf, options.stream)
      const outside = recording.markersOutside ? ` (${recording.markersOutside} marker(s) outside the signal left out)` : ''
      if (kind === 'edf') {
        const result = await writeEdf(recording, out, options.patient ?? 'X', later)
        progress.done(megabytes(xdf.size))
        output(
          io,
          options.json,
          { ...result, problems: xdf.problems },
          `wrote ${out}: ${result.channels} channels × ${result.samples} samples of ${recording.stream.description.name} in ${result.records} records of ${result.recordSeconds} s, ${result.annotations} annotations${outside}`,
        )
        return exitCodes.ok
      }
      const base = out.replace(/\.(vhdr|vmrk|eeg)$/i, '')
      const result = await writeBrainVision(recording, base, format, later)
      progress.done(megabytes(xdf.size))
      output(io, options.json, { ...result, problems: xdf.problems }, `wrote ${result.files.header} (+ .vmrk, .eeg): ${result.channels} channels × ${result.samples} samples of ${recording.stream.description.name}, ${format}, ${result.markers} markers${outside}`)
      return exitCodes.ok
    } finally {
      await xdf.close()
    }
  },
})
