import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron'
import type { WindowBounds } from '../shared/contract'

/**
 * The renderer's sandbox. Kept apart from windows.ts (which needs Electron at run time) so that a
 * plain-Node test can hold these settings to account.
 */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    // Live EEG traces must keep drawing while the experimenter looks at another window.
    backgroundThrottling: false,
  }
}

export const defaultWindowSize = { width: 1280, height: 800 }

export function mainWindowOptions(preloadPath: string, saved: WindowBounds | null): BrowserWindowConstructorOptions {
  return {
    ...(saved ? { x: saved.x, y: saved.y, width: saved.width, height: saved.height } : defaultWindowSize),
    minWidth: 900,
    minHeight: 600,
    title: 'Entrain',
    show: false,
    backgroundColor: '#f6f7f9',
    webPreferences: secureWebPreferences(preloadPath),
  }
}

/** Full-screen and frameless on the given display's bounds; the same sandbox as the main window. */
export function participantWindowOptions(preloadPath: string, bounds: { x: number; y: number; width: number; height: number }): BrowserWindowConstructorOptions {
  return {
    ...bounds,
    fullscreen: true,
    frame: false,
    title: 'Entrain — participant',
    show: false,
    backgroundColor: '#000000',
    webPreferences: secureWebPreferences(preloadPath),
  }
}

/**
 * Whether a page URL is the app's own renderer: the built index.html, or electron-vite's dev server
 * during development. Everything else is refused navigation and IPC.
 */
export function isAppPageUrl(pageUrl: string, rendererIndexFile: string, devServerUrl: string | undefined): boolean {
  let url: URL
  try {
    url = new URL(pageUrl)
  } catch {
    return false
  }
  if (devServerUrl) return url.origin === new URL(devServerUrl).origin
  if (url.protocol !== 'file:') return false
  return decodeURIComponent(url.pathname) === rendererIndexFile.replaceAll('\\', '/').replace(/^(?=[A-Za-z]:)/, '/')
}
