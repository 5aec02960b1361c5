import os from 'node:os'
import path from 'node:path'
import type { PreflightCheck, SessionState, SessionStatus, StreamSummary } from '../../shared/contract'
import type { MarkerEvent } from '../../shared/audio/markers'
import { interleave, type PcmAudio } from '../../shared/audio/types'
import { EntrainError, toErrorInfo } from '../../shared/errors'
import { sessionMarkerPayload, sessionStreams, type LogLine, type PhaseName, type SessionEvent } from '../../shared/session/events'
import {
  nextTrialIndex,
  partFileName,
  participantProblem,
  sessionFolderName,
  sessionFormat,
  sessionVersion,
  type SessionRecord,
} from '../../shared/session/record'
import { simulatedAnswer } from '../../shared/sim/participant'
import { scaleSpec, invalidAnswer, type ScaleSpec } from '../../shared/study/scales'
import type { Phase } from '../../shared/study/schema'
import { expectedDurationSeconds, realiseSequence, sessionSeed, type PlannedTrial } from '../../shared/study/sequence'
import type { Acquisition } from '../acquisition'
import { appVersion } from '../app-info'
import { decodeOffThread } from '../audio/decode-off-thread'
import { engineDefaults, type Playback } from '../audio/engine'
import type { AudioService } from '../audio/service'
import { Outlet } from '../lsl/outlet'
import { loadStudy, type LoadedStudy } from '../study/load'
import { fileSha256, readSessionRecord, SessionFolder } from './files'
import { checkAudio, checkDisk, checkStreams, matchesRequirement, recordingBytes } from './preflight'

/** The parts of main a session uses; the app, the browser host and the CLI pass the same ones. */
export interface SessionEnvironment {
  acquisition: Acquisition
  audio: AudioService
  /** The LSL clock. */
  clock: () => number
}

export interface SessionOptions {
  studyFile: string
  participant: string
  session: number
  /** Simulated EEG from a participant who hears the stimuli, and automatic ratings. */
  simulate: boolean
  /** Continue an unfinished session at its next trial, into a new recording part. */
  resume: boolean
  /** Where sub-XX/ses-YY folders go (default: the study folder's sessions/). */
  sessionsDir?: string
  /** ALSA output device, instead of the study's (devices.audioDevice) or the one already chosen. */
  audioDevice?: string
  /** How long the pre-flight check waits for required streams (default 5 s). */
  streamWaitSeconds?: number
  onStatus?: (status: SessionStatus) => void
  onLog?: (line: LogLine) => void
}

/** Why a trial attempt ended early. `fatal` ends the session (the recording failed). */
type Interruption = 'pause' | 'skip' | 'abort' | 'fatal'

class Interrupted extends Error {
  constructor(readonly reason: Interruption) {
    super(`interrupted: ${reason}`)
  }
}

/** Stimuli are scheduled this far ahead, so the simulated participant knows their onset in advance. */
const stimulusLeadSeconds = 0.25
/** Longest wait for a stopped stimulus's markers before the runner carries on without them. */
const markerGraceSeconds = 2

/** How a pause ends: carry on, skip the trial that was to come, or end the session. */
type Resumption = 'resume' | 'skip' | 'abort' | 'fatal'

type Step = { kind: 'break'; seconds: number } | Phase

interface Attempt {
  controller: AbortController
  events: SessionEvent[]
  onset: number | null
  ratings: Record<string, number>
}

/**
 * Runs one session of a study: pre-flight checks, the recording (one XDF part per run of the
 * session, all streams plus the session's own marker streams), every trial's phases, and the files
 * of the session folder. session.json is rewritten after every trial, so a crash loses at most the
 * trial under way, and reopening the session with `resume` continues at the next unfinished trial.
 */
export class SessionRunner {
  private state: SessionState = 'ready'
  private checks: PreflightCheck[] = []
  private recordedKeys: string[] = []
  private attempt: Attempt | null = null
  /** An interruption asked for between two trial attempts, applied to the next one. */
  private pendingInterruption: Interruption | null = null
  private current: { trial: PlannedTrial; phase: NonNullable<SessionStatus['phase']> | null } | null = null
  private asking: (SessionStatus['asking'] & { trial: number; answer: (value: number) => void }) | null = null
  private whenResumed: { promise: Promise<Resumption>; settle: (how: Resumption) => void } | null = null
  private readonly prepared = new Map<string, Promise<PcmAudio>>()
  private readonly pushed = new Map<string, number>()
  private problem: string | null = null
  private startedSimulator = false
  private running: Promise<void> | null = null
  private ticker: NodeJS.Timeout | null = null
  private readonly unsubscribe: (() => void)[] = []

