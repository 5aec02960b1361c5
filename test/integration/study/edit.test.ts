import { copyFile, link, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createServices, type Services } from '../../../src/main/services'
import type { StudyDraft, StudyOverview, StudySaved } from '../../../src/shared/contract'
import type { ErrorInfo, Reply } from '../../../src/shared/errors'
import { repoRoot } from '../../support/cli'
import { exampleStudy } from '../../support/study'
import { useTempDirs } from '../../support/temp-dir'

/** The study editor's requests through the real dispatch and services, on real files. */
const tempDir = useTempDirs()
const tone = path.join(repoRoot, 'test', 'fixtures', 'audio', 'two-tone-pcm16.wav')
let services: Services

beforeEach(async () => {
  services = await createServices({ kind: 'web', dataDir: await tempDir() })
})
afterEach(() => services.close())

async function request<T>(name: string, input: unknown): Promise<T> {
  const reply = (await services.dispatch(name, input)) as Reply<T>
  if (!reply.ok) throw new Error(`${name} failed: ${reply.error.code}: ${reply.error.message}`)
  return reply.value
}

async function refusal(name: string, input: unknown): Promise<ErrorInfo> {
  const reply = await services.dispatch(name, input)
  if (reply.ok) throw new Error(`${name} should have been refused`)
  return reply.error
}

/** A study folder whose stimuli/ holds the example study's four files. */
async function studyFolder(): Promise<string> {
  const folder = path.join(await tempDir(), 'pilot')
  await mkdir(path.join(folder, 'stimuli'), { recursive: true })
  for (const id of ['s1', 's2', 's3', 's4']) await copyFile(tone, path.join(folder, 'stimuli', `${id}.wav`))
  return folder
}

describe('study.save', () => {
  it('writes study.json atomically: a new file replaces the old one whole, nothing is left behind', async () => {
    const folder = await studyFolder()
    const file = path.join(folder, 'study.json')
    const first = await request<StudySaved>('study.save', { path: folder, study: exampleStudy(), replaces: null })
    expect(first.folder).toEqual({ path: folder, name: 'pilot', hasStudyFile: true })
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(exampleStudy())

    // A hard link keeps the old file's inode: a write in place would change what it sees, a rename does not.
    await link(file, path.join(folder, 'before.json'))
    const before = await readFile(file, 'utf8')
    const changed = { ...exampleStudy(), name: 'Renamed' }
    const second = await request<StudySaved>('study.save', { path: folder, study: changed, replaces: first.revision })
    expect(second.revision).not.toBe(first.revision)
    expect(JSON.parse(await readFile(file, 'utf8')).name).toBe('Renamed')
    expect(await readFile(path.join(folder, 'before.json'), 'utf8')).toBe(before)
    expect((await stat(file)).ino).not.toBe((await stat(path.join(folder, 'before.json'))).ino)
    expect((await readdir(folder)).sort()).toEqual(['before.json', 'stimuli', 'study.json'])
  })

  it('refuses a study with a problem, naming its field, and writes nothing', async () => {
    const folder = await studyFolder()
    const file = path.join(folder, 'study.json')
    const saved = await request<StudySaved>('study.save', { path: folder, study: exampleStudy(), replaces: null })
    const before = await readFile(file, 'utf8')

    const duplicate = exampleStudy()
    duplicate.stimuli[1]!.id = 's1'
    const error = await refusal('study.save', { path: folder, study: duplicate, replaces: saved.revision })
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toBe(`${file}: stimuli[1].id: "s1" is also the id of stimuli[0]`)
    expect(error.details).toEqual({ issues: [{ path: 'stimuli[1].id', message: '"s1" is also the id of stimuli[0]' }] })

    const malformed = { ...exampleStudy(), trial: { phases: [{ kind: 'fixation', seconds: -1 }, { kind: 'stimulus' }] } }
    expect((await refusal('study.save', { path: folder, study: malformed, replaces: saved.revision })).details).toEqual({
      issues: [{ path: 'trial.phases[0].seconds', message: 'must be ≥ 0' }],
    })
    // The contract refuses what is not a study at all before anything runs.
    expect(await refusal('study.save', { path: folder, study: [1, 2], replaces: saved.revision })).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/^study\.save: study: /),
    })
    expect(await readFile(file, 'utf8')).toBe(before)
    expect(await readdir(folder)).toEqual(expect.not.arrayContaining([expect.stringMatching(/\.tmp$/)]))
  })

  it('does not overwrite a file another program changed since it was read, unless asked to', async () => {
    const folder = await studyFolder()
    const file = path.join(folder, 'study.json')
    const saved = await request<StudySaved>('study.save', { path: folder, study: exampleStudy(), replaces: null })
    const theirs = { ...exampleStudy(), name: 'Edited by hand' }
    await writeFile(file, JSON.stringify(theirs))

    const conflict = await refusal('study.save', { path: folder, study: { ...exampleStudy(), name: 'Mine' }, replaces: saved.revision })
    expect(conflict.code).toBe('CONFLICT')
    expect(conflict.message).toBe(`${file} was changed by another program since it was opened; nothing was written`)
    expect(JSON.parse(await readFile(file, 'utf8')).name).toBe('Edited by hand')

    const current = (conflict.details as { revision: string }).revision
    expect(current).toBe((await request<StudyDraft>('study.read', { path: folder })).revision)
    await request<StudySaved>('study.save', { path: folder, study: { ...exampleStudy(), name: 'Mine' }, replaces: current })
    expect(JSON.parse(await readFile(file, 'utf8')).name).toBe('Mine')
  })
})

