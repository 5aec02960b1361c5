import { randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { link, open, stat, unlink } from 'node:fs/promises'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { EntrainError } from '../../shared/errors'
import { GuiLogError, GuiLogReader, type GuiLogBatch, type GuiLogLayout, type GuiLogSummary } from '../../shared/openbci/gui-log'
import type { StreamDescription } from '../../shared/xdf/types'
import { encodeFileHeader, encodeSamples, encodeStreamFooter, encodeStreamHeader, streamFooterXml, streamHeaderXml, xdfMagic } from '../../shared/xdf/writer'
import { escapeXml } from '../../shared/xdf/xml'

export interface OpenBciImportOptions {
  /** EEG stream name (default `OpenBCI-<log name>`); the markers go to `<name>-markers`. */
  name?: string
  /** EEG channel labels in column order (default EEG1…). */
  labels?: string[]
  /** Fraction of the log read, 0…1. */
  onProgress?: (fraction: number) => void
}

export interface OpenBciImportResult extends GuiLogSummary {
  file: string
  stream: string
  markerStream: string
  sampleRate: number
  channels: string[]
  seconds: number
}

const eegStreamId = 1
const markerStreamId = 2
/** Lines read between two samples chunks. */
const linesPerChunk = 2500

interface StreamTotals {
  count: number
  first: number | null
  last: number | null
}

/**
 * Converts an OpenBCI GUI text log into an XDF recording: one EEG stream (µV, accelerometer in g,
 * double precision so every logged digit survives) and one marker stream in which `%Song <id>`
 * comments are stimulus onsets as the audio engine writes them. The XDF is written beside its
 * final name and linked into place at the end, so a failed import leaves nothing behind and an
 * existing file is never replaced.
 */
export async function importOpenBciLog(logFile: string, outFile: string, options: OpenBciImportOptions = {}): Promise<OpenBciImportResult> {
  const source = path.resolve(logFile)
  const target = path.resolve(outFile)
  const size = await stat(source).then(
    (info) => info.size,
    () => {
      throw new EntrainError('NOT_FOUND', `cannot read ${source}: no such file`)
    },
  )
  if (await stat(target).then(() => true, () => false)) throw new EntrainError('INVALID_INPUT', `${target} already exists; choose another --out`)
  const name = options.name ?? `OpenBCI-${path.basename(source).replace(/\.[^.]*$/, '')}`
  const partial = `${target}.partial-${process.pid}`
  const output = await open(partial, 'wx').catch((error: NodeJS.ErrnoException) => {
    throw new EntrainError('IO_ERROR', `cannot create ${target}: ${error.code === 'EACCES' ? 'permission denied' : error.message}`)
  })
  const reader = new GuiLogReader(source)
  const eeg: StreamTotals = { count: 0, first: null, last: null }
  const markers: StreamTotals = { count: 0, first: null, last: null }
  /** Known, and the stream headers written, once the reader has seen the first row. */
  let streams: { layout: GuiLogLayout; labels: string[] } | null = null

  const writeBatch = async (batch: GuiLogBatch) => {
    if (!streams) {
      const layout = reader.layout()
      if (!layout) return
      streams = { layout, labels: channelLabels(layout, options.labels) }
      await output.write(encodeStreamHeader(eegStreamId, eegHeader(name, layout, streams.labels, source)))
      await output.write(encodeStreamHeader(markerStreamId, markerHeader(name, source)))
    }
    if (batch.timestamps.length) {
      await output.write(encodeSamples(eegStreamId, 'double64', streams.labels.length, batch.timestamps, batch.values))
      count(eeg, batch.timestamps)
    }
    if (batch.markers.length) {
      const times = Float64Array.from(batch.markers, (marker) => marker.time)
      await output.write(encodeSamples(markerStreamId, 'string', 1, times, batch.markers.map((marker) => [marker.text])))
      count(markers, times)
    }
  }

  try {
    await output.write(xdfMagic)
    await output.write(encodeFileHeader(`<recorder>Entrain (imported from an OpenBCI GUI log)</recorder><imported_from>${escapeXml(source)}</imported_from>`))
    const input = createReadStream(source, { encoding: 'utf8' })
    let lines = 0
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      reader.line(line)
      if (++lines % linesPerChunk === 0) {
        await writeBatch(reader.take())
        options.onProgress?.(size > 0 ? input.bytesRead / size : 1)
      }
    }
    const summary = reader.finish()
    await writeBatch(reader.take())
    await output.write(encodeStreamFooter(eegStreamId, footer(eeg)))
    await output.write(encodeStreamFooter(markerStreamId, footer(markers)))
    await output.sync()
    await output.close()
    await link(partial, target).catch((error: NodeJS.ErrnoException) => {
      throw new EntrainError(error.code === 'EEXIST' ? 'INVALID_INPUT' : 'IO_ERROR', error.code === 'EEXIST' ? `${target} already exists; choose another --out` : `cannot create ${target}: ${error.message}`)
    })
    await unlink(partial)
    options.onProgress?.(1)
    // The reader has seen rows (finish() refuses a log without), so the layout is known.
    const layout = reader.layout()!
    const labels = channelLabels(layout, options.labels)
    return {
      ...summary,
      file: target,
      stream: name,
      markerStream: `${name}-markers`,
      sampleRate: layout.sampleRate,
      channels: labels,
      seconds: eeg.last === null ? 0 : eeg.last + 1 / layout.sampleRate,
    }
  } catch (error) {
    await output.close().catch(() => {})
    await unlink(partial).catch(() => {})
    if (error instanceof GuiLogError) throw new EntrainError('INVALID_INPUT', error.message, { file: error.source, line: error.line })
    throw error
  }
}

