import { appVersion } from '../app-info'
import { gapLabel } from '../../shared/export/markers'
import { edfAnnotationRecords, edfHeader, edfLayout, edfSignal, encodeEdfRecord, type EdfSignal } from '../../shared/export/edf'
import { OutputFile, writeAll, type ExportProgress } from './output'
import { measureRanges, numbers, type RecordingToExport } from './recording'

export interface EdfResult {
  file: string
  channels: number
  samples: number
  records: number
  recordSeconds: number
  /** Zeros after the last sample that fill the last record. */
  paddedSamples: number
  annotations: number
  markersOutside: number
  /** Pauses in the stream, each an annotation where the samples resume (EDF+C has no gaps). */
  gaps: number
  signals: EdfSignal[]
}

/** Writes EDF+C: one pass for each channel's range, one to write the records. */
export async function writeEdf(recording: RecordingToExport, file: string, patient: string, onProgress?: ExportProgress): Promise<EdfResult> {
  const { xdf, stream, channels } = recording
  const { ranges, gaps } = await measureRanges(recording, (fraction, detail) => onProgress?.(fraction / 2, detail))
  const signals = channels.map((channel, c) => edfSignal(channel, ranges.min[c]!, ranges.max[c]!))
  const annotations = [
    ...recording.markers.map((marker) => ({ onset: marker.onset, text: marker.label })),
    ...gaps.map((gap) => ({ onset: gap.sample / recording.rate, text: gapLabel(gap) })),
  ].sort((a, b) => a.onset - b.onset)
  const layout = edfLayout(recording.rate, stream.sampleCount, annotations)
  const annotationOf = edfAnnotationRecords(layout, annotations)
  const output = await OutputFile.create(file)
  return writeAll([output], async () => {
    await output.write(edfHeader({ patient, recording: `Entrain_${appVersion}`, start: recording.start, signals, layout }))
    const channelCount = channels.length
    const record = new Float64Array(layout.samplesPerRecord * channelCount)
    let filled = 0
    let records = 0
    for await (const block of xdf.blocks(stream.id)) {
      const values = numbers(block.values)
      const count = block.timestamps.length
      for (let i = 0; i < count; ) {
        const take = Math.min(count - i, layout.samplesPerRecord - filled)
        record.set(subarray(values, i * channelCount, (i + take) * channelCount), filled * channelCount)
        filled += take
        i += take
        if (filled === layout.samplesPerRecord) {
          await output.write(encodeEdfRecord(record, filled, signals, layout, annotationOf(records++)))
          filled = 0
        }
      }
      onProgress?.(0.5 + (block.first + count) / stream.sampleCount / 2, 'writing records')
    }
    const paddedSamples = filled > 0 ? layout.samplesPerRecord - filled : 0
    if (filled > 0) await output.write(encodeEdfRecord(record, filled, signals, layout, annotationOf(records++)))
    return {
      file,
      channels: channelCount,
      samples: stream.sampleCount,
      records,
      recordSeconds: layout.recordSeconds,
      paddedSamples,
      annotations: annotations.length,
      markersOutside: recording.markersOutside,
      gaps: gaps.length,
      signals,
    }
  })
}

function subarray(values: ArrayLike<number>, from: number, to: number): ArrayLike<number> {
  return ArrayBuffer.isView(values) ? (values as Float32Array).subarray(from, to) : Array.prototype.slice.call(values, from, to)
}
