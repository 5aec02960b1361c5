import path from 'node:path'
import { z } from 'zod'
import type { Settings, WindowBounds } from '../../shared/contract'
import { readJsonFile, setAside, writeJsonAtomic } from './json-file'

export const maxRecentStudies = 10

const windowBoundsSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(200),
  height: z.number().int().min(150),
  maximized: z.boolean(),
})

const settingsFileSchema = z.object({
  version: z.literal(1),
  recentStudies: z.array(z.string()).max(maxRecentStudies),
  windowBounds: windowBoundsSchema.nullable(),
})

const defaults: Settings = { recentStudies: [], windowBounds: null }

/**
 * User settings in `<dataDir>/settings.json`, shared by the app, the CLI and the browser test host.
 * Changes are serialised and written atomically; a file that cannot be used is set aside, reported
 * through `onProblem`, and replaced by defaults.
 */
export class SettingsStore {
  readonly file: string
  private current: Settings = structuredClone(defaults)
  private writes: Promise<void> = Promise.resolve()

  private constructor(
    dataDir: string,
    private readonly onChange: (settings: Settings) => void,
  ) {
    this.file = path.join(dataDir, 'settings.json')
  }

  static async open(
    dataDir: string,
    hooks: { onChange?: (settings: Settings) => void; onProblem?: (message: string) => void } = {},
  ): Promise<SettingsStore> {
    const store = new SettingsStore(dataDir, hooks.onChange ?? (() => {}))
    const read = await readJsonFile(store.file)
    if (read.status === 'corrupt') {
      hooks.onProblem?.(`settings file was not valid JSON (${read.reason}); kept it as ${read.movedTo}`)
    } else if (read.status === 'ok') {
      const parsed = settingsFileSchema.safeParse(read.value)
      if (parsed.success) {
        store.current = { recentStudies: parsed.data.recentStudies, windowBounds: parsed.data.windowBounds }
      } else {
        const movedTo = await setAside(store.file)
        hooks.onProblem?.(`settings file did not match the expected form; kept it as ${movedTo}`)
      }
    }
    return store
  }

  get(): Settings {
    return structuredClone(this.current)
  }

  async addRecentStudy(folder: string): Promise<Settings> {
    const recent = [folder, ...this.current.recentStudies.filter((entry) => entry !== folder)]
    return this.update({ recentStudies: recent.slice(0, maxRecentStudies) })
  }

  async forgetRecentStudy(folder: string): Promise<Settings> {
    return this.update({ recentStudies: this.current.recentStudies.filter((entry) => entry !== folder) })
  }

  async setWindowBounds(bounds: WindowBounds): Promise<Settings> {
    return this.update({ windowBounds: windowBoundsSchema.parse(bounds) })
  }

  /** Resolves once every change made so far is on disk. */
  flushed(): Promise<void> {
    return this.writes
  }

  private async update(change: Partial<Settings>): Promise<Settings> {
    this.current = { ...this.current, ...change }
    const snapshot = this.get()
    this.writes = this.writes.then(async () => void (await writeJsonAtomic(this.file, { version: 1, ...snapshot })))
    await this.writes
    this.onChange(snapshot)
    return snapshot
  }
}