  private constructor(
    private readonly env: SessionEnvironment,
    private readonly options: SessionOptions,
    private readonly loaded: LoadedStudy,
    private readonly folder: SessionFolder,
    private readonly record: SessionRecord,
    private readonly outlets: { events: Outlet; ratings: Outlet },
  ) {}

  /**
   * Loads and checks the study, then creates the session folder or reopens it (only with `resume`,
   * and only if it is unfinished and ran this exact study.json). Takes the folder's lock.
   */
  static async open(env: SessionEnvironment, options: SessionOptions): Promise<SessionRunner> {
    const problem = participantProblem(options.participant)
    if (problem) throw new EntrainError('INVALID_INPUT', problem)
    if (!Number.isInteger(options.session) || options.session < 1 || options.session > 99) {
      throw new EntrainError('INVALID_INPUT', `the session number must be a whole number from 1 to 99, not ${options.session}`)
    }
    const loaded = await loadStudy(options.studyFile)
    const sha256 = await fileSha256(loaded.file)
    const sessionsDir = path.resolve(options.sessionsDir ?? path.join(loaded.folder, 'sessions'))
    const folderPath = path.join(sessionsDir, sessionFolderName(options.participant, options.session))
    const existing = await readSessionRecord(folderPath)
    const where = `sub-${options.participant} ses-${options.session}`
    if (existing) {
      const done = existing.trials.length
      if (existing.status === 'completed') throw new EntrainError('INVALID_INPUT', `${where} is already complete (${folderPath}); choose another session number`)
      if (!options.resume) {
        throw new EntrainError('INVALID_INPUT', `${where} exists (${done} of ${existing.sequence.length} trials done, ${existing.status}); resume it or choose another session number`, {
          resumable: true,
        })
      }
      if (existing.study.sha256 !== sha256) {
        throw new EntrainError('INVALID_INPUT', `study.json changed since ${where} began (it ran sha256 ${existing.study.sha256.slice(0, 12)}…); restore that version to resume, or start a new session`)
      }
      if (existing.simulated !== options.simulate) {
        throw new EntrainError('INVALID_INPUT', `${where} was ${existing.simulated ? '' : 'not '}run with the simulated participant; resume it the same way`)
      }
    } else if (options.resume) {
      throw new EntrainError('NOT_FOUND', `there is no ${where} to resume in ${sessionsDir}`)
    }
    const folder = await SessionFolder.lock(folderPath)
    const outlets = {
      events: new Outlet({ ...sessionStreams.events, channelCount: 1, nominalSrate: 0, channelFormat: 'string', sourceId: `entrain-session-events-${os.hostname()}-${process.pid}`, extra: { manufacturer: 'Entrain session runner' } }),
      ratings: new Outlet({ ...sessionStreams.ratings, channelCount: 1, nominalSrate: 0, channelFormat: 'string', sourceId: `entrain-session-ratings-${os.hostname()}-${process.pid}`, extra: { manufacturer: 'Entrain session runner' } }),
    }
    const now = new Date().toISOString()
    const record: SessionRecord = existing ?? {
      format: sessionFormat,
      version: sessionVersion,
      study: { name: loaded.study.name, file: loaded.file, sha256 },
      participant: options.participant,
      session: options.session,
      seed: sessionSeed(loaded.study.seed, options.participant, options.session),
      simulated: options.simulate,
      status: 'running',
      createdAt: now,
      updatedAt: now,
      software: {},
      audio: null,
      sequence: realiseSequence(loaded.study, options.participant, options.session),
      parts: [],
      trials: [],
      events: [],
    }
    return new SessionRunner(env, options, loaded, folder, record, outlets)
  }

  get sessionFolder(): string {
    return this.folder.folder
  }

