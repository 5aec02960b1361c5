import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

export type ElectronBinary = { found: true; path: string; version: string } | { found: false; problem: string }

/**
 * Finds the Electron executable that the `electron` npm package downloads at install time. The
 * download needs the internet; where it was skipped (ELECTRON_SKIP_BINARY_DOWNLOAD) or failed, this
 * says so instead of letting Electron's own loader throw.
 */
export function locateElectron(fromDir: string): ElectronBinary {
  let packageDir: string
  try {
    packageDir = path.dirname(createRequire(path.join(fromDir, 'noop.js')).resolve('electron/package.json'))
  } catch {
    return { found: false, problem: 'the electron package is not installed (run npm ci)' }
  }
  const version = (JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string }).version
  const pathFile = path.join(packageDir, 'path.txt')
  const executable = existsSync(pathFile) ? path.join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim()) : null
  if (!executable || !existsSync(executable)) {
    return {
      found: false,
      problem: `the Electron ${version} binary is not installed (its download was skipped or unreachable)`,
    }
  }
  return { found: true, path: executable, version }
}
