import path from 'node:path'
import { appVersion } from '../app-info'
import { gapLabel, GapFinder } from '../../shared/export/markers'
import { brainVisionHeader, brainVisionMarkers, encodeBrainVisionSamples, int16Resolutions, type BrainVisionFormat } from '../../shared/export/brainvision'
import { assertAbsent, OutputFile, writeAll, type ExportProgress } from './output'
import { measureRanges, numbers, type RecordingToExport } from './recording'

export interface BrainVisionResult {
  files: { header: string; markers: string; data: string }
  format: BrainVisionFormat
  channels: number
  samples: number
  markers: number
  markersOutside: number
  /** Pauses in the stream, each marked by a New Segment where the samples resume. */
  gaps: number
  /** Unit per digital step for each channel (1 for float32). */
  resolutions: number[]
}

/**
 * Writes `<base>.vhdr`, `.vmrk` and `.eeg`. int16 takes two passes over the data (the first finds
 * each channel's range for its resolution); float32 one.
 */
export async function writeBrainVision(recording: RecordingToExport, base: string, format: BrainVisionFormat, onProgress?: ExportProgress): Promise<BrainVisionResult> {
  const { xdf, stream, channels } = recording
  const names = { header: `${base}.vhdr`, markers: `${base}.vmrk`, data: `${base}.eeg` }
  for (const file of Object.values(names)) await assertAbsent(file)
  const passes = format === 'int16' ? 2 : 1
  let resolutions: Float64Array = new Float64Array(channels.length).fill(1)
  if (format === 'int16') {
    const { ranges } = await measureRanges(recording, (fraction, detail) => onProgress?.(fraction / passes, detail))
    resolutions = int16Resolutions(ranges.min, ranges.max)
  }
  const files = [await OutputFile.create(names.data), await OutputFile.create(names.markers), await OutputFile.create(names.header)]
  const [data, markers, header] = files as [OutputFile, OutputFile, OutputFile]
  const gaps = new GapFinder(recording.rate)
  return writeAll(files, async () => {
    for await (const block of xdf.blocks(stream.id)) {
      gaps.add(block.first, block.timestamps)
      await data.write(encodeBrainVisionSamples(numbers(block.values), format, resolutions))
      onProgress?.((passes - 1 + (block.first + block.timestamps.length) / stream.sampleCount) / passes, 'writing samples')
    }
    await markers.write(
      brainVisionMarkers(
        path.basename(names.data),
        [
          ...recording.markers.map((marker) => ({ type: marker.stream, description: marker.label, sample: marker.sample })),
          ...gaps.gaps.map((gap) => ({ type: 'New Segment', description: gapLabel(gap), sample: gap.sample })),
        ].sort((a, b) => a.sample - b.sample),
        recording.start,
      ),
    )
    await header.write(
      brainVisionHeader({
        dataFile: path.basename(names.data),
        markerFile: path.basename(names.markers),
        channels,
        samplingRate: recording.rate,
        format,
        resolutions,
        software: `Entrain ${appVersion} from ${path.basename(xdf.file)}, stream ${stream.description.name}`,
      }),
    )
    return {
      files: names,
      format,
      channels: channels.length,
      samples: stream.sampleCount,
      markers: recording.markers.length,
      markersOutside: recording.markersOutside,
      gaps: gaps.gaps.length,
      resolutions: [...resolutions],
    }
  })
}
