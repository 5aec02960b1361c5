/**
 * The one contract between the renderer and main. Every request the renderer may make (its name,
 * the schema of its input, the type of its output) and every event it may subscribe to is declared
 * here once; the Electron IPC adapter, the browser test host and the renderer's client all derive
 * from it. Inputs are validated in main against these schemas; outputs come from main's own code.
 */
import { z } from 'zod'
import type { TimingCertificate } from './audio/certificate'
import type { MarkerEvent } from './audio/markers'
import { boardKinds, gains, type BoardKind } from './openbci/protocol'
import type { ErrorInfo, Reply } from './errors'
import type { StudyIssue } from './study/check'
import type { Block, Phase, StimulusInputRow, Study, StudyInput } from './study/schema'
import type { PlannedTrial } from './study/sequence'
import type { ExportMarker } from './export/markers'
import { deepRetrievalSchema, retrievalModels } from './retrieval/protocol'
import type { RetrievalComparison } from './retrieval/report'
import type { LogLine, PhaseName, SessionEvent } from './session/events'
import type { SessionRecord } from './session/record'
import type { ScaleSpec } from './study/scales'
import type { StreamHealth } from './stream-health'
import type { ChannelInfo, StreamDescription } from './xdf/types'
import { modelNameSchema, trainingJobSchema, type ModelDetail, type ModelSummary, type TrainingJob, type TrainingJobInput, type TrainingStatus } from './training'

export type { SessionEvent, SessionRecord, ScaleSpec, LogLine, PhaseName }
export type { ErrorInfo, Reply, StreamHealth, ChannelInfo, StreamDescription, MarkerEvent, TimingCertificate, Study, StudyIssue, PlannedTrial, Phase, Block }
export type { StudyInput, StimulusInputRow }
export type { BoardKind }
export type { ModelDetail, ModelSummary, TrainingJob, TrainingJobInput, TrainingStatus }
export type { RetrievalComparison }

/** Declares a request: its input schema now, its output type as a type argument. */
function request<Output>() {
  return <Input extends z.ZodType>(input: Input) => ({ input, output: undefined as unknown as Output })
}

const noInput = z.object({}).strict()
const folderPath = z.string().min(1, 'a folder path is required').max(4096, 'the path is too long')

export interface AppInfo {
  name: string
  version: string
  /** Which host serves the contract: the Electron app, the browser test host or the CLI. */
  host: 'electron' | 'web' | 'cli'
  platform: string
  versions: Record<string, string>
  dataDir: string
  /** Whether `study.pickFolder` can show the system's folder chooser. */
  nativeDialogs: boolean
  /** The built-in demo study's folder. */
  demoStudy: string
}

export interface WindowBounds {
  x: number
  y: number
  width: number
  height: number
  maximized: boolean
}

export interface Settings {
  /** Most recently opened study folders, newest first. */
  recentStudies: string[]
  windowBounds: WindowBounds | null
}

export interface StudyFolder {
  path: string
  name: string
  /** Whether the folder already holds a study.json. */
  hasStudyFile: boolean
}

export interface LslStatus {
  available: boolean
  version?: string
  path?: string
  origin?: 'ENTRAIN_LSL_LIB' | 'system' | 'bundled'
  /** Without liblsl: what to install. */
  problem?: string
}

export interface StreamSummary {
  /** Stays the same when a source vanishes and returns (source id, else name, type and host). */
  key: string
  description: StreamDescription
  channels: ChannelInfo[]
  online: boolean
  health: StreamHealth
}

/** New samples of the watched streams since the last batch (sent at display rate, ≤ 30 per second). */
export interface StreamDataBatch {
  chunks: {
    key: string
    channelCount: number
    timestamps: Float64Array
    /** Numeric streams, sample-major, as float32 for display. */
    values: Float32Array | null
    /** String streams (markers): one string per channel per sample. */
    strings: string[] | null
  }[]
}

export interface SimulatorStatus {
  running: boolean
  name: string | null
  channels: number | null
  rate: number | null
}

export interface RecordingStatus {
  active: boolean
  file: string | null
  startedAt: string | null
  bytes: number
  streams: { name: string; key: string; samples: number; connected: boolean }[]
  /** Why the last recording stopped early (disk full, permission), if it did. */
  error: string | null
}

