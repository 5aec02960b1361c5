import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { bundledLibraryDir, libraryCandidates } from '../../../../src/main/lsl/library'

describe('liblsl search order', () => {
  it('tries the user setting, then the system (newest names first), then the bundled copy', () => {
    expect(libraryCandidates({ ENTRAIN_LSL_LIB: '/opt/lsl/liblsl.so.2' }, 'linux')).toEqual([
      { request: '/opt/lsl/liblsl.so.2', origin: 'ENTRAIN_LSL_LIB' },
      { request: 'liblsl.so.2', origin: 'system' },
      { request: 'liblsl.so', origin: 'system' },
      { request: 'liblsl64.so', origin: 'system' },
      { request: 'liblsl.so.1', origin: 'system' },
      { request: path.join(bundledLibraryDir, 'liblsl64.so'), origin: 'bundled' },
    ])
  })

  it('knows the names on Windows and macOS', () => {
    expect(libraryCandidates({}, 'win32')[0]).toEqual({ request: 'lsl.dll', origin: 'system' })
    expect(libraryCandidates({}, 'darwin').map((candidate) => candidate.request)).toContain('liblsl.dylib')
  })
})