  /**
   * Checks what the session needs: the study's required streams, the audio device, the disk, and
   * that nothing else records. Starts the simulated participant first when the session simulates.
   */
  async preflight(): Promise<PreflightCheck[]> {
    const { acquisition, audio } = this.env
    if (this.options.simulate && !acquisition.runningSimulator()) {
      acquisition.startSimulator({ seed: this.record.seed % 2 ** 31 })
      this.startedSimulator = true
    }
    const study = this.loaded.study
    const device = this.options.audioDevice ?? study.devices.audioDevice
    if (device) await audio.select(device)
    const wait = this.options.streamWaitSeconds ?? 5
    const checks: PreflightCheck[] = [
      { name: 'study', ok: true, detail: `${study.name}: ${this.record.sequence.length} trials, ${this.record.trials.length} done` },
      acquisition.recordingStatus().active
        ? { name: 'folder', ok: false, detail: `a recording is already running (${acquisition.recordingStatus().file}); stop it first` }
        : { name: 'folder', ok: true, detail: this.folder.folder },
      await checkStreams(acquisition.streams, study.devices.streams, wait),
      await checkAudio(audio),
    ]
    // The session's own marker streams, the engine's markers and the simulator must be recordable:
    // waited for by uid, since an earlier run's stream of the same source may still be listed.
    const engine = await audio.readyEngine().catch(() => null)
    const simulator = acquisition.runningSimulator()?.outlet
    const mine = [
      ...[this.outlets.events, this.outlets.ratings].map((outlet) => ({ name: outlet.description.name, sourceId: outlet.description.sourceId, uid: outlet.uid })),
      ...(engine?.markerSourceId && engine.device.markerUid ? [{ name: engineDefaults.markerStream, sourceId: engine.markerSourceId, uid: engine.device.markerUid }] : []),
      ...(this.options.simulate && simulator ? [{ name: simulator.description.name, sourceId: simulator.description.sourceId, uid: simulator.uid }] : []),
    ]
    for (const stream of mine) {
      const found = await acquisition.streams.waitFor((candidate) => candidate.description.uid === stream.uid, wait)
      if (!found) checks.push({ name: 'streams', ok: false, detail: `the stream ${stream.name} did not appear on LSL within ${wait} s` })
    }
    const online = acquisition.streams.list().filter((stream) => stream.online)
    const ours = (source: string) => mine.some((stream) => stream.sourceId === source)
    // Another Entrain's session and audio markers (another room, another process) are never ours.
    const anotherEntrains = (source: string) => !ours(source) && /^entrain-(session|audio)-/.test(source)
    const wanted = (stream: StreamSummary) =>
      ours(stream.description.sourceId) ||
      (!anotherEntrains(stream.description.sourceId) &&
        // Without required streams, everything online is recorded (as LabRecorder users usually do).
        (study.devices.streams.length === 0 || study.devices.streams.some((requirement) => matchesRequirement(stream, requirement))))
    const recorded = online.filter(wanted)
    this.recordedKeys = recorded.map((stream) => stream.key)
    const remaining = this.record.sequence.filter((trial) => !this.record.trials.some((done) => done.index === trial.index))
    const seconds = expectedDurationSeconds(study, remaining, (id) => this.loaded.stimulusSeconds.get(id) ?? 0)
    checks.push(await checkDisk(this.folder.folder, recordingBytes(recorded, seconds)))
    this.checks = checks
    this.announce()
    return checks
  }

  /** Starts recording and the trials; resolves once the session is under way. */
  async start(): Promise<void> {
    if (this.state !== 'ready') throw new EntrainError('INVALID_INPUT', `the session is ${this.state}, not ready to start`)
    const failed = this.checks.filter((check) => !check.ok)
    if (this.checks.length === 0) throw new EntrainError('INVALID_INPUT', 'run the pre-flight check before starting')
    if (failed.length) throw new EntrainError('NOT_AVAILABLE', `pre-flight failed: ${failed.map((check) => `${check.name}: ${check.detail}`).join('; ')}`)
    this.state = 'running'
    await this.startPart()
    this.ticker = setInterval(() => this.announce(), 1000)
    this.running = this.run()
  }