/** The open study as the Study view shows it: valid with its plan, or the problems by field. */
export type StudyOverview =
  | {
      valid: true
      file: string
      study: Study
      /** Seconds each stimulus plays, by id. */
      stimulusSeconds: Record<string, number>
      participant: string
      session: number
      sequence: PlannedTrial[]
      expectedDurationSeconds: number
    }
  | {
      valid: false
      file: string
      issues: StudyIssue[]
      /** Seconds each stimulus whose file could be read plays, by id. */
      stimulusSeconds: Record<string, number>
    }

export interface AudioDeviceList {
  /** Whether this platform has a sample-accurate output path. */
  supported: boolean
  note: string | null
  devices: { name: string; description: string; direction: 'Output' | 'Input' | null }[]
}

export interface AudioStatus {
  device: string
  /** Whether the engine is running on the device (it opens on first use). */
  open: boolean
  rate: number | null
  /** Output buffer length: how far ahead of the DAC Entrain writes. */
  latencyMs: number | null
  underruns: number
  lastOnset: MarkerEvent | null
  problem: string | null
  /** The timing self-test has the device. */
  busy: boolean
}

export interface StimulusOverview {
  file: string
  name: string
  format: string
  sampleRate: number
  channels: number
  frames: number
  durationSeconds: number
  loudnessLufs: number | null
  peak: number
  /** Min and max of the first channel per bucket, interleaved (min0, max0, min1, …). */
  peaks: Float32Array
}

// ---- sessions -------------------------------------------------------------------------------

export interface PreflightCheck {
  name: 'study' | 'folder' | 'streams' | 'audio' | 'disk'
  ok: boolean
  detail: string
}

export type SessionState = 'ready' | 'running' | 'paused' | 'completed' | 'aborted' | 'failed'

/** The running (or prepared) session as the Session view and the participant window see it. */
export interface SessionStatus {
  state: SessionState
  folder: string
  studyName: string
  participant: string
  session: number
  simulated: boolean
  part: number
  total: number
  completed: number
  skipped: number
  /** The trial under way (or next, when paused or ready). */
  trial: (PlannedTrial & { label: string | null }) | null
  phase: { name: PhaseName; seconds: number | null; instruction: string | null; startedAt: number } | null
  /** The rating the participant is being asked, with its position among the trial's scales. */
  asking: { scale: ScaleSpec; position: number; of: number } | null
  next: { index: number; stimulus: string } | null
  /** Seconds since the session (this part) started, and an estimate of what is left. */
  elapsedSeconds: number
  remainingSeconds: number
  recording: { file: string; bytes: number } | null
  preflight: PreflightCheck[]
  /** Why the session failed or what went wrong last (a vanished stream, an undecodable file). */
  problem: string | null
}

/** A session found in a study's sessions/ folder. */
export interface SessionSummary {
  folder: string
  participant: string
  session: number
  status: SessionRecord['status']
  /** Run with the simulated participant (a resume must be too). */
  simulated: boolean
  completed: number
  total: number
  updatedAt: string
  /** Unfinished and not being run: it can be resumed. */
  resumable: boolean
}

export interface DisplayInfo {
  id: number
  label: string
  width: number
  height: number
  primary: boolean
}

/** Where the participant sees instructions, fixation and rating scales. */
export interface ParticipantWindowStatus {
  /** Whether this host can open a window of its own (the Electron app); elsewhere open `#/participant` in a browser tab. */
  supported: boolean
  open: boolean
  displays: DisplayInfo[]
}

/** What the participant window may ask and hear; it may do nothing else. */
export const participantRequests = ['app.info', 'session.status', 'session.respond'] as const
export const participantEvents = ['session.changed'] as const

const participantLabel = z.string().regex(/^[A-Za-z0-9]{1,64}$/, 'must be 1–64 letters and digits')
const sessionNumber = z.number().int().min(1).max(99)

// ── Study editor (issue #5, item 3): creating, reading and saving study.json ─────────────────

/** A study as the editor holds it: the study.json value, which may have problems while it is edited. */
const studyValue = z.record(z.string(), z.unknown())

/** A study.json to edit: the file's content, or the starting protocol when there is no file yet. */
export interface StudyDraft {
  file: string
  exists: boolean
  /** Names the version of the file that was read (null: no file); a save passes it back. */
  revision: string | null
  study: StudyInput
}

export interface StudySaved {
  folder: StudyFolder
  revision: string
}

