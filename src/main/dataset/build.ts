import { promises as fs } from 'node:fs'
import path from 'node:path'
import { prepareStimulus } from '../../shared/audio/prepare'
import { chainProblem, filterPart, processEpoch, scaleEpoch, type EegChain } from '../../shared/dataset/eeg-chain'
import { datasetFormat, datasetVersion, shardName, type DatasetItem, type DatasetManifest } from '../../shared/dataset/manifest'
import { assignFolds, windowOffsets, windowProblem, type WindowSpec } from '../../shared/dataset/windows'
import { EntrainError } from '../../shared/errors'
import { sessionFolderName, type SessionRecord } from '../../shared/session/record'
import { studySchema, type Study } from '../../shared/study/schema'
import { findSegments } from '../../shared/xdf/clock'
import { readXdf, type XdfStream } from '../../shared/xdf/reader'
import { appVersion } from '../app-info'
import { decodeAudioFile } from '../audio/decode'
import { fileSha256, readSessionRecord } from '../session/files'
import { assertEmptyFolder } from '../store/empty-folder'
import { writeJsonAtomic } from '../store/json-file'

export interface DatasetOptions {
  /** Session folders (sub-P/ses-S, each with session.json). */
  sessions: string[]
  /** A new folder (or an empty one): datasets are never written over. */
  out: string
  chain: EegChain
  windows: WindowSpec
  audioRate: number
  audioScaling: 'minmax' | 'none'
  /** The EEG stream's name (default: each part's first stream of type EEG). */
  eegStream?: string
  folds: number
  seed: number
  /** Windows per shard file. */
  shardWindows: number
  onProgress?: (done: number, total: number, detail: string) => void
}

export const datasetDefaults = { audioRate: 22_050, audioScaling: 'minmax', folds: 5, seed: 1, shardWindows: 512 } as const

/** A stretch of EEG without gaps, filtered, at the chain's rate. */
interface EegSegment {
  start: number
  rate: number
  channels: Float32Array[]
}

/** The study a session ran: from session.json's path, else the study folder three levels up. */
async function studyOf(folder: string, record: SessionRecord): Promise<{ study: Study; folder: string }> {
  for (const file of [record.study.file, path.resolve(folder, '../../../study.json')]) {
    const text = await fs.readFile(file, 'utf8').catch(() => null)
    if (text === null) continue
    const parsed = studySchema.safeParse(JSON.parse(text))
    if (parsed.success) return { study: parsed.data, folder: path.dirname(file) }
  }
  throw new EntrainError('NOT_FOUND', `${folder}: the study it ran (${record.study.file}) cannot be read`)
}

function eegStreamOf(streams: XdfStream[], name: string | undefined, file: string): XdfStream {
  const stream = streams.find((candidate) => (name ? candidate.description.name === name : candidate.description.type === 'EEG') && candidate.description.channelFormat !== 'string')
  if (!stream) throw new EntrainError('NOT_FOUND', `${file} has no ${name ? `stream named ${name}` : 'EEG stream'}`)
  if (!(stream.description.nominalSrate > 0)) throw new EntrainError('INVALID_INPUT', `${file}: ${stream.description.name} has no regular sampling rate`)
  return stream
}

/** The part's EEG in gap-free segments, each filtered on its own (no filter runs across a gap). */
function eegSegments(stream: XdfStream, chain: EegChain): EegSegment[] {
  const rate = stream.description.nominalSrate
  const channelCount = stream.description.channelCount
  const values = stream.samples as Exclude<XdfStream['samples'], string[][] | BigInt64Array>
  const segments: EegSegment[] = []
  for (const { first, last } of findSegments(stream.timestamps, rate, 0.1, 5)) {
    const length = last - first + 1
    // Shorter stretches cannot carry a window, and the filters need room to settle.
    if (length < rate * 2) continue
    const channels = Array.from({ length: channelCount }, (_, channel) => {
      const out = new Float32Array(length)
      for (let index = 0; index < length; index++) out[index] = Number(values[(first + index) * channelCount + channel])
      return out
    })
    const filtered = filterPart(channels, rate, chain)
    segments.push({ start: stream.timestamps[first]!, rate: filtered.rate, channels: filtered.channels })
  }
  return segments
}