function channelLabels(layout: GuiLogLayout, labels: string[] | undefined): string[] {
  if (!labels) return layout.channelLabels
  const eegCount = layout.channelTypes.filter((type) => type === 'EEG').length
  if (labels.length !== eegCount) throw new EntrainError('INVALID_INPUT', `--labels: the log has ${eegCount} EEG channels, ${labels.length} labels were given`)
  return [...labels, ...layout.channelLabels.slice(eegCount)]
}

function eegHeader(name: string, layout: GuiLogLayout, labels: string[], source: string): string {
  const description: StreamDescription = {
    name,
    type: 'EEG',
    channelCount: labels.length,
    nominalSrate: layout.sampleRate,
    channelFormat: 'double64',
    sourceId: `openbci-log:${path.basename(source)}`,
    hostname: '',
    uid: randomUUID(),
    channels: labels.map((label, index) =>
      layout.channelTypes[index] === 'EEG' ? { label, unit: 'microvolts', type: 'EEG' } : { label, unit: 'g', type: 'ACC' },
    ),
  }
  const header = layout.header.map((line) => `<line>${escapeXml(line)}</line>`).join('')
  return streamHeaderXml(description, `<manufacturer>OpenBCI</manufacturer><imported_from>${escapeXml(source)}</imported_from><openbci_gui_header>${header}</openbci_gui_header>`)
}

function markerHeader(name: string, source: string): string {
  const description: StreamDescription = {
    name: `${name}-markers`,
    type: 'Markers',
    channelCount: 1,
    nominalSrate: 0,
    channelFormat: 'string',
    sourceId: `openbci-log:${path.basename(source)}:markers`,
    hostname: '',
    uid: randomUUID(),
  }
  return streamHeaderXml(description, `<imported_from>${escapeXml(source)}</imported_from>`)
}

function count(totals: StreamTotals, timestamps: Float64Array): void {
  totals.count += timestamps.length
  totals.first ??= timestamps[0]!
  totals.last = timestamps[timestamps.length - 1]!
}

function footer(totals: StreamTotals): string {
  return streamFooterXml({ firstTimestamp: totals.first ?? 0, lastTimestamp: totals.last ?? 0, sampleCount: totals.count, clockOffsets: [] })
}
