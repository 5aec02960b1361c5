import { reactive } from 'vue'
import type { AppInfo, Settings, StudyFolder } from '../../shared/contract'
import { call, on } from '../api/client'

/** What every view may read: who serves us, the user's settings, and the study that is open. */
export const appState = reactive({
  info: null as AppInfo | null,
  settings: { recentStudies: [], windowBounds: null } as Settings,
  study: null as StudyFolder | null,
  error: null as string | null,
})

export async function loadAppState(): Promise<void> {
  on('settings.changed', (settings) => (appState.settings = settings))
  const [info, settings] = await Promise.all([call('app.info', {}), call('settings.get', {})])
  appState.info = info
  appState.settings = settings
  // Start where the experimenter left off; on first start (or if that folder is gone), the demo.
  try {
    await openStudy(settings.recentStudies[0] ?? info.demoStudy)
  } catch {
    await openStudy(info.demoStudy)
  }
}

export async function openStudy(path: string): Promise<void> {
  appState.study = await call('study.open', { path })
}