/** Mono audio of the stimulus as it was played (excerpt and all) at `rate`, scaled as asked. */
async function stimulusAudio(study: Study, studyFolder: string, id: string, rate: number, scaling: DatasetOptions['audioScaling']): Promise<Float32Array> {
  const stimulus = study.stimuli.find((candidate) => candidate.id === id)
  if (!stimulus) throw new EntrainError('NOT_FOUND', `the study has no stimulus ${id}`)
  const prepared = prepareStimulus(await decodeAudioFile(path.resolve(studyFolder, stimulus.file)), {
    targetRate: rate,
    targetChannels: 1,
    ...(stimulus.excerpt ? { excerpt: stimulus.excerpt, fadeIn: 0.01, fadeOut: 0.01 } : {}),
  })
  const mono = prepared.audio.channels[0]!
  if (scaling === 'minmax') scaleEpoch([mono], 'minmax')
  return mono
}

/** Collects windows and writes them out a shard at a time, so memory stays bounded. */
class ShardWriter {
  readonly shards: DatasetManifest['shards'] = []
  private audio: Float32Array[] = []
  private eeg: Float32Array[] = []

  constructor(
    private readonly folder: string,
    private readonly perShard: number,
  ) {}

  async add(audio: Float32Array, eeg: Float32Array): Promise<void> {
    this.audio.push(audio)
    this.eeg.push(eeg)
    if (this.audio.length >= this.perShard) await this.flush()
  }

  async flush(): Promise<void> {
    if (this.audio.length === 0) return
    const index = this.shards.length
    const write = async (name: string, parts: Float32Array[]) => {
      const handle = await fs.open(path.join(this.folder, name), 'wx')
      try {
        for (const part of parts) await handle.write(new Uint8Array(part.buffer, part.byteOffset, part.byteLength))
        await handle.sync()
      } finally {
        await handle.close()
      }
    }
    await write(shardName('audio', index), this.audio)
    await write(shardName('eeg', index), this.eeg)
    this.shards.push({ audio: shardName('audio', index), eeg: shardName('eeg', index), windows: this.audio.length })
    this.audio = []
    this.eeg = []
  }
}

/**
 * Sessions → paired audio/EEG windows. One recording part is in memory at a time; windows go to
 * disk a shard at a time; the manifest is written last, so a folder without one is unfinished.
 */