  /** Resolves when the session has ended (completed, aborted or failed). */
  async finished(): Promise<SessionRecord> {
    await this.running
    return this.record
  }

  /** Pauses now: a playing stimulus fades out, and the trial under way starts again on resume. */
  pause(): void {
    if (this.state !== 'running') throw new EntrainError('INVALID_INPUT', `the session is ${this.state}; only a running session can pause`)
    this.enterPause()
    this.interrupt('pause')
    this.announce()
  }

  resume(): void {
    if (this.state !== 'paused') throw new EntrainError('INVALID_INPUT', `the session is ${this.state}, not paused`)
    this.state = 'running'
    this.whenResumed?.settle('resume')
    this.announce()
  }

  /** Skips the trial under way (during a break: ends the break). While paused: skips the next trial. */
  skip(): void {
    if (this.state === 'paused') this.whenResumed?.settle('skip')
    else if (this.state === 'running') this.interrupt('skip')
    else throw new EntrainError('INVALID_INPUT', `the session is ${this.state}; there is nothing to skip`)
  }

  /** Ends the session now; the recording and the files are finished properly, and it can be resumed later. */
  abort(): void {
    if (this.state === 'paused') this.whenResumed?.settle('abort')
    else if (this.state === 'running') this.interrupt('abort')
    else throw new EntrainError('INVALID_INPUT', `the session is ${this.state}; there is nothing to abort`)
  }

  /** The participant's answer to the scale being asked in trial `trial`. */
  respond(trial: number, scale: string, value: number): void {
    const asking = this.asking
    if (!asking || asking.trial !== trial || asking.scale.id !== scale) {
      throw new EntrainError('INVALID_INPUT', `no answer to ${scale} in trial ${trial} is expected now`)
    }
    const problem = invalidAnswer(asking.scale, value)
    if (problem) throw new EntrainError('INVALID_INPUT', problem)
    asking.answer(value)
  }

  status(): SessionStatus {
    const { record, loaded } = this
    const done = new Set(record.trials.map((trial) => trial.index))
    const remaining = record.sequence.filter((trial) => !done.has(trial.index))
    const next = remaining.find((trial) => trial.index !== this.current?.trial.index) ?? null
    const trial = this.current?.trial ?? remaining[0] ?? null
    const part = record.parts.at(-1)
    const recording = this.env.acquisition.recordingStatus()
    return {
      state: this.state,
      folder: this.folder.folder,
      studyName: loaded.study.name,
      participant: record.participant,
      session: record.session,
      simulated: this.options.simulate,
      part: record.parts.length,
      total: record.sequence.length,
      completed: record.trials.filter((entry) => entry.status === 'completed').length,
      skipped: record.trials.filter((entry) => entry.status === 'skipped').length,
      trial: trial && { ...trial, label: loaded.study.stimuli.find((stimulus) => stimulus.id === trial.stimulus)?.label ?? null },
      phase: this.current?.phase ?? null,
      asking: this.asking && { scale: this.asking.scale, position: this.asking.position, of: this.asking.of },
      next: next && { index: next.index, stimulus: next.stimulus },
      elapsedSeconds: part && this.state !== 'ready' ? this.env.clock() - part.clockStart : 0,
      remainingSeconds: expectedDurationSeconds(loaded.study, remaining, (id) => loaded.stimulusSeconds.get(id) ?? 0),
      recording: recording.active && recording.file === this.partPath(record.parts.length) ? { file: recording.file, bytes: recording.bytes } : null,
      preflight: this.checks,
      problem: this.problem,
    }
  }

  /** Lets go of the folder, the outlets and a simulator this session started (aborting a running session first). */
  async close(): Promise<void> {
    if (this.state === 'running' || this.state === 'paused') this.abort()
    await this.running
    this.outlets.events.close()
    this.outlets.ratings.close()
    if (this.startedSimulator) this.env.acquisition.stopSimulator()
    await this.folder.release()
  }

  private interrupt(reason: Interruption): void {
    if (this.attempt) this.attempt.controller.abort(new Interrupted(reason))
    else this.pendingInterruption = reason
  }

  private partPath(part: number): string {
    return this.folder.file(partFileName(part))
  }

