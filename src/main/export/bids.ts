/**
 * EEG-BIDS export of a study's sessions: BrainVision data with its sidecars for every recording
 * part (parts of a resumed session become runs), events from session.json with `stim_file` into
 * stimuli/, participants.tsv, dataset_description.json, and the original session folders (XDF,
 * session.json, events.tsv, log.jsonl) under sourcedata/. Reads each recording a chunk at a time.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { EntrainError } from '../../shared/errors'
import { bidsLabel, bidsRunPaths, bidsStimulusPath, channelsTsv, datasetDescription, eegSidecar, eventsSidecar, participantsTsv } from '../../shared/export/bids'
import { eventsTsv } from '../../shared/session/events'
import { sessionFolderName, type SessionRecord } from '../../shared/session/record'
import { checkStudy } from '../../shared/study/check'
import { scaleSpec } from '../../shared/study/scales'
import type { Study } from '../../shared/study/schema'
import { appName, appVersion } from '../app-info'
import { readSessionRecord, sessionFiles } from '../session/files'
import { prepareEmptyFolder } from '../store/empty-folder'
import { studyFileName } from '../store/study-folder'
import { readStudyFile, studyProblems } from '../study/load'
import { XdfFile } from '../xdf/xdf-file'
import { writeBrainVision } from './brainvision'
import { exportRefusal, type ExportProgress } from './output'
import { placeTime, prepareRecording } from './recording'

export interface BidsOptions {
  /** Mains frequency where the data were recorded (PowerLineFrequency); 'n/a' when unknown. */
  lineFrequency?: number | 'n/a'
  onProgress?: ExportProgress
}

export interface BidsResult {
  folder: string
  task: string
  participants: string[]
  runs: { participant: string; session: number; run: number | null; source: string; header: string; channels: number; samples: number; events: number; markers: number }[]
  stimuli: string[]
  /** Sessions left out, and why (a damaged session.json, no recording). */
  skipped: { folder: string; reason: string }[]
}

interface FoundSession {
  folder: string
  record: SessionRecord
}

async function findSessions(studyFolder: string, skipped: BidsResult['skipped']): Promise<FoundSession[]> {
  const root = path.join(studyFolder, 'sessions')
  const found: FoundSession[] = []
  const subjects = await fs.readdir(root, { withFileTypes: true }).catch(() => [])
  for (const subject of subjects.filter((entry) => entry.isDirectory() && entry.name.startsWith('sub-')).sort((a, b) => a.name.localeCompare(b.name))) {
    const sessions = await fs.readdir(path.join(root, subject.name), { withFileTypes: true })
    for (const session of sessions.filter((entry) => entry.isDirectory() && entry.name.startsWith('ses-')).sort((a, b) => a.name.localeCompare(b.name))) {
      const folder = path.join(root, subject.name, session.name)
      try {
        const record = await readSessionRecord(folder)
        if (!record) skipped.push({ folder, reason: `no ${sessionFiles.record}` })
        else if (record.parts.length === 0) skipped.push({ folder, reason: 'nothing was recorded' })
        else found.push({ folder, record })
      } catch (error) {
        skipped.push({ folder, reason: (error as Error).message })
      }
    }
  }
  return found
}

