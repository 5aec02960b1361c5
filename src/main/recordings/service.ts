/**
 * The Recordings view's side in main: opens XDF files (kept open, a few at a time, each read a
 * piece at a time), answers for windows, epochs and spectra with only the samples they need, and
 * runs exports with progress.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import type { EpochAverages, ExportSummary, RecordingOverview, RecordingSessionInfo, RecordingSpectra, SignalWindow } from '../../shared/contract'
import { ColumnEnvelope } from '../../shared/dsp/decimate'
import { EpochAverage } from '../../shared/dsp/epochs'
import { welchPsd } from '../../shared/dsp/welch'
import { EntrainError } from '../../shared/errors'
import { exportChannels } from '../../shared/export/channels'
import { parseTsv, ratingsFromEvents } from '../../shared/session/events'
import { checkStudy } from '../../shared/study/check'
import { scaleSpec } from '../../shared/study/scales'
import type { EventHub } from '../events'
import { exportBids } from '../export/bids'
import { writeBrainVision } from '../export/brainvision'
import { writeCsv } from '../export/csv'
import { writeEdf } from '../export/edf'
import type { ExportProgress } from '../export/output'
import { numbers, prepareRecording, readMarkers } from '../export/recording'
import { readSessionRecord, sessionFiles } from '../session/files'
import { studyFileName } from '../store/study-folder'
import { readStudyFile } from '../study/load'
import { streamSummary, XdfFile, type XdfFileStream } from '../xdf/xdf-file'

/** Columns of a window with at most this many samples each are computed from every sample. */
const exactSamplesPerColumn = 64
const maxSpectrumSeconds = 120
const keptOpen = 3

interface OpenFile {
  key: string
  xdf: Promise<XdfFile>
}

export class RecordingsService {
  private readonly files: OpenFile[] = []

  constructor(private readonly events: EventHub) {}

  /** The file, opened once while its size and modification time stay the same. */
  private async file(file: string): Promise<XdfFile> {
    const resolved = path.resolve(file)
    const stats = await fs.stat(resolved).catch((error: NodeJS.ErrnoException) => {
      throw new EntrainError(error.code === 'ENOENT' ? 'NOT_FOUND' : 'IO_ERROR', `cannot read ${resolved}: ${error.message}`)
    })
    if (!stats.isFile()) throw new EntrainError('INVALID_INPUT', `${resolved} is not a file`)
    const key = `${resolved}|${stats.size}|${stats.mtimeMs}`
    const index = this.files.findIndex((entry) => entry.key === key)
    if (index !== -1) {
      const [entry] = this.files.splice(index, 1)
      this.files.unshift(entry!)
      return entry!.xdf
    }
    const entry = { key, xdf: XdfFile.open(resolved) }
    this.files.unshift(entry)
    entry.xdf.catch(() => {
      const at = this.files.indexOf(entry)
      if (at !== -1) this.files.splice(at, 1)
    })
    for (const old of this.files.splice(keptOpen)) void old.xdf.then((xdf) => xdf.close()).catch(() => {})
    return entry.xdf
  }

  private numericStream(xdf: XdfFile, id: number): XdfFileStream {
    const stream = xdf.stream(id)
    if (stream.description.channelFormat === 'string') throw new EntrainError('INVALID_INPUT', `stream ${id} (${stream.description.name}) holds markers, not signals`)
    if (stream.sampleCount === 0) throw new EntrainError('INVALID_INPUT', `stream ${id} (${stream.description.name}) has no samples`)
    return stream
  }

  async open(file: string): Promise<RecordingOverview> {
    const xdf = await this.file(file)
    const streams = xdf.streams.map((stream) => ({ ...streamSummary(stream), channels: exportChannels(stream.description).map(({ label, unit }) => ({ label, unit })) }))
    const firsts = streams.flatMap((stream) => (stream.firstTimestamp === null ? [] : [stream.firstTimestamp]))
    const lasts = streams.flatMap((stream) => (stream.lastTimestamp === null ? [] : [stream.lastTimestamp]))
    return {
      file: xdf.file,
      bytes: xdf.size,
      streams,
      markers: await readMarkers(xdf),
      start: firsts.length ? Math.min(...firsts) : 0,
      end: lasts.length ? Math.max(...lasts) : 0,
      problems: xdf.problems,
      session: await sessionInfo(xdf.file),
    }
  }