  private async run(): Promise<void> {
    try {
      for (let index = nextTrialIndex(this.record); index !== null; index = nextTrialIndex(this.record)) {
        await this.runTrial(this.record.sequence[index]!)
      }
      await this.finish('completed')
    } catch (error) {
      if (error instanceof Interrupted && error.reason === 'abort') await this.finish('aborted')
      else await this.fail(error)
    } finally {
      if (this.ticker) clearInterval(this.ticker)
      for (const off of this.unsubscribe.splice(0)) off()
    }
  }

  private async startPart(): Promise<void> {
    const { acquisition } = this.env
    const part = this.record.parts.length + 1
    const file = this.partPath(part)
    await acquisition.startRecording(this.recordedKeys, file, (error) => {
      this.problem = `the recording stopped: ${error.message}`
      this.interrupt('fatal')
      this.whenResumed?.settle('fatal')
    })
    const clockStart = this.env.clock()
    const engine = await this.env.audio.readyEngine()
    const summaries = this.recordedKeys.map((key) => acquisition.streams.get(key)).filter((stream): stream is StreamSummary => stream !== undefined)
    this.record.parts.push({
      part,
      file: path.basename(file),
      startedAt: new Date().toISOString(),
      clockStart,
      streams: summaries.map((stream) => ({ name: stream.description.name, type: stream.description.type, key: stream.key })),
    })
    this.record.software = {
      entrain: appVersion,
      node: process.versions.node,
      ...(process.versions.electron ? { electron: process.versions.electron } : {}),
      liblsl: acquisition.lslStatus().version ?? 'unknown',
    }
    this.record.audio = { device: engine.device.device, rate: engine.device.rate, latencyMs: (engine.device.bufferFrames / engine.device.rate) * 1000 }
    this.record.status = 'running'
    this.unsubscribe.push(
      acquisition.streams.on('offline', (key) => {
        const stream = summaries.find((summary) => summary.key === key)
        if (!stream) return
        this.problem = `stream ${stream.description.name} vanished; the recording goes on and picks it up when it returns`
        void this.log('warn', this.problem)
      }),
      acquisition.streams.on('resumed', (key) => {
        const stream = summaries.find((summary) => summary.key === key)
        if (!stream) return
        this.problem = null
        void this.log('info', `stream ${stream.description.name} is back and recording again`)
      }),
    )
    const { participant, session } = this.record
    await this.commitSessionEvent(this.mark({ event: part === 1 ? 'session_start' : 'session_resume', time: clockStart, participant, session }))
  }

  private async runTrial(trial: PlannedTrial): Promise<void> {
    for (;;) {
      if (this.whenResumed) {
        if (this.pendingInterruption === 'pause') {
          this.pendingInterruption = null
          await this.commitSessionEvent(this.mark({ event: 'pause', trial: trial.index, stimulus: trial.stimulus }))
        }
        const how = await this.whenResumed.promise
        this.whenResumed = null
        if (how === 'abort' || how === 'fatal') throw new Interrupted(how)
        if (how === 'skip') {
          const events = [this.mark({ event: 'skip', trial: trial.index, stimulus: trial.stimulus })]
          await this.commitTrial(trial, 'skipped', { controller: new AbortController(), events, onset: null, ratings: {} })
          this.enterPause()
          return
        }
        await this.commitSessionEvent(this.mark({ event: 'resume', trial: trial.index, stimulus: trial.stimulus }))
      }
      this.preparedAudio(trial.stimulus).catch(() => {})
      const attempt: Attempt = { controller: new AbortController(), events: [], onset: null, ratings: {} }
      this.attempt = attempt
      this.current = { trial, phase: null }
      if (this.pendingInterruption) attempt.controller.abort(new Interrupted(this.pendingInterruption))
      this.pendingInterruption = null
      try {
        for (const step of this.steps(trial)) await this.runStep(step, trial, attempt)
        // Done: a pause, skip or abort from now on applies to the next trial.
        this.attempt = null
        attempt.events.push(this.mark({ event: 'trial_end', trial: trial.index, stimulus: trial.stimulus }))
        await this.commitTrial(trial, 'completed', attempt)
        return
      } catch (error) {
        this.attempt = null
        const reason = error instanceof Interrupted ? error.reason : null
        if (reason === 'pause') {
          attempt.events.push(this.mark({ event: 'pause', trial: trial.index, stimulus: trial.stimulus }))
          await this.commitSessionEvent(...attempt.events)
          continue
        }
        if (reason === 'skip' || reason === null) {
          const message = reason === null ? `trial ${trial.index + 1} (${trial.stimulus}) failed and was skipped: ${toErrorInfo(error).message}` : null
          if (message) this.problem = message
          attempt.events.push(
            this.mark(message ? { event: 'error', message, trial: trial.index } : { event: 'skip', trial: trial.index, stimulus: trial.stimulus }),
          )
          await this.commitTrial(trial, 'skipped', attempt)
          return
        }
        if (reason === 'abort') attempt.events.push(this.mark({ event: 'abort', trial: trial.index }))
        await this.commitSessionEvent(...attempt.events)
        throw error
      } finally {
        this.attempt = null
        this.current = null
        this.asking = null
      }
    }
  }

