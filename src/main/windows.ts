import { BrowserWindow, dialog, screen, shell } from 'electron'
import path from 'node:path'
import type { SettingsStore } from './store/settings'
import type { DisplayInfo, ParticipantWindowStatus } from '../shared/contract'
import { isAppPageUrl, mainWindowOptions, participantWindowOptions } from './window-options'

export const rendererIndexFile = path.join(__dirname, '../renderer/index.html')
export const devServerUrl = process.env.ELECTRON_RENDERER_URL

export function isAppPage(url: string): boolean {
  return isAppPageUrl(url, rendererIndexFile, devServerUrl)
}

/** Opens the main window where it was last closed (if that place is still on a screen). */
export function createMainWindow(settings: SettingsStore): BrowserWindow {
  const saved = settings.get().windowBounds
  const onScreen =
    saved &&
    screen.getAllDisplays().some(({ workArea: area }) =>
      saved.x < area.x + area.width && saved.x + saved.width > area.x && saved.y < area.y + area.height && saved.y + saved.height > area.y,
    )
  const window = new BrowserWindow(mainWindowOptions(path.join(__dirname, '../preload/index.js'), onScreen ? saved : null))
  if (onScreen && saved.maximized) window.maximize()

  window.once('ready-to-show', () => window.show())
  // The page refuses to unload while a study has unsaved changes; Electron would then silently
  // keep the window open, so ask the experimenter instead.
  window.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(window, {
      type: 'question',
      buttons: ['Close without saving', 'Cancel'],
      defaultId: 1,
      cancelId: 1,
      message: 'The study has unsaved changes.',
      detail: 'Close anyway and lose them? (Cancel, then Ctrl+S in the Study view, saves them.)',
    })
    if (choice === 0) event.preventDefault()
  })
  window.on('close', () => {
    void settings.setWindowBounds({ ...window.getNormalBounds(), maximized: window.isMaximized() })
  })

  if (devServerUrl) void window.loadURL(devServerUrl)
  else void window.loadFile(rendererIndexFile)
  return window
}

function displays(): DisplayInfo[] {
  const primary = screen.getPrimaryDisplay().id
  return screen.getAllDisplays().map((display, index) => ({
    id: display.id,
    label: display.label || `Display ${index + 1}`,
    width: display.size.width,
    height: display.size.height,
    primary: display.id === primary,
  }))
}

/**
 * The participant's window: the same renderer at #/participant, full-screen and frameless on the
 * chosen display, with the same sandbox. One at a time.
 */
export function participantWindowHost(): { status(): ParticipantWindowStatus; show(display: number | null): ParticipantWindowStatus; window(): BrowserWindow | null } {
  let window: BrowserWindow | null = null
  const status = (): ParticipantWindowStatus => ({ supported: true, open: window !== null && !window.isDestroyed(), displays: displays() })
  return {
    status,
    window: () => (window && !window.isDestroyed() ? window : null),
    show(displayId) {
      if (window && !window.isDestroyed()) window.close()
      window = null
      if (displayId === null) return status()
      const display = screen.getAllDisplays().find((candidate) => candidate.id === displayId) ?? screen.getPrimaryDisplay()
      window = new BrowserWindow(participantWindowOptions(path.join(__dirname, '../preload/index.js'), display.bounds))
      window.once('ready-to-show', () => window?.show())
      window.on('closed', () => (window = null))
      if (devServerUrl) void window.loadURL(`${devServerUrl}#/participant`)
      else void window.loadFile(rendererIndexFile, { hash: '/participant' })
      return status()
    },
  }
}

/** Links the user clicks open in their browser; the app window itself never navigates away. */
export function openExternally(url: string): void {
  if (/^https?:\/\//.test(url)) void shell.openExternal(url)
}
