import { readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { maxRecentStudies, SettingsStore } from '../../../../src/main/store/settings'
import { useTempDirs } from '../../../support/temp-dir'

const tempDir = useTempDirs()

describe('SettingsStore', () => {
  it('starts from defaults and persists recent studies newest first, without duplicates', async () => {
    const dir = await tempDir()
    const store = await SettingsStore.open(dir)
    expect(store.get()).toEqual({ recentStudies: [], windowBounds: null })
    await store.addRecentStudy('/a')
    await store.addRecentStudy('/b')
    await store.addRecentStudy('/a')
    const reopened = await SettingsStore.open(dir)
    expect(reopened.get().recentStudies).toEqual(['/a', '/b'])
  })

  it(`keeps at most ${maxRecentStudies} recent studies`, async () => {
    const store = await SettingsStore.open(await tempDir())
    for (let index = 0; index < maxRecentStudies + 3; index++) await store.addRecentStudy(`/study-${index}`)
    const recent = store.get().recentStudies
    expect(recent).toHaveLength(maxRecentStudies)
    expect(recent[0]).toBe(`/study-${maxRecentStudies + 2}`)
  })

  it('forgets a recent study and saves window bounds', async () => {
    const dir = await tempDir()
    const store = await SettingsStore.open(dir)
    await store.addRecentStudy('/a')
    await store.addRecentStudy('/b')
    await store.forgetRecentStudy('/a')
    await store.setWindowBounds({ x: 10, y: 20, width: 1000, height: 700, maximized: true })
    expect(await SettingsStore.open(dir).then((s) => s.get())).toEqual({
      recentStudies: ['/b'],
      windowBounds: { x: 10, y: 20, width: 1000, height: 700, maximized: true },
    })
  })

  it('tells listeners about every change', async () => {
    const onChange = vi.fn()
    const store = await SettingsStore.open(await tempDir(), { onChange })
    await store.addRecentStudy('/a')
    expect(onChange).toHaveBeenCalledWith({ recentStudies: ['/a'], windowBounds: null })
  })

  it('serialises concurrent changes so none is lost', async () => {
    const dir = await tempDir()
    const store = await SettingsStore.open(dir)
    await Promise.all(['/a', '/b', '/c', '/d'].map((folder) => store.addRecentStudy(folder)))
    expect((await SettingsStore.open(dir)).get().recentStudies.sort()).toEqual(['/a', '/b', '/c', '/d'])
  })

  it('keeps a settings file of the wrong form aside, reports it, and starts from defaults', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'settings.json'), JSON.stringify({ version: 1, recentStudies: 'not a list' }))
    const problems: string[] = []
    const store = await SettingsStore.open(dir, { onProblem: (message) => problems.push(message) })
    expect(store.get().recentStudies).toEqual([])
    expect(problems).toHaveLength(1)
    const kept = (await readdir(dir)).find((name) => name.startsWith('settings.json.unreadable-'))
    expect(kept).toBeDefined()
    expect(await readFile(path.join(dir, kept!), 'utf8')).toContain('not a list')
  })

  it('refuses implausible window bounds', async () => {
    const store = await SettingsStore.open(await tempDir())
    await expect(store.setWindowBounds({ x: 0, y: 0, width: 5, height: 5, maximized: false })).rejects.toThrow()
  })
})