  private steps(trial: PlannedTrial): Step[] {
    const study = this.loaded.study
    return [...(trial.breakBefore && study.breakSeconds > 0 ? [{ kind: 'break' as const, seconds: study.breakSeconds }] : []), ...study.trial.phases]
  }

  private async runStep(step: Step, trial: PlannedTrial, attempt: Attempt): Promise<void> {
    const signal = attempt.controller.signal
    const seconds = 'seconds' in step ? step.seconds : null
    const instruction = step.kind === 'baseline' ? (step.instruction ?? null) : null
    this.enterPhase(step.kind, seconds, instruction, trial, attempt)
    if (step.kind === 'stimulus') return this.playStimulus(trial, attempt)
    if (step.kind === 'rating') {
      for (const [position, scale] of step.scales.entries()) await this.askRating(scaleSpec(scale), position, step.scales.length, trial, attempt)
      return
    }
    try {
      await sleep(seconds ?? 0, signal)
    } catch (error) {
      // Skipping during a break ends the break; the trial itself goes on.
      if (step.kind !== 'break' || !(error instanceof Interrupted) || error.reason !== 'skip') throw error
      attempt.controller = new AbortController()
    }
  }

  private enterPhase(name: PhaseName, seconds: number | null, instruction: string | null, trial: PlannedTrial, attempt: Attempt): void {
    const event = this.mark({ event: 'phase', phase: name, trial: trial.index, stimulus: trial.stimulus, ...(seconds === null ? {} : { seconds }) })
    attempt.events.push(event)
    this.current = { trial, phase: { name, seconds, instruction, startedAt: event.time } }
    this.announce()
  }

  private async playStimulus(trial: PlannedTrial, attempt: Attempt): Promise<void> {
    const stimulus = this.loaded.study.stimuli.find((candidate) => candidate.id === trial.stimulus)!
    const audio = await interruptible(this.preparedAudio(trial.stimulus), attempt.controller.signal)
    this.prepared.delete(trial.stimulus)
    const engine = await this.env.audio.readyEngine()
    const file = path.resolve(this.loaded.folder, stimulus.file)
    const samples = interleave(audio)
    // After an underrun the device clock is relearnt (about a second): until then no time can be kept.
    let playback: Playback | null = null
    let at = 0
    for (const deadline = Date.now() + 3000; !playback; ) {
      at = this.env.clock() + stimulusLeadSeconds
      try {
        playback = await engine.play({ id: stimulus.id, file }, samples, { at })
      } catch (error) {
        const retry = (toErrorInfo(error).details as { retry?: boolean } | undefined)?.retry === true
        if (!retry || Date.now() > deadline) throw error
        await sleep(0.1, attempt.controller.signal)
      }
    }
    this.env.acquisition.runningSimulator()?.hear(audio, at)
    const noteMarker = (marker: MarkerEvent | null) => {
      if (!marker) return
      const { time, event, frame, underruns } = marker
      attempt.events.push(this.mark({ event, time, trial: trial.index, stimulus: stimulus.id, file: stimulus.file, frame, ...(underruns === undefined ? {} : { underruns }) }, null))
      this.count(engineDefaults.markerStream)
      if (event === 'stimulus_onset') attempt.onset = time
      if (underruns) void this.log('warn', `${underruns} underrun(s) while ${stimulus.id} played: its timing is suspect`)
    }
    this.prefetchAfter(trial)
    try {
      noteMarker(await interruptible(playback.onset, attempt.controller.signal))
      noteMarker(await interruptible(playback.end, attempt.controller.signal))
    } catch (error) {
      engine.stop(0.05)
      if (attempt.onset === null) noteMarker(await within(playback.onset, markerGraceSeconds))
      noteMarker(await within(playback.end, markerGraceSeconds))
      throw error
    }
  }

