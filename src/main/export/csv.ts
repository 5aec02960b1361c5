import path from 'node:path'
import { exportChannels } from '../../shared/export/channels'
import { csvLine, csvNumberFormatter, csvNumericRows } from '../../shared/export/csv'
import { describeMarker } from '../../shared/export/markers'
import { prepareEmptyFolder } from '../store/empty-folder'
import type { XdfFile } from '../xdf/xdf-file'
import { exportRefusal, OutputFile, writeAll, type ExportProgress } from './output'

export interface CsvResult {
  folder: string
  files: { stream: string; file: string; rows: number }[]
}

/** File names from stream names: letters, digits, - and _; a repeated name gets its stream id. */
function fileNames(xdf: XdfFile): Map<number, string> {
  const used = new Set<string>()
  return new Map(
    xdf.streams.map((stream) => {
      let name = stream.description.name.replace(/[^A-Za-z0-9_-]+/g, '_') || `stream${stream.id}`
      if (used.has(name)) name = `${name}-${stream.id}`
      used.add(name)
      return [stream.id, `${name}.csv`]
    }),
  )
}

/** One CSV per stream in `folder` (new or empty): numeric streams `lsl_time,time,<channels>`, string streams `lsl_time,time,label,text`. */
export async function writeCsv(xdf: XdfFile, folder: string, onProgress?: ExportProgress): Promise<CsvResult> {
  await prepareEmptyFolder(folder, exportRefusal)
  const names = fileNames(xdf)
  const origin = Math.min(...xdf.streams.map((stream) => stream.firstTimestamp).filter(Number.isFinite))
  const total = xdf.streams.reduce((sum, stream) => sum + stream.sampleCount, 0)
  const files = await Promise.all(xdf.streams.map((stream) => OutputFile.create(path.join(folder, names.get(stream.id)!))))
  return writeAll(files, async () => {
    let done = 0
    const result: CsvResult['files'] = []
    for (const [index, stream] of xdf.streams.entries()) {
      const output = files[index]!
      const { description } = stream
      if (description.channelFormat === 'string') {
        await output.write(csvLine(['lsl_time', 'time', 'label', 'text']))
        for await (const block of xdf.blocks(stream.id)) {
          let text = ''
          ;(block.values as string[][]).forEach((sample, i) => {
            const raw = sample.join(' ')
            text += csvLine([block.timestamps[i]!.toFixed(6), (block.timestamps[i]! - origin).toFixed(6), describeMarker(raw), raw])
          })
          await output.write(text)
          done += block.timestamps.length
          onProgress?.(done / total, `${description.name}`)
        }
      } else {
        const format = csvNumberFormatter(description.channelFormat)
        await output.write(csvLine(['lsl_time', 'time', ...exportChannels(description).map((channel) => (channel.unit ? `${channel.label} (${channel.unit})` : channel.label))]))
        for await (const block of xdf.blocks(stream.id)) {
          await output.write(csvNumericRows(block.timestamps, block.values as ArrayLike<number | bigint>, description.channelCount, origin, format))
          done += block.timestamps.length
          onProgress?.(done / total, `${description.name}`)
        }
      }
      result.push({ stream: description.name, file: output.file, rows: stream.sampleCount })
    }
    return { folder, files: result }
  })
}
