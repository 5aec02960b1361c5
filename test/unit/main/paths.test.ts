import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultDataDir } from '../../../src/main/paths'

describe('defaultDataDir', () => {
  it('follows ENTRAIN_DATA_DIR first', () => {
    expect(defaultDataDir({ ENTRAIN_DATA_DIR: 'rel/dir' }, 'linux')).toBe(path.resolve('rel/dir'))
  })

  it("matches Electron's userData folder on each platform", () => {
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe('/cfg/Entrain')
    expect(defaultDataDir({}, 'linux')).toBe(path.join(os.homedir(), '.config', 'Entrain'))
    expect(defaultDataDir({}, 'darwin')).toBe(path.join(os.homedir(), 'Library', 'Application Support', 'Entrain'))
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\x\\AppData\\Roaming' }, 'win32')).toBe(path.join('C:\\Users\\x\\AppData\\Roaming', 'Entrain'))
  })
})