  private async askRating(scale: ScaleSpec, position: number, of: number, trial: PlannedTrial, attempt: Attempt): Promise<void> {
    const shownAt = this.env.clock()
    const value = await interruptible(
      new Promise<number>((resolve) => {
        this.asking = { scale, position, of, trial: trial.index, answer: resolve }
        if (this.options.simulate) {
          const answer = simulatedAnswer(scale, trial.stimulus, this.record.seed)
          setTimeout(() => resolve(answer.value), answer.responseSeconds * 1000)
        }
        this.announce()
      }),
      attempt.controller.signal,
    )
    this.asking = null
    const time = this.env.clock()
    attempt.ratings[scale.id] = value
    attempt.events.push(this.mark({ event: 'response', time, trial: trial.index, stimulus: trial.stimulus, scale: scale.id, value, responseSeconds: time - shownAt }, 'ratings'))
  }

  /** Decodes and prepares a stimulus for the device (cached until played). */
  private preparedAudio(id: string): Promise<PcmAudio> {
    let audio = this.prepared.get(id)
    if (!audio) {
      const stimulus = this.loaded.study.stimuli.find((candidate) => candidate.id === id)!
      audio = this.env.audio.readyEngine().then(async (engine) => {
        return decodeOffThread(path.resolve(this.loaded.folder, stimulus.file), {
          targetRate: engine.device.rate,
          targetChannels: engine.device.channels === 1 ? 1 : 2,
          gainDb: stimulus.gainDb,
          ...(stimulus.excerpt ? { excerpt: stimulus.excerpt, fadeIn: 0.01, fadeOut: 0.01 } : {}),
        })
      })
      audio.catch(() => this.prepared.delete(id))
      this.prepared.set(id, audio)
    }
    return audio
  }

  /** Starts preparing the next trial's stimulus while this one plays. */
  private prefetchAfter(trial: PlannedTrial): void {
    const next = this.record.sequence.find((candidate) => candidate.index > trial.index && !this.record.trials.some((done) => done.index === candidate.index))
    if (next) this.preparedAudio(next.stimulus).catch(() => {})
  }

  /**
   * Stamps an event (now, unless it carries its time), publishes it on the session's marker stream
   * (or the ratings stream; null: already published by the audio engine) and logs it.
   */
  private mark<E extends DistributiveOmit<SessionEvent, 'time' | 'part'>>(event: E & { time?: number }, stream: 'events' | 'ratings' | null = 'events'): SessionEvent {
    const stamped = { ...event, time: event.time ?? this.env.clock(), part: this.record.parts.length } as SessionEvent
    if (stream) {
      const outlet = this.outlets[stream]
      outlet.push([sessionMarkerPayload(stamped)], Float64Array.of(stamped.time))
      this.count(outlet.description.name)
    }
    void this.log(stamped.event === 'error' ? 'error' : 'info', describeEvent(stamped), stamped)
    return stamped
  }

  private count(stream: string): void {
    this.pushed.set(stream, (this.pushed.get(stream) ?? 0) + 1)
  }

  private async commitTrial(trial: PlannedTrial, status: 'completed' | 'skipped', attempt: Attempt): Promise<void> {
    this.record.trials.push({ index: trial.index, stimulus: trial.stimulus, status, part: this.record.parts.length, onset: attempt.onset, ratings: attempt.ratings })
    this.record.events.push(...attempt.events)
    await this.save()
  }

  private async commitSessionEvent(...events: SessionEvent[]): Promise<void> {
    this.record.events.push(...events)
    await this.save()
  }