  async window(input: { path: string; stream: number; start: number; end: number; columns: number }): Promise<SignalWindow> {
    const xdf = await this.file(input.path)
    const stream = this.numericStream(xdf, input.stream)
    const { start, end, columns } = input
    const channels = stream.description.channelCount
    const min = new Float32Array(channels * columns).fill(NaN)
    const max = new Float32Array(channels * columns).fill(NaN)
    // Only the columns over which the stream has samples are filled.
    const dataStart = Math.max(start, stream.firstTimestamp)
    const dataEnd = Math.min(end, stream.lastTimestamp)
    const result: SignalWindow = { stream: stream.id, start, end, columns, min, max, exact: true }
    if (!(dataEnd > dataStart)) return result
    const firstColumn = Math.max(0, Math.floor(((dataStart - start) / (end - start)) * columns))
    const lastColumn = Math.min(columns, Math.ceil(((dataEnd - start) / (end - start)) * columns))
    const from = xdf.sampleNear(stream.id, dataStart)
    const to = Math.max(from + 1, Math.min(stream.sampleCount, xdf.sampleNear(stream.id, dataEnd) + 1))
    const width = Math.max(1, lastColumn - firstColumn)
    const envelope = new ColumnEnvelope(channels, width, to - from)
    if (to - from <= width * exactSamplesPerColumn) {
      for await (const block of xdf.blocks(stream.id, from, to)) envelope.add(block.first - from, numbers(block.values))
    } else {
      result.exact = false
      for (let column = 0; column < width; column++) {
        const at = from + Math.floor((column * (to - from)) / width)
        const { values } = await xdf.readRange(stream.id, at, at + exactSamplesPerColumn)
        envelope.add(at - from, numbers(values))
      }
    }
    const filled = envelope.finish()
    for (let c = 0; c < channels; c++) {
      min.set(filled.min.subarray(c * width, (c + 1) * width), c * columns + firstColumn)
      max.set(filled.max.subarray(c * width, (c + 1) * width), c * columns + firstColumn)
    }
    return result
  }

  async epochs(input: { path: string; stream: number; markers: { time: number; condition: string }[]; before: number; after: number }): Promise<EpochAverages> {
    const xdf = await this.file(input.path)
    const stream = this.numericStream(xdf, input.stream)
    const rate = stream.effectiveSrate > 0 ? stream.effectiveSrate : stream.description.nominalSrate
    if (!(rate > 0)) throw new EntrainError('INVALID_INPUT', `stream ${stream.description.name} has no sampling rate`)
    const baselineSamples = Math.round(input.before * rate)
    const length = baselineSamples + Math.round(input.after * rate) + 1
    const channels = stream.description.channelCount
    if (length * channels > 4_000_000) throw new EntrainError('INVALID_INPUT', `epochs of ${length} samples × ${channels} channels are too long to average here; shorten before/after`)
    const averages = new Map<string, EpochAverage>()
    let skipped = 0
    for (const marker of input.markers) {
      const nearest = await xdf.nearestSample(stream.id, marker.time)
      const from = nearest === null ? -1 : nearest.index - baselineSamples
      if (from < 0 || from + length > stream.sampleCount) {
        skipped++
        continue
      }
      const { values } = await xdf.readRange(stream.id, from, from + length)
      let average = averages.get(marker.condition)
      if (!average) averages.set(marker.condition, (average = new EpochAverage(channels, length, baselineSamples)))
      average.add(numbers(values))
    }
    return {
      stream: stream.id,
      channels: exportChannels(stream.description).map((channel) => channel.label),
      times: Float64Array.from({ length }, (_, i) => (i - baselineSamples) / rate),
      conditions: [...averages].map(([name, average]) => ({ name, count: average.count, mean: average.mean() })),
      skipped,
    }
  }

