import { readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { readJsonFile, writeJsonAtomic } from '../../../../src/main/store/json-file'
import { useTempDirs } from '../../../support/temp-dir'

const tempDir = useTempDirs()

describe('JSON files', () => {
  it('writes atomically, creating folders, and leaves no temporary file behind', async () => {
    const dir = await tempDir()
    const file = path.join(dir, 'nested', 'value.json')
    await writeJsonAtomic(file, { a: 1 })
    await writeJsonAtomic(file, { a: 2 })
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ a: 2 })
    expect(await readdir(path.dirname(file))).toEqual(['value.json'])
  })

  it('reports a missing file as missing', async () => {
    expect(await readJsonFile(path.join(await tempDir(), 'none.json'))).toEqual({ status: 'missing' })
  })

  it('sets a corrupt file aside under a new name instead of losing it', async () => {
    const dir = await tempDir()
    const file = path.join(dir, 'broken.json')
    await writeFile(file, '{"half": ')
    const result = await readJsonFile(file)
    expect(result.status).toBe('corrupt')
    if (result.status !== 'corrupt') return
    expect(await readFile(result.movedTo, 'utf8')).toBe('{"half": ')
    expect(await readdir(dir)).toEqual([path.basename(result.movedTo)])
  })
})