  private async save(): Promise<void> {
    this.record.updatedAt = new Date().toISOString()
    const { record, loaded } = this
    const scales = loaded.study.trial.phases.flatMap((phase) => (phase.kind === 'rating' ? phase.scales.map((scale) => scaleSpec(scale).id) : []))
    await this.folder.writeRecord(record, {
      partStart: (part) => record.parts[part - 1]?.clockStart ?? Number.NaN,
      partFile: (part) => record.parts[part - 1]?.file ?? '',
      blockOf: (index) => record.sequence[index]?.block ?? '',
      stimulusFile: (id) => loaded.study.stimuli.find((stimulus) => stimulus.id === id)?.file ?? '',
      scales,
    })
    this.announce()
  }

  private enterPause(): void {
    this.state = 'paused'
    let settle!: (how: Resumption) => void
    const promise = new Promise<Resumption>((resolve) => (settle = resolve))
    this.whenResumed = { promise, settle }
  }

  private async finish(status: 'completed' | 'aborted'): Promise<void> {
    await this.commitSessionEvent(this.mark({ event: 'session_end', status }))
    await this.stopRecording()
    this.record.status = status
    await this.save()
    this.state = status
    this.announce()
    await this.log('info', `session ${status}: ${this.record.trials.filter((trial) => trial.status === 'completed').length} of ${this.record.sequence.length} trials completed`)
  }

  private async fail(error: unknown): Promise<void> {
    this.problem ??= toErrorInfo(error).message
    await this.log('error', `the session stopped: ${this.problem}; it can be resumed`)
    await this.stopRecording().catch(() => {})
    this.record.status = 'paused'
    await this.save().catch(() => {})
    this.state = 'failed'
    this.announce()
  }

  /** Waits until the recorder has written every marker this session published, then stops it. */
  private async stopRecording(): Promise<void> {
    const { acquisition } = this.env
    const deadline = Date.now() + 3000
    const written = () => {
      const streams = acquisition.recordingStatus().streams
      return [...this.pushed].every(([name, count]) => (streams.find((stream) => stream.name === name)?.samples ?? count) >= count)
    }
    while (acquisition.recordingStatus().active && !written() && Date.now() < deadline) await sleep(0.1)
    await acquisition.stopRecording()
    this.pushed.clear()
  }

  private async log(level: LogLine['level'], message: string, event?: SessionEvent): Promise<void> {
    const line: LogLine = { at: new Date().toISOString(), level, message, ...(event ? { event } : {}) }
    this.options.onLog?.(line)
    await this.folder.appendLog(line).catch((error: Error) => this.options.onLog?.({ at: line.at, level: 'error', message: `log.jsonl: ${error.message}` }))
  }

  private announce(): void {
    this.options.onStatus?.(this.status())
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

function describeEvent(event: SessionEvent): string {
  const trial = 'trial' in event && event.trial !== null ? `trial ${event.trial + 1}: ` : ''
  switch (event.event) {
    case 'phase':
      return `${trial}${event.phase}${event.seconds !== undefined ? ` (${event.seconds} s)` : ''} — ${event.stimulus}`
    case 'response':
      return `${trial}${event.scale} = ${event.value} after ${event.responseSeconds.toFixed(2)} s`
    case 'error':
      return `${trial}${event.message}`
    case 'session_start':
    case 'session_resume':
      return `${event.event === 'session_start' ? 'started' : 'resumed'} sub-${event.participant} ses-${event.session}, recording part ${event.part}`
    case 'session_end':
      return `session ${event.status}`
    default:
      return `${trial}${event.event.replace(/_/g, ' ')}${'stimulus' in event ? ` — ${event.stimulus}` : ''}`
  }
}

/** Resolves after `seconds`, or rejects with the signal's reason when it aborts first. */
function sleep(seconds: number, signal?: AbortSignal): Promise<void> {
  return interruptible(new Promise<void>((resolve) => setTimeout(resolve, seconds * 1000)), signal)
}

function interruptible<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise
  if (signal.aborted) return Promise.reject(signal.reason as Error)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error as Error)
      },
    )
  })
}

/** The promise's value, or null if it takes longer than `seconds`. */
function within<T>(promise: Promise<T>, seconds: number): Promise<T | null> {
  return Promise.race([promise, new Promise<null>((resolve) => setTimeout(() => resolve(null), seconds * 1000))])
}
