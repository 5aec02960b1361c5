import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import koffi from 'koffi'
import { EntrainError } from '../../shared/errors'
import { appRootDir } from '../paths'

export interface LibraryLocation {
  /** What was asked of the loader: a path, or a system library name. */
  request: string
  /** Where the library came from, for `entrain doctor`. */
  origin: 'ENTRAIN_LSL_LIB' | 'system' | 'bundled'
}

export interface LoadedLibrary {
  lib: koffi.IKoffiLib
  /** The file that was loaded (resolved from the process's mappings where the platform tells). */
  path: string
  origin: LibraryLocation['origin']
  /** As `lsl_library_version()` reports it, e.g. "1.10" for 110. */
  version: string
}

const systemNames: Record<string, string[]> = {
  // 1.14+ first, then the names older releases and distributions used.
  linux: ['liblsl.so.2', 'liblsl.so', 'liblsl64.so', 'liblsl.so.1'],
  darwin: ['liblsl.dylib', 'liblsl.2.dylib', 'liblsl64.dylib'],
  win32: ['lsl.dll', 'liblsl64.dll'],
}

const bundledName: Record<string, string> = { linux: 'liblsl64.so', darwin: 'liblsl64.dylib', win32: 'liblsl64.dll' }

export const bundledLibraryDir = path.join(appRootDir, 'resources', 'liblsl')

/** Candidates in the order they are tried: the user's explicit choice, the system, the bundled copy. */
export function libraryCandidates(env: NodeJS.ProcessEnv = process.env, platform = process.platform): LibraryLocation[] {
  const candidates: LibraryLocation[] = []
  if (env.ENTRAIN_LSL_LIB) candidates.push({ request: env.ENTRAIN_LSL_LIB, origin: 'ENTRAIN_LSL_LIB' })
  for (const name of systemNames[platform] ?? []) candidates.push({ request: name, origin: 'system' })
  const bundled = bundledName[platform]
  if (bundled) candidates.push({ request: path.join(bundledLibraryDir, bundled), origin: 'bundled' })
  return candidates
}

export const installHint =
  'install liblsl (a release from https://github.com/sccn/liblsl/releases, or your package manager), ' +
  'set ENTRAIN_LSL_LIB to its path, or run `npm ci` to fetch the bundled copy'

/**
 * liblsl runs threads of its own. If Node unloads the library at exit while they run, the process
 * crashes (about one exit in three). Opening it once more with RTLD_NODELETE keeps it mapped until
 * the process is gone. Returns false where the platform has no dlopen (Windows keeps DLLs loaded).
 */
function pinInMemory(request: string): boolean {
  const libc = process.platform === 'linux' ? 'libc.so.6' : process.platform === 'darwin' ? '/usr/lib/libSystem.B.dylib' : null
  if (!libc) return false
  const flags = process.platform === 'linux' ? 0x2 | 0x1000 : 0x2 | 0x80 // RTLD_NOW | RTLD_NODELETE
  const dlopen = koffi.load(libc).func('void *dlopen(const char *file, int mode)')
  return dlopen(request, flags) !== null
}

function mappedPath(request: string): string {
  if (path.isAbsolute(request) || process.platform !== 'linux') return request
  try {
    const line = readFileSync('/proc/self/maps', 'utf8')
      .split('\n')
      .find((entry) => entry.includes(`/${request}`) || entry.includes('/liblsl'))
    return line?.slice(line.indexOf('/')) ?? request
  } catch {
    return request
  }
}

let loaded: LoadedLibrary | undefined
let failure: EntrainError | undefined

/** Loads liblsl once per thread (worker threads each call this). Throws NOT_AVAILABLE with what to install. */
export function loadLibrary(): LoadedLibrary {
  if (loaded) return loaded
  if (failure) throw failure
  const tried: string[] = []
  for (const candidate of libraryCandidates()) {
    if (path.isAbsolute(candidate.request) && !existsSync(candidate.request)) {
      tried.push(`${candidate.request} (missing)`)
      continue
    }
    if (!pinInMemory(candidate.request) && process.platform !== 'win32') {
      tried.push(candidate.request)
      continue
    }
    try {
      const lib = koffi.load(candidate.request)
      const raw = lib.func('int lsl_library_version()')() as number
      loaded = {
        lib,
        path: mappedPath(candidate.request),
        origin: candidate.origin,
        version: `${Math.floor(raw / 100)}.${raw % 100}`,
      }
      return loaded
    } catch (error) {
      tried.push(`${candidate.request} (${(error as Error).message})`)
    }
  }
  failure = new EntrainError('NOT_AVAILABLE', `liblsl not found; ${installHint}`, { tried })
  throw failure
}
