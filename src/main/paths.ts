import os from 'node:os'
import path from 'node:path'
import { appName } from './app-info'

/**
 * Where settings and logs live when no host says otherwise: the same folder Electron's
 * `app.getPath('userData')` gives, so the CLI, the browser test host and the app share settings.
 * `ENTRAIN_DATA_DIR` overrides it (tests use a temporary folder).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.ENTRAIN_DATA_DIR) return path.resolve(env.ENTRAIN_DATA_DIR)
  const home = os.homedir()
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), appName)
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', appName)
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), appName)
}

/**
 * Folders of the built app. Every main-side entry (app, CLI, workers) is bundled into out/main, so
 * these hold for all of them; they are not meaningful when running from source.
 */
export const builtMainDir = __dirname
export const builtRendererDir = path.join(__dirname, '../renderer')
export const builtPreloadFile = path.join(__dirname, '../preload/index.js')
/** The folder whose package.json names out/main/index.js as Electron's entry. */
export const appRootDir = path.join(__dirname, '../..')

/** The built-in demo study, opened when nobody has opened a study yet. */
export const demoStudyDir = path.join(appRootDir, 'resources', 'demo')

/**
 * The entry file of a worker thread or of the trainer process. They always run from the build
 * (out/main), also when the code that starts them runs from source in tests, so that one file
 * serves the app, the CLI and tests.
 */
export function workerFile(name: 'inlet-worker' | 'recorder-worker' | 'audio-worker' | 'decode-worker' | 'trainer'): string {
  return path.join(appRootDir, 'out', 'main', `${name}.js`)
}
