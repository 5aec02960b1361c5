import nodePath from 'node:path'
import type { AppInfo } from '../shared/contract'
import { EntrainError } from '../shared/errors'
import { Acquisition } from './acquisition'
import { appName, appVersion } from './app-info'
import { demoStudyDir } from './paths'
import { AudioService } from './audio/service'
import { listSerialPorts, SerialBoards } from './devices/serial-boards'
import { createDispatch, type Dispatch, type Log } from './dispatch'
import { EventHub } from './events'
import { SettingsStore } from './store/settings'
import { inspectStudyFolder, studyFileName } from './store/study-folder'
import { studyOverview } from './study/overview'

/** What differs between the hosts that run the services; everything else is shared. */
export interface Host {
  kind: AppInfo['host']
  dataDir: string
  /** The system folder chooser, where the host has one (the Electron app). */
  pickFolder?: () => Promise<string | null>
  log?: Log
}

export interface Services {
  dispatch: Dispatch
  events: EventHub
  settings: SettingsStore
  acquisition: Acquisition
  audio: AudioService
  serial: SerialBoards
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
  const serial = new SerialBoards(events)

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
      'study.overview': async ({ path, participant, session }) => studyOverview(nodePath.join(path, studyFileName), participant, session),
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
      'serial.ports': async () => listSerialPorts(),
      'serial.boards': async () => serial.list(),
      'serial.connect': async (options) => serial.connect(options),
      'serial.disconnect': async ({ path }) => serial.disconnect(path),
    },
    log,
  )

  return {
    dispatch,
    events,
    settings,
    acquisition,
    audio,
    serial,
    close: async () => {
      await audio.close()
      await serial.close()
      await acquisition.close()
      await settings.flushed()
    },
  }
}
