import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { inspectStudyFolder } from '../../../../src/main/store/study-folder'
import { useTempDirs } from '../../../support/temp-dir'

const tempDir = useTempDirs()

describe('inspectStudyFolder', () => {
  it('describes a folder and whether it holds study.json', async () => {
    const dir = await tempDir()
    const study = path.join(dir, 'my-study')
    await mkdir(study)
    expect(await inspectStudyFolder(study)).toEqual({ path: study, name: 'my-study', hasStudyFile: false })
    await writeFile(path.join(study, 'study.json'), '{}')
    expect((await inspectStudyFolder(study)).hasStudyFile).toBe(true)
  })

  it('names the missing folder', async () => {
    const missing = path.join(await tempDir(), 'nope')
    await expect(inspectStudyFolder(missing)).rejects.toMatchObject({ code: 'NOT_FOUND', message: `study folder not found: ${missing}` })
  })

  it('refuses a file', async () => {
    const file = path.join(await tempDir(), 'a.txt')
    await writeFile(file, 'x')
    await expect(inspectStudyFolder(file)).rejects.toMatchObject({ code: 'NOT_A_DIRECTORY' })
  })
})