async function readStudy(studyFolder: string): Promise<Study> {
  const file = path.join(studyFolder, studyFileName)
  const { value } = await readStudyFile(file)
  const checked = checkStudy(value)
  if (!checked.ok) throw studyProblems(file, checked.issues)
  return checked.study
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`

export async function exportBids(studyFolder: string, out: string, options: BidsOptions = {}): Promise<BidsResult> {
  const study = await readStudy(studyFolder)
  const skipped: BidsResult['skipped'] = []
  const sessions = await findSessions(studyFolder, skipped)
  if (sessions.length === 0) throw new EntrainError('NOT_FOUND', `${path.join(studyFolder, 'sessions')} holds no recorded session to export${skipped.length ? ` (${skipped.map((s) => `${s.folder}: ${s.reason}`).join('; ')})` : ''}`)
  await prepareEmptyFolder(out, exportRefusal)
  const task = bidsLabel(study.name, 'music')
  const stimulusPath = new Map(study.stimuli.map((stimulus) => [stimulus.id, bidsStimulusPath(stimulus.file)]))
  const scaleSpecs = study.trial.phases.flatMap((phase) => (phase.kind === 'rating' ? phase.scales.map(scaleSpec) : []))
  const scales = scaleSpecs.map((scale) => scale.id)

  const partFiles = sessions.flatMap(({ folder, record }) => record.parts.map((part) => path.join(folder, part.file)))
  const sizes = await Promise.all(partFiles.map((file) => fs.stat(file).then((stats) => stats.size, () => 0)))
  const totalBytes = sizes.reduce((sum, size) => sum + size, 0) || 1
  let bytesDone = 0

  const result: BidsResult = { folder: out, task, participants: [], runs: [], stimuli: [], skipped }
  const usedStimuli = new Set<string>()
  for (const { folder, record } of sessions) {
    const label = sessionFolderName(record.participant, record.session)
    const source = path.join(out, 'sourcedata', label)
    await fs.mkdir(source, { recursive: true })
    for (const name of [sessionFiles.record, sessionFiles.events, sessionFiles.log]) {
      await fs.copyFile(path.join(folder, name), path.join(source, name)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error
      })
    }
    for (const part of record.parts) {
      const file = path.join(folder, part.file)
      const size = sizes[partFiles.indexOf(file)] ?? 0
      const report: ExportProgress = (fraction, detail) => options.onProgress?.((bytesDone + fraction * size) / totalBytes, `${label} ${part.file}: ${detail}`)
      const exists = await fs.stat(file).then(() => true, () => false)
      if (!exists) {
        skipped.push({ folder, reason: `${part.file} is missing` })
        continue
      }
      const xdf = await XdfFile.open(file)
      try {
        const eegName = part.streams.find((stream) => stream.type.toUpperCase() === 'EEG')?.name
        const recording = await prepareRecording(xdf, xdf.streams.some((stream) => stream.description.name === eegName) ? eegName : undefined)
        const run = record.parts.length > 1 ? part.part : undefined
        const names = bidsRunPaths({ participant: record.participant, session: record.session, task, run })
        const base = path.join(out, names.folder, `${names.stem}_eeg`)
        const written = await writeBrainVision(recording, base, 'float32', report)
        const channels = recording.channels
        await fs.writeFile(path.join(out, names.folder, `${names.stem}_channels.tsv`), channelsTsv(channels, recording.rate))
        await fs.writeFile(
          path.join(out, names.folder, `${names.stem}_eeg.json`),
          json(
            eegSidecar({
              task,
              studyName: study.name,
              samplingFrequency: recording.rate,
              powerLineFrequency: options.lineFrequency ?? 'n/a',
              channels,
              durationSeconds: recording.stream.sampleCount / recording.rate,
              manufacturer: recording.stream.description.name,
            }),
          ),
        )
        // Each event's time moves onto the exported samples' regular timeline (its nearest sample,
        // plus how far it lies from it), so onsets agree with the .vmrk positions despite jitter.
        const first = recording.stream.firstTimestamp
        const events = []
        for (const event of record.events.filter((candidate) => candidate.part === part.part)) {
          const placed = await placeTime(xdf, recording.stream, recording.rate, event.time)
          events.push(placed ? { ...event, time: first + placed.onset } : event)
        }
        for (const event of events) if ('stimulus' in event && stimulusPath.has(event.stimulus)) usedStimuli.add(event.stimulus)
        await fs.writeFile(
          path.join(out, names.folder, `${names.stem}_events.tsv`),
          eventsTsv(events, {
            // BIDS onsets count from the first sample of the data file.
            partStart: () => first,
            partFile: () => path.basename(written.files.header),
            blockOf: (index) => record.sequence[index]?.block ?? '',
            stimulusFile: (id) => stimulusPath.get(id) ?? '',
            scales,
          }),
        )
        await fs.copyFile(file, path.join(source, part.file))
        result.runs.push({
          participant: record.participant,
          session: record.session,
          run: run ?? null,
          source: file,
          header: written.files.header,
          channels: written.channels,
          samples: written.samples,
          events: events.length,
          markers: written.markers,
        })
      } finally {
        await xdf.close()
      }
      bytesDone += size
      options.onProgress?.(bytesDone / totalBytes, `${label} ${part.file}: done`)
    }
    result.participants.push(record.participant)
  }

  for (const id of usedStimuli) {
    const stimulus = study.stimuli.find((candidate) => candidate.id === id)!
    const target = path.join(out, 'stimuli', stimulusPath.get(id)!)
    await fs.mkdir(path.dirname(target), { recursive: true })
    await fs.copyFile(path.resolve(studyFolder, stimulus.file), target).catch((error: Error) => {
      throw new EntrainError('IO_ERROR', `cannot copy the stimulus ${stimulus.file} into the dataset: ${error.message}`)
    })
    result.stimuli.push(stimulusPath.get(id)!)
  }
  await fs.writeFile(path.join(out, 'participants.tsv'), participantsTsv(result.participants))
  await fs.writeFile(path.join(out, `task-${task}_events.json`), json(eventsSidecar(scaleSpecs)))
  await fs.writeFile(path.join(out, 'dataset_description.json'), json(datasetDescription(study.name, { name: appName, version: appVersion })))
  await fs.writeFile(
    path.join(out, 'README'),
    `${study.name}\n\nEEG recorded while participants listened to music, exported by ${appName} ${appVersion} from the study folder ${studyFolder}.\n` +
      `Events come from each session's session.json; onsets count from the first EEG sample of their run. sourcedata/ holds the original XDF recordings and session files.\n`,
  )
  result.participants = [...new Set(result.participants)]
  return result
}