const studyEditorRequests = {
  /** Makes a new study folder (with stimuli/) and opens it; an existing folder must be empty. */
  'study.create': request<StudyFolder>()(z.object({ path: folderPath }).strict()),
  'study.read': request<StudyDraft>()(z.object({ path: folderPath }).strict()),
  /**
   * Checks and writes the folder's study.json atomically; refuses a study with problems (naming
   * the field) and, with CONFLICT, a file that changed since the revision it `replaces`.
   */
  'study.save': request<StudySaved>()(z.object({ path: folderPath, study: studyValue, replaces: z.string().max(64).nullable() }).strict()),
  /** The audio files in the study's stimuli/ folder, relative to the study folder. */
  'study.stimulusFiles': request<string[]>()(z.object({ path: folderPath }).strict()),
  /** Stimuli from a folder of audio files or a CSV (relative paths are in the study folder); writes nothing. */
  'study.importStimuli': request<StimulusInputRow[]>()(z.object({ path: folderPath, from: z.string().min(1).max(4096) }).strict()),
}

// ── end of the study editor's requests ───────────────────────────────────────────────────────

/** A serial port as the Devices view lists it, with a hint of what it probably is. */
export interface SerialPortEntry {
  path: string
  manufacturer: string | null
  serialNumber: string | null
  vendorId: string | null
  productId: string | null
  hint: string
  likelyOpenBci: boolean
}

/** What an OpenBCI board has delivered since it was connected (over every reconnection). */
export interface SerialBoardHealth {
  packets: number
  samples: number
  /** Samples missing, from the gaps in the packets' sample numbers. */
  drops: number
  /** Times the packet boundaries were lost and found again. */
  resyncs: number
  discardedBytes: number
  /** Times the board came back after its port vanished. */
  reconnects: number
  /** Samples published on the LSL stream. */
  pushed: number
}

export interface SerialBoardStatus {
  path: string
  board: BoardKind
  /** The LSL stream's name. */
  name: string
  /** `waiting`: the port vanished (unplugged); the board reconnects when it returns. */
  state: 'connecting' | 'streaming' | 'waiting' | 'stopped'
  problem: string | null
  firmware: string | null
  channelCount: number
  rate: number
  gain: number
  health: SerialBoardHealth
}

// ── Recordings (issue #9): browsing any XDF file and exporting it ─────────────────────────────

export interface RecordingStreamSummary {
  id: number
  name: string
  type: string
  channelCount: number
  channelFormat: StreamDescription['channelFormat']
  nominalSrate: number
  effectiveSrate: number
  sampleCount: number
  /** Recording computer's clock; null for a stream without samples. */
  firstTimestamp: number | null
  lastTimestamp: number | null
  channels: { label: string; unit: string }[]
}

/** A marker of any string stream, with a readable label (Entrain's JSON markers as `event stimulus`). */
/** A marker of a recording: when (recording computer's clock), its readable label, which stream said it. */
export type RecordingMarker = ExportMarker

/** What the Recordings view knows of a recording that is part of an Entrain session. */
export interface RecordingSessionInfo {
  folder: string
  participant: string
  session: number
  part: number | null
  /** The study folder, when session.json names one that still holds study.json (BIDS export). */
  studyFolder: string | null
  /** Rating scales, in the study's order (the columns of events.tsv). */
  scales: string[]
  /** Every answer from events.tsv, by stimulus and scale. */
  ratings: { stimulus: string; answers: Record<string, number[]> }[]
  /** Tags of each stimulus in the study, for averaging epochs by condition. */
  tags: Record<string, string[]>
}

export interface RecordingOverview {
  file: string
  bytes: number
  streams: RecordingStreamSummary[]
  markers: RecordingMarker[]
  /** Span of every stream's samples. */
  start: number
  end: number
  problems: string[]
  session: RecordingSessionInfo | null
}

/**
 * A stretch of a numeric stream decimated for drawing: per channel the min and max over each of
 * `columns` equal slices, channel-major. With more samples than `columns × 64`, each slice is
 * represented by the samples at its start (an overview); `exact` says whether every sample counted.
 */
export interface SignalWindow {
  stream: number
  start: number
  end: number
  columns: number
  min: Float32Array
  max: Float32Array
  exact: boolean
}

/** Averages of epochs around markers, per condition: `mean` is channel-major (channels × times). */
export interface EpochAverages {
  stream: number
  channels: string[]
  /** Seconds from the marker of each sample of an epoch. */
  times: Float64Array
  conditions: { name: string; count: number; mean: Float32Array }[]
  /** Markers whose epoch would run past either end of the recording. */
  skipped: number
}

export interface RecordingSpectra {
  stream: number
  channels: string[]
  frequencies: Float64Array
  /** Welch PSD per channel, channel-major (channels × frequencies), unit²/Hz. */
  power: Float64Array
  start: number
  end: number
}

