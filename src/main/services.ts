import { stat } from 'node:fs/promises'
import nodePath from 'node:path'
import type { AppInfo, ParticipantWindowStatus } from '../shared/contract'
import { EntrainError } from '../shared/errors'
import { Acquisition } from './acquisition'
import { appName, appVersion } from './app-info'
import { demoStudyDir } from './paths'
import { AudioService } from './audio/service'
import { listSerialPorts, SerialBoards } from './devices/serial-boards'
import { createDispatch, type Dispatch, type Log } from './dispatch'
import { localClock } from './lsl/bindings'
import { RecordingsService } from './recordings/service'
import { RetrievalService } from './retrieval/service'
import { SessionService } from './session/service'
import { EventHub } from './events'
import { SettingsStore } from './store/settings'
import { createStudyFolder, inspectStudyFolder, studyFileName } from './store/study-folder'
import { readStudyDraft, saveStudy } from './study/edit'
import { stimuliFromSource, stimulusFiles } from './study/import'
import { studyOverview } from './study/overview'
import { forkTrainer, TrainerHost, type TrainerLauncher } from './training/host'
import { deleteModel, listModels, modelsFolder, showModel } from './training/models'
import { TrainingService } from './training/service'

/** What differs between the hosts that run the services; everything else is shared. */
export interface Host {
  kind: AppInfo['host']
  dataDir: string
  /** The system folder chooser, where the host has one (the Electron app). */
  pickFolder?: () => Promise<string | null>
  /** The participant's full-screen window, where the host can open windows (the Electron app). */
  participantWindow?: {
    status(): ParticipantWindowStatus
    show(display: number | null): ParticipantWindowStatus
  }
  log?: Log
  /** How the trainer process starts: an Electron utilityProcess in the app, a forked Node child elsewhere. */
  launchTrainer?: TrainerLauncher
}

export interface Services {
  dispatch: Dispatch
  events: EventHub
  settings: SettingsStore
  acquisition: Acquisition
  audio: AudioService
  sessions: SessionService
  serial: SerialBoards
  recordings: RecordingsService
  training: TrainingService
  retrieval: RetrievalService
  /** Stops recordings, devices and inlets so that the host can exit cleanly. */
  close(): Promise<void>
}