export async function buildDataset(options: DatasetOptions): Promise<DatasetManifest> {
  const problem = windowProblem(options.windows)
  if (problem) throw new EntrainError('INVALID_INPUT', problem)
  if (options.sessions.length === 0) throw new EntrainError('INVALID_INPUT', 'name at least one session')
  const out = path.resolve(options.out)
  await assertEmptyFolder(out, 'datasets are never written over')
  const records = await Promise.all(
    options.sessions.map(async (folder) => {
      const record = await readSessionRecord(folder)
      if (!record) throw new EntrainError('NOT_FOUND', `${folder} holds no session.json`)
      return { folder: path.resolve(folder), record, sha256: await fileSha256(path.join(folder, 'session.json')) }
    }),
  )
  await fs.mkdir(out, { recursive: true })

  const writer = new ShardWriter(out, options.shardWindows)
  const items: DatasetItem[] = []
  const skipped: DatasetManifest['skipped'] = []
  const sources: DatasetManifest['sources'] = []
  let eegInfo: DatasetManifest['eeg'] | null = null
  const audioSamples = Math.round(options.windows.windowSeconds * options.audioRate)
  const totalTrials = records.reduce((sum, { record }) => sum + record.trials.length, 0)
  let doneTrials = 0

  for (const { folder, record, sha256 } of records) {
    const sessionName = sessionFolderName(record.participant, record.session)
    const { study, folder: studyFolder } = await studyOf(folder, record)
    const before = items.length
    for (const part of record.parts) {
      const file = path.join(folder, part.file)
      const xdf = readXdf(new Uint8Array(await fs.readFile(file)), { synchronizeClocks: true, dejitter: true })
      const stream = eegStreamOf(xdf.streams, options.eegStream, file)
      const chainIssue = chainProblem(options.chain, stream.description.nominalSrate, stream.description.channelCount)
      if (chainIssue) throw new EntrainError('INVALID_INPUT', `${file}: ${chainIssue}`)
      const labels = (stream.description.channels ?? []).map((channel, index) => channel.label ?? `ch${index + 1}`)
      const channelLabels = labels.length === stream.description.channelCount ? labels : Array.from({ length: stream.description.channelCount }, (_, index) => `ch${index + 1}`)
      const rate = options.chain.rate ?? stream.description.nominalSrate
      const eegSamples = Math.round(options.windows.windowSeconds * rate)
      if (eegInfo === null) eegInfo = { stream: stream.description.name, rate, channels: channelLabels, samplesPerWindow: eegSamples, chain: options.chain }
      else if (eegInfo.rate !== rate || eegInfo.channels.join() !== channelLabels.join()) {
        throw new EntrainError('INVALID_INPUT', `${file}: its EEG (${channelLabels.length} channels at ${rate} Hz) differs from the first session's (${eegInfo.channels.length} at ${eegInfo.rate} Hz)`)
      }
      const segments = eegSegments(stream, options.chain)

      for (const trial of record.trials.filter((candidate) => candidate.part === part.part)) {
        doneTrials += 1
        const leaveOut = (reason: string) => skipped.push({ session: sessionName, trial: trial.index, stimulus: trial.stimulus, reason })
        if (trial.status !== 'completed' || trial.onset === null) {
          leaveOut(trial.status === 'skipped' ? 'skipped in the session' : 'no onset marker')
          continue
        }
        const onset = trial.onset
        const segment = segments.find((candidate) => candidate.start <= onset + options.windows.lagSeconds && onset < candidate.start + candidate.channels[0]!.length / candidate.rate)
        if (!segment) {
          leaveOut('no EEG at its onset')
          continue
        }
        const audio = await stimulusAudio(study, studyFolder, trial.stimulus, options.audioRate, options.audioScaling)
        const segmentEnd = segment.start + segment.channels[0]!.length / segment.rate
        const offsets = windowOffsets(audio.length / options.audioRate, segmentEnd - onset, options.windows, onset - segment.start)
        if (offsets.length === 0) {
          leaveOut('shorter than one window, or EEG ends too soon')
          continue
        }
        // The epoch spans the windows; its wavelet steps and scaling run on it as a whole (per song), as the paper does.
        const first = Math.round((onset + options.windows.lagSeconds - segment.start) * segment.rate)
        const epochLength = Math.round((offsets.at(-1)! + options.windows.windowSeconds) * segment.rate)
        const epoch = segment.channels.map((channel) => channel.slice(first, first + epochLength))
        processEpoch(epoch, options.chain)
        for (const offset of offsets) {
          const audioStart = Math.round(offset * options.audioRate)
          const eegStart = Math.round(offset * segment.rate)
          const eeg = new Float32Array(epoch.length * eegSamples)
          epoch.forEach((channel, index) => eeg.set(channel.subarray(eegStart, eegStart + eegSamples), index * eegSamples))
          await writer.add(audio.slice(audioStart, audioStart + audioSamples), eeg)
          items.push({ session: sessionName, participant: record.participant, stimulus: trial.stimulus, trial: trial.index, offset })
        }
        options.onProgress?.(doneTrials, totalTrials, `${sessionName} ${trial.stimulus}: ${offsets.length} windows`)
      }
    }
    sources.push({ folder, sha256, parts: record.parts.map((part) => part.file), windows: items.length - before })
  }
  await writer.flush()
  if (items.length === 0 || eegInfo === null) throw new EntrainError('INVALID_INPUT', `no window could be paired: ${skipped.map((entry) => `${entry.session} trial ${entry.trial + 1}: ${entry.reason}`).join('; ') || 'no trials'}`)

  const manifest: DatasetManifest = {
    format: datasetFormat,
    version: datasetVersion,
    createdAt: new Date().toISOString(),
    software: { entrain: appVersion, node: process.versions.node },
    audio: { rate: options.audioRate, samplesPerWindow: audioSamples, scaling: options.audioScaling },
    eeg: eegInfo,
    windows: { ...options.windows, count: items.length },
    shards: writer.shards,
    items,
    folds: {
      k: options.folds,
      seed: options.seed,
      bySubject: assignFolds(items.map((item) => item.participant), options.folds, options.seed),
      bySong: assignFolds(items.map((item) => item.stimulus), options.folds, options.seed),
    },
    sources,
    skipped,
  }
  await writeJsonAtomic(path.join(out, 'manifest.json'), manifest)
  return manifest
}