export interface ExportSummary {
  kind: 'edf' | 'brainvision' | 'csv' | 'bids'
  /** The files or folder written. */
  written: string[]
  detail: string
}

/** How far an export got; `id` is the export request's `id`. */
export interface ExportProgressEvent {
  id: string
  fraction: number
  detail: string
}

const filePath = z.string().min(1, 'a file path is required').max(4096, 'the path is too long')
const streamId = z.number().int().min(0).max(0xffff_ffff)
const exportId = z.string().min(1).max(64)

const recordingsRequests = {
  /** Opens an XDF file (Entrain's or anyone's) and describes it, with its session's ratings when it is part of one. */
  'recordings.open': request<RecordingOverview>()(z.object({ path: filePath }).strict()),
  /** Min/max per column of `columns` over [start, end] of a stream: reads only that stretch. */
  'recordings.window': request<SignalWindow>()(
    z.object({ path: filePath, stream: streamId, start: z.number(), end: z.number(), columns: z.number().int().min(1).max(4096) }).strict().refine((value) => value.end > value.start, 'end must be after start'),
  ),
  /** Baseline-corrected averages of epochs at the given times, grouped by their condition. */
  'recordings.epochs': request<EpochAverages>()(
    z
      .object({
        path: filePath,
        stream: streamId,
        markers: z.array(z.object({ time: z.number(), condition: z.string().min(1).max(200) }).strict()).min(1, 'choose at least one marker').max(10_000),
        before: z.number().min(0).max(10),
        after: z.number().positive().max(30),
      })
      .strict(),
  ),
  /** Welch spectra of every channel over [start, end] (at most 120 s are read). */
  'recordings.spectra': request<RecordingSpectra>()(z.object({ path: filePath, stream: streamId, start: z.number(), end: z.number() }).strict().refine((value) => value.end > value.start, 'end must be after start')),
  /** Exports one recording; progress comes as `recordings.exportProgress` events with this `id`. */
  'recordings.export': request<ExportSummary>()(
    z
      .object({
        id: exportId,
        path: filePath,
        kind: z.enum(['edf', 'brainvision', 'csv']),
        out: filePath,
        stream: z.number().int().min(0).optional(),
        format: z.enum(['float32', 'int16']).default('float32'),
      })
      .strict(),
  ),
  /** Exports every session of a study as an EEG-BIDS dataset into `out` (new or empty). */
  'recordings.exportBids': request<ExportSummary>()(z.object({ id: exportId, study: folderPath, out: folderPath, lineFrequency: z.union([z.literal(50), z.literal(60)]).optional() }).strict()),
}

// ── end of the recordings requests ───────────────────────────────────────────────────────────

// ── Training and models (issue #7): jobs in the trainer process, model folders ──────────────

/** A models folder and the models in it. */
export interface ModelList {
  folder: string
  models: ModelSummary[]
}

const trainingRequests = {
  /** Starts a job in the trainer process and returns at once; `training.progress` events follow it. */
  'training.start': request<TrainingStatus>()(z.object({ job: trainingJobSchema }).strict()),
  /** Stops the running job between two steps (nothing is written). */
  'training.cancel': request<TrainingStatus>()(noInput),
  'training.status': request<TrainingStatus>()(noInput),
  /** The models of a study (its models/ folder), or of the app's data folder when `study` is null. */
  'models.list': request<ModelList>()(z.object({ study: folderPath.nullable() }).strict()),
  /** Where a new model of this name goes (refused when that folder exists), and where a dataset built for it from sessions goes. */
  'models.target': request<{ path: string; dataset: string }>()(z.object({ study: folderPath.nullable(), name: modelNameSchema }).strict()),
  'models.show': request<ModelDetail>()(z.object({ path: folderPath }).strict()),
  /** Deletes a model folder (only a folder Entrain reads as a model). */
  'models.delete': request<{ deleted: string }>()(z.object({ path: folderPath }).strict()),
}

// ── end of the training requests ─────────────────────────────────────────────────────────────

/** How far a retrieval evaluation got; `id` is the evaluate request's `id`. */
export interface RetrievalProgressEvent {
  id: string
  fraction: number
  detail: string
}