/** Builds every service and binds them to the contract. Hosts add only a transport on top. */
export async function createServices(host: Host): Promise<Services> {
  const log: Log = host.log ?? ((line) => console.error(`[entrain] ${line.level}: ${line.message}`))
  const events = new EventHub()
  const settings = await SettingsStore.open(host.dataDir, {
    onChange: (value) => events.emit('settings.changed', value),
    onProblem: (message) => log({ level: 'warn', message }),
  })

  const acquisition = new Acquisition(events, host.dataDir)
  acquisition.start()
  const audio = new AudioService(events, host.dataDir)
  const sessions = new SessionService({ acquisition, audio, clock: localClock }, events)
  const serial = new SerialBoards(events)
  const recordings = new RecordingsService(events)
  // Training and retrieval evaluations each have a trainer process (started on first use), so one can run beside the other.
  const training = new TrainingService(new TrainerHost(host.launchTrainer ?? forkTrainer), events)
  const retrieval = new RetrievalService(new TrainerHost(host.launchTrainer ?? forkTrainer), events)

  const dispatch = createDispatch(
    {
      'app.info': async () => ({
        name: appName,
        version: appVersion,
        host: host.kind,
        platform: `${process.platform}-${process.arch}`,
        versions: Object.fromEntries(
          Object.entries(process.versions).filter((entry): entry is [string, string] => entry[1] !== undefined),
        ),
        dataDir: host.dataDir,
        nativeDialogs: host.pickFolder !== undefined,
        demoStudy: demoStudyDir,
      }),
      'settings.get': async () => settings.get(),
      'study.pickFolder': async () => {
        if (!host.pickFolder) {
          throw new EntrainError('NOT_AVAILABLE', 'this host has no folder chooser; type the folder path instead')
        }
        return { path: await host.pickFolder() }
      },
      'study.open': async ({ path }) => {
        const folder = await inspectStudyFolder(path)
        await settings.addRecentStudy(folder.path)
        return folder
      },
      'study.forgetRecent': async ({ path }) => settings.forgetRecentStudy(path),
      'study.overview': async ({ path, participant, session, study }) => studyOverview(nodePath.join(path, studyFileName), participant, session, study),
      'study.create': async ({ path }) => createStudyFolder(path),
      'study.read': async ({ path }) => readStudyDraft(nodePath.join((await inspectStudyFolder(path)).path, studyFileName)),
      'study.save': async ({ path, study, replaces }) => {
        const folder = await inspectStudyFolder(path)
        const { revision } = await saveStudy(nodePath.join(folder.path, studyFileName), study, replaces)
        return { folder: { ...folder, hasStudyFile: true }, revision }
      },
      'study.stimulusFiles': async ({ path }) => stimulusFiles((await inspectStudyFolder(path)).path),
      'study.importStimuli': async ({ path, from }) => {
        const folder = (await inspectStudyFolder(path)).path
        return stimuliFromSource(nodePath.resolve(folder, from), folder)
      },
      'lsl.status': async () => acquisition.lslStatus(),
      'streams.list': async () => acquisition.list(),
      'streams.watch': async ({ keys }) => acquisition.watch(keys),
      'simulator.start': async (options) => acquisition.startSimulator(options),
      'simulator.stop': async () => acquisition.stopSimulator(),
      'simulator.status': async () => acquisition.simulatorStatus(),
      'recording.start': async ({ keys, file }) => acquisition.startRecording(keys, file),
      'recording.stop': async () => acquisition.stopRecording(),
      'recording.status': async () => acquisition.recordingStatus(),
      'audio.devices': async () => audio.devices(),
      'audio.status': async () => audio.status(),
      'audio.select': async ({ device }) => audio.select(device),
      'audio.testTone': async () => audio.testTone(),
      'audio.stimulus': async ({ path }) => audio.overview(path),
      'audio.play': async ({ path, excerpt }) => audio.play(path, excerpt),
      'audio.stop': async () => audio.stop(),
      'audio.selfTest': async ({ clicks, captureDevice }) => audio.selfTest(clicks ?? 20, captureDevice),
      'session.list': async ({ path }) => sessions.list(path),
      'session.prepare': async (input) => sessions.prepare(input),
      'session.start': async () => sessions.start(),
      'session.pause': async () => sessions.control('pause'),
      'session.resume': async () => sessions.control('resume'),
      'session.skip': async () => sessions.control('skip'),
      'session.abort': async () => sessions.control('abort'),
      'session.close': async () => sessions.close(),
      'session.status': async () => sessions.status(),
      'session.participantWindow': async () => host.participantWindow?.status() ?? { supported: false, open: false, displays: [] },
      'session.showParticipant': async ({ display }) => {
        if (!host.participantWindow) throw new EntrainError('NOT_AVAILABLE', 'this host opens no windows; open the participant page (#/participant) in a browser tab on the participant’s screen')
        return host.participantWindow.show(display)
      },
      'session.respond': async ({ trial, scale, value }) => sessions.respond(trial, scale, value),
      'serial.ports': async () => listSerialPorts(),
      'serial.boards': async () => serial.list(),
      'serial.connect': async (options) => serial.connect(options),
      'serial.disconnect': async ({ path }) => serial.disconnect(path),
      'recordings.open': async ({ path }) => recordings.open(path),
      'recordings.window': async (input) => recordings.window(input),
      'recordings.epochs': async (input) => recordings.epochs(input),
      'recordings.spectra': async (input) => recordings.spectra(input),
      'recordings.export': async (input) => recordings.exportRecording(input),
      'recordings.exportBids': async (input) => recordings.exportBids(input),
      'training.start': async ({ job }) => training.start(job),
      'training.cancel': async () => training.cancel(),
      'training.status': async () => training.status(),
      'models.list': async ({ study }) => {
        const folder = modelsFolder(study, host.dataDir)
        return { folder, models: await listModels(folder) }
      },
      'models.target': async ({ study, name }) => {
        const target = nodePath.join(modelsFolder(study, host.dataDir), name)
        if (await stat(target).catch(() => null)) throw new EntrainError('CONFLICT', `${target} exists already; choose another name (Entrain never replaces a model)`)
        return { path: target, dataset: nodePath.join(study ?? host.dataDir, 'datasets', name) }
      },
      'models.show': async ({ path }) => showModel(path),
      'models.delete': async ({ path }) => deleteModel(path),
      'retrieval.evaluate': async ({ id, folder, ...options }) => retrieval.evaluate(id, folder, options),
      'retrieval.cancel': async ({ id }) => retrieval.cancel(id),
      'retrieval.export': async ({ id, format, out }) => retrieval.export(id, format, out),
    },
    log,
  )

  return {
    dispatch,
    events,
    settings,
    acquisition,
    audio,
    sessions,
    serial,
    recordings,
    training,
    retrieval,
    close: async () => {
      await training.close()
      await retrieval.close()
      await recordings.close()
      await sessions.close()
      await audio.close()
      await serial.close()
      await acquisition.close()
      await settings.flushed()
    },
  }
}