  async spectra(input: { path: string; stream: number; start: number; end: number }): Promise<RecordingSpectra> {
    const xdf = await this.file(input.path)
    const stream = this.numericStream(xdf, input.stream)
    const rate = stream.description.nominalSrate || stream.effectiveSrate
    const from = xdf.sampleNear(stream.id, Math.max(input.start, stream.firstTimestamp))
    const to = Math.min(xdf.sampleNear(stream.id, Math.min(input.end, stream.lastTimestamp)) + 1, from + Math.round(maxSpectrumSeconds * rate), stream.sampleCount)
    if (to - from < 16) throw new EntrainError('INVALID_INPUT', `too few samples of ${stream.description.name} between the chosen times for a spectrum`)
    const { timestamps, values } = await xdf.readRange(stream.id, from, to)
    const samples = numbers(values)
    const channels = stream.description.channelCount
    const column = new Float64Array(to - from)
    let frequencies: Float64Array = new Float64Array(0)
    let power = new Float64Array(0)
    for (let c = 0; c < channels; c++) {
      for (let i = 0; i < column.length; i++) column[i] = samples[i * channels + c]!
      const spectrum = welchPsd(column, rate)
      if (c === 0) {
        frequencies = spectrum.frequencies
        power = new Float64Array(channels * frequencies.length)
      }
      power.set(spectrum.power, c * frequencies.length)
    }
    return {
      stream: stream.id,
      channels: exportChannels(stream.description).map((channel) => channel.label),
      frequencies,
      power,
      start: timestamps[0]!,
      end: timestamps[timestamps.length - 1]!,
    }
  }

  /** A progress callback that sends at most ten events a second. */
  private progress(id: string): ExportProgress {
    let last = 0
    return (fraction, detail) => {
      const now = Date.now()
      if (now - last < 100 && fraction < 1) return
      last = now
      this.events.emit('recordings.exportProgress', { id, fraction, detail })
    }
  }

  async exportRecording(input: { id: string; path: string; kind: 'edf' | 'brainvision' | 'csv'; out: string; stream?: number; format: 'float32' | 'int16' }): Promise<ExportSummary> {
    const xdf = await this.file(input.path)
    const report = this.progress(input.id)
    const out = path.resolve(input.out)
    if (input.kind === 'csv') {
      const result = await writeCsv(xdf, out, report)
      report(1, 'done')
      return { kind: 'csv', written: result.files.map((entry) => entry.file), detail: `${result.files.length} CSV files` }
    }
    const name = input.stream === undefined ? undefined : xdf.stream(input.stream).description.name
    const recording = await prepareRecording(xdf, name)
    if (input.kind === 'edf') {
      const result = await writeEdf(recording, out, 'X', report)
      report(1, 'done')
      return { kind: 'edf', written: [result.file], detail: `${result.channels} channels, ${result.records} records of ${result.recordSeconds} s, ${result.annotations} annotations` }
    }
    const result = await writeBrainVision(recording, out.replace(/\.(vhdr|vmrk|eeg)$/i, ''), input.format, report)
    report(1, 'done')
    return { kind: 'brainvision', written: Object.values(result.files), detail: `${result.channels} channels, ${result.format}, ${result.markers} markers` }
  }

  async exportBids(input: { id: string; study: string; out: string; lineFrequency?: 50 | 60 }): Promise<ExportSummary> {
    const report = this.progress(input.id)
    const result = await exportBids(path.resolve(input.study), path.resolve(input.out), { lineFrequency: input.lineFrequency ?? 'n/a', onProgress: report })
    report(1, 'done')
    return { kind: 'bids', written: [result.folder], detail: `${result.participants.length} participant(s), ${result.runs.length} run(s), task-${result.task}` }
  }

  async close(): Promise<void> {
    for (const entry of this.files.splice(0)) await entry.xdf.then((xdf) => xdf.close()).catch(() => {})
  }
}

/** The session a recording belongs to (a session.json beside it that lists it as a part), or null. */
async function sessionInfo(file: string): Promise<RecordingSessionInfo | null> {
  const folder = path.dirname(file)
  const record = await readSessionRecord(folder).catch(() => null)
  if (!record) return null
  const part = record.parts.find((candidate) => candidate.file === path.basename(file))
  const eventsText = await fs.readFile(path.join(folder, sessionFiles.events), 'utf8').catch(() => '')
  const studyFolder = path.dirname(record.study.file)
  const study = await readStudyFile(path.join(studyFolder, studyFileName))
    .then(({ value }) => checkStudy(value))
    .catch(() => null)
  const valid = study?.ok ? study.study : null
  return {
    folder,
    participant: record.participant,
    session: record.session,
    part: part?.part ?? null,
    studyFolder: valid ? studyFolder : null,
    scales: valid ? valid.trial.phases.flatMap((phase) => (phase.kind === 'rating' ? phase.scales.map((scale) => scaleSpec(scale).id) : [])) : [],
    ratings: ratingsFromEvents(parseTsv(eventsText)),
    tags: valid ? Object.fromEntries(valid.stimuli.map((stimulus) => [stimulus.id, stimulus.tags ?? []])) : {},
  }
}