const retrievalRequests = {
  /**
   * Audio–lyrics retrieval on a folder (audio files, lyrics .txt of the same names, optional
   * labels.csv): the audio descriptors and any embeddings given, each with each model, k-fold.
   * It runs in a trainer process, one evaluation at a time (CONFLICT while one runs). Progress comes
   * as `retrieval.progress` events with this `id`; `retrieval.cancel` with it stops it (CANCELLED).
   */
  'retrieval.evaluate': request<RetrievalComparison>()(
    z
      .object({
        id: exportId,
        folder: folderPath,
        models: z.array(z.enum(retrievalModels)).min(1, 'choose at least one model').max(2).default(['linear']),
        folds: z.number().int().min(2).max(20).optional(),
        seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
        dims: z.number().int().min(1).max(512).optional(),
        ridge: z.number().min(0).max(1e3).optional(),
        textDims: z.number().int().min(2).max(1024).optional(),
        deep: deepRetrievalSchema.partial().optional(),
        embeddings: z.array(z.object({ name: z.string().min(1).max(100), file: filePath }).strict()).max(16).optional(),
        /** Audio↔EEG model folders whose embeddings of the folder's audio are compared. */
        modelFolders: z.array(folderPath).max(16).optional(),
      })
      .strict(),
  ),
  /** Stops the evaluation of this `id` between two files, epochs or folds; `cancelled` is false when it is not running. */
  'retrieval.cancel': request<{ cancelled: boolean }>()(z.object({ id: exportId }).strict()),
  /** Writes an evaluation's comparison table to a new file. */
  'retrieval.export': request<{ written: string }>()(z.object({ id: exportId, format: z.enum(['csv', 'markdown']), out: filePath }).strict()),
}

const streamKeys = z.array(z.string().min(1).max(1024)).max(64)

export const requests = {
  'app.info': request<AppInfo>()(noInput),
  'settings.get': request<Settings>()(noInput),
  /** Shows the system folder chooser; `null` when the user cancels. */
  'study.pickFolder': request<{ path: string | null }>()(noInput),
  /** Opens a study folder and puts it first in the recent list. */
  'study.open': request<StudyFolder>()(z.object({ path: folderPath }).strict()),
  'study.forgetRecent': request<Settings>()(z.object({ path: folderPath }).strict()),
  /** Checks the study.json of a folder (or `study`, the study as it is being edited) and plans a session of it. */
  'study.overview': request<StudyOverview>()(
    z
      .object({
        path: folderPath,
        participant: z.string().min(1).max(100).default('1'),
        session: z.number().int().min(1).max(1000).default(1),
        study: studyValue.optional(),
      })
      .strict(),
  ),
  ...studyEditorRequests,
  ...recordingsRequests,
  ...trainingRequests,
  ...retrievalRequests,
  'lsl.status': request<LslStatus>()(noInput),
  'streams.list': request<StreamSummary[]>()(noInput),
  /** Which streams' samples the renderer receives as `streams.data` events. */
  'streams.watch': request<{ keys: string[] }>()(z.object({ keys: streamKeys }).strict()),
  'simulator.start': request<SimulatorStatus>()(
    z
      .object({
        name: z.string().min(1).max(200).optional(),
        channels: z.number().int().min(1).max(256).optional(),
        rate: z.number().min(1).max(20_000).optional(),
        seed: z.number().int().min(0).max(2 ** 31).optional(),
      })
      .strict(),
  ),
  'simulator.stop': request<SimulatorStatus>()(noInput),
  'simulator.status': request<SimulatorStatus>()(noInput),
  'recording.start': request<RecordingStatus>()(
    z.object({ keys: streamKeys.min(1, 'choose at least one stream'), file: z.string().min(1).max(4096).optional() }).strict(),
  ),
  'recording.stop': request<RecordingStatus>()(noInput),
  'recording.status': request<RecordingStatus>()(noInput),
  'audio.devices': request<AudioDeviceList>()(noInput),
  'audio.status': request<AudioStatus>()(noInput),
  'audio.select': request<AudioStatus>()(z.object({ device: z.string().min(1).max(512) }).strict()),
  'audio.testTone': request<MarkerEvent>()(noInput),
  /** Decodes a stimulus for the waveform view. */
  'audio.stimulus': request<StimulusOverview>()(z.object({ path: z.string().min(1).max(4096) }).strict()),
  'audio.play': request<MarkerEvent>()(
    z
      .object({
        path: z.string().min(1).max(4096),
        excerpt: z.object({ start: z.number().min(0), end: z.number().positive().optional() }).strict().optional(),
      })
      .strict(),
  ),
  'audio.stop': request<AudioStatus>()(noInput),
  'audio.selfTest': request<TimingCertificate & { files: { json: string; text: string } }>()(
    z.object({ clicks: z.number().int().min(2).max(1000).optional(), captureDevice: z.string().min(1).max(512).optional() }).strict(),
  ),
  /** Sessions recorded so far in a study folder, newest first. */
  'session.list': request<SessionSummary[]>()(z.object({ path: folderPath }).strict()),
  /**
   * Opens a session of the study in `path` (resuming it when `resume` and it is unfinished) and
   * runs the pre-flight checks; nothing is recorded until `session.start`.
   */
  'session.prepare': request<SessionStatus>()(
    z.object({ path: folderPath, participant: participantLabel, session: sessionNumber.default(1), simulate: z.boolean().default(false), resume: z.boolean().default(false) }).strict(),
  ),
  'session.start': request<SessionStatus>()(noInput),
  'session.pause': request<SessionStatus>()(noInput),
  'session.resume': request<SessionStatus>()(noInput),
  'session.skip': request<SessionStatus>()(noInput),
  'session.abort': request<SessionStatus>()(noInput),
  /** Lets go of a prepared or finished session (its folder lock, devices it started). */
  'session.close': request<{ closed: boolean }>()(noInput),
  'session.status': request<SessionStatus | null>()(noInput),
  'session.participantWindow': request<ParticipantWindowStatus>()(noInput),
  /** Opens the participant window full-screen on a display (null: closes it). */
  'session.showParticipant': request<ParticipantWindowStatus>()(z.object({ display: z.number().int().nullable() }).strict()),
  /** The participant's answer to the scale being asked (for trial `trial`, so a late click cannot land on the next one). */
  'session.respond': request<SessionStatus>()(
    z.object({ trial: z.number().int().min(0), scale: z.string().min(1).max(100), value: z.number() }).strict(),
  ),
  'serial.ports': request<SerialPortEntry[]>()(noInput),
  'serial.boards': request<SerialBoardStatus[]>()(noInput),
  /** Connects an OpenBCI board and publishes it as an LSL stream; fails within seconds if it does not answer. */
  'serial.connect': request<SerialBoardStatus>()(
    z
      .object({
        path: z.string().min(1, 'a serial port is required').max(4096),
        board: z.enum(boardKinds as [BoardKind, ...BoardKind[]]),
        name: z.string().min(1).max(200).optional(),
        gain: z.literal([...gains], `the gain must be one of ${gains.join(', ')}`).optional(),
        labels: z.array(z.string().min(1).max(64)).min(1).max(16).optional(),
      })
      .strict(),
  ),
  'serial.disconnect': request<SerialBoardStatus[]>()(z.object({ path: z.string().min(1).max(4096) }).strict()),
}