describe('creating and filling a study from the editor', () => {
  it('creates a folder, starts from the starting protocol, imports stimuli, checks the draft live and saves it', async () => {
    const folder = path.join(await tempDir(), 'new-study')
    expect(await request('study.create', { path: folder })).toEqual({ path: folder, name: 'new-study', hasStudyFile: false })
    expect(await refusal('study.create', { path: path.join(folder, 'a', 'b') })).toMatchObject({ code: 'NOT_FOUND' })
    const draft = await request<StudyDraft>('study.read', { path: folder })
    expect(draft).toMatchObject({ exists: false, revision: null, study: { name: 'new-study', stimuli: [] } })

    expect(await request('study.stimulusFiles', { path: folder })).toEqual([])
    await mkdir(path.join(folder, 'stimuli', 'set b'))
    await copyFile(tone, path.join(folder, 'stimuli', 'calm.wav'))
    await copyFile(tone, path.join(folder, 'stimuli', 'set b', 'lively.wav'))
    await writeFile(path.join(folder, 'stimuli', 'notes.txt'), 'not audio')
    expect(await request('study.stimulusFiles', { path: folder })).toEqual(['stimuli/calm.wav', 'stimuli/set b/lively.wav'])
    // A non-empty folder is not taken over.
    expect(await refusal('study.create', { path: folder })).toMatchObject({ code: 'CONFLICT' })

    // Relative sources are in the study folder; nothing is written by an import.
    const rows = await request('study.importStimuli', { path: folder, from: 'stimuli' })
    expect(rows).toEqual([{ id: 'calm', file: 'stimuli/calm.wav' }])
    expect(await readdir(folder)).toEqual(['stimuli'])

    // The draft as it is typed: problems come back by field, the stimulus files checked too.
    const study = { ...draft.study, stimuli: [{ id: 'calm', file: 'stimuli/calm.wav' }, { id: 'gone', file: 'stimuli/gone.wav', excerpt: { start: -1 } }] }
    const checked = await request<StudyOverview>('study.overview', { path: folder, participant: '7', study })
    expect(checked).toMatchObject({
      valid: false,
      issues: [
        { path: 'stimuli[1].excerpt.start', message: 'must be ≥ 0' },
        { path: 'stimuli[1].file', message: `file not found: ${path.join(folder, 'stimuli', 'gone.wav')}` },
      ],
      stimulusSeconds: { calm: expect.closeTo(0.4, 6) },
    })
    study.stimuli.pop()
    const planned = await request<StudyOverview>('study.overview', { path: folder, participant: '7', study })
    expect(planned).toMatchObject({ valid: true, participant: '7', sequence: [{ stimulus: 'calm' }], expectedDurationSeconds: expect.closeTo(2 + 0.4 + 15 + 2, 6) })

    await request('study.save', { path: folder, study, replaces: draft.revision })
    const reread = await request<StudyDraft>('study.read', { path: folder })
    expect(reread).toMatchObject({ exists: true, study })
    expect(await request('study.overview', { path: folder, participant: '7' })).toEqual(planned)
  })

  it('refuses to open a study.json the editor cannot show, and leaves it as it is', async () => {
    const folder = await tempDir()
    const file = path.join(folder, 'study.json')
    await writeFile(file, '{"version": 1, "stimuli": "all of them"}')
    expect(await refusal('study.read', { path: folder })).toEqual({
      code: 'INVALID_INPUT',
      message: `${file}: stimuli: is not a list (and 2 more problems)`,
      details: {
        issues: [
          { path: 'stimuli', message: 'is not a list' },
          { path: 'trial', message: 'is not an object' },
          { path: 'blocks', message: 'is not a list' },
        ],
      },
    })
    await writeFile(file, '{"version": 1,,}')
    expect((await refusal('study.read', { path: folder })).message).toMatch(/not valid JSON at line 1, column \d+/)
    expect(await readdir(folder)).toEqual(['study.json'])
  })
})