export type RequestName = keyof typeof requests
export type RequestInput<K extends RequestName> = z.input<(typeof requests)[K]['input']>
export type RequestOutput<K extends RequestName> = (typeof requests)[K]['output']

export const requestNames = Object.keys(requests) as RequestName[]

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.hasOwn(requests, name)
}

/** Payload of every event stream the renderer may subscribe to. */
export interface EventPayloads {
  'settings.changed': Settings
  /** On every change of the list and about once a second with fresh health. */
  'streams.changed': StreamSummary[]
  'streams.data': StreamDataBatch
  'recording.changed': RecordingStatus
  'simulator.changed': SimulatorStatus
  'audio.changed': AudioStatus
  'session.changed': SessionStatus | null
  'session.log': LogLine
  /** On every change of a board's state and about once a second with fresh health. */
  'serial.changed': SerialBoardStatus[]
  'recordings.exportProgress': ExportProgressEvent
  /** The training job's status: at every change of state or epoch, and at most ten times a second while it runs. */
  'training.progress': TrainingStatus
  'retrieval.progress': RetrievalProgressEvent
}

export type EventName = keyof EventPayloads

export const eventNames: readonly EventName[] = [
  'settings.changed',
  'streams.changed',
  'streams.data',
  'recording.changed',
  'simulator.changed',
  'audio.changed',
  'session.changed',
  'session.log',
  'serial.changed',
  'recordings.exportProgress',
  'training.progress',
  'retrieval.progress',
]

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (eventNames as readonly string[]).includes(name)
}

/** What `window.entrain` is, in the Electron app; the browser test host's client has the same shape. */
export interface EntrainApi {
  request<K extends RequestName>(name: K, input: RequestInput<K>): Promise<Reply<RequestOutput<K>>>
  /** Subscribes to an event stream; returns the function that unsubscribes. */
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void
}
