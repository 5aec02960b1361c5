import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot, runCli } from '../../support/cli'
import { exampleStudy } from '../../support/study'
import { useTempDirs } from '../../support/temp-dir'

const tempDir = useTempDirs()

/** A study folder with real audio files (the decoding fixtures) as its stimuli. */
async function studyFolder(change: (study: ReturnType<typeof exampleStudy>) => void = () => {}) {
  const folder = await tempDir()
  await mkdir(path.join(folder, 'stimuli'))
  for (const id of ['s1', 's2', 's3', 's4']) {
    await copyFile(path.join(repoRoot, 'test', 'fixtures', 'audio', 'two-tone-pcm16.wav'), path.join(folder, 'stimuli', `${id}.wav`))
  }
  const study = exampleStudy()
  change(study)
  await writeFile(path.join(folder, 'study.json'), JSON.stringify(study, null, 2))
  return folder
}

describe('entrain study', () => {
  it('validates a study with its stimuli and estimates the session', async () => {
    const folder = await studyFolder()
    const result = await runCli(['study', 'validate', path.join(folder, 'study.json'), '--json'])
    expect(result.code, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({
      valid: true,
      // 8 trials × (2 + 0.4 + 15 + 3) s + one 30 s break
      summary: { stimuli: 4, blocks: 1, trialsPerSession: 8, expectedDurationSeconds: expect.closeTo(8 * 20.4 + 30, 6) },
    })
  })

  it('names the field of a missing stimulus file, and writes nothing', async () => {
    const folder = await studyFolder((study) => (study.stimuli[2]!.file = 'stimuli/missing.flac'))
    const before = await readdir(folder, { recursive: true })
    const result = await runCli(['study', 'validate', path.join(folder, 'study.json')])
    expect(result.code).toBe(1)
    expect(result.stderr.trim().split('\n').at(-1)).toBe(`entrain study: ${path.join(folder, 'study.json')}: stimuli[2].file: file not found: ${path.join(folder, 'stimuli', 'missing.flac')}`)
    expect(await readdir(folder, { recursive: true })).toEqual(before)
  })

  it('points at the line and column of broken JSON', async () => {
    const folder = await tempDir()
    await writeFile(path.join(folder, 'study.json'), '{\n  "version": 1,\n  "name": "x",,\n}')
    const result = await runCli(['study', 'validate', path.join(folder, 'study.json')])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/not valid JSON at line 3, column \d+/)
  })

  it('refuses an excerpt beyond the end of its file', async () => {
    const folder = await studyFolder((study) => (study.stimuli[0]!.excerpt = { start: 0, end: 30 }))
    const result = await runCli(['study', 'validate', path.join(folder, 'study.json')])
    expect(result.stderr).toContain('stimuli[0].excerpt.end: is past the end of stimuli/s1.wav (0.400 s)')
  })

  it('prints the realised sequence of a participant, the same every time', async () => {
    const file = path.join(await studyFolder(), 'study.json')
    const first = await runCli(['study', 'sequence', file, '--participant', '03', '--session', '2', '--json'])
    const again = await runCli(['study', 'sequence', file, '--participant', '03', '--session', '2', '--json'])
    expect(first.code).toBe(0)
    expect(first.stdout).toBe(again.stdout)
    const { trials } = JSON.parse(first.stdout) as { trials: { stimulus: string }[] }
    expect(trials.map((trial) => trial.stimulus).sort()).toEqual(['s1', 's1', 's2', 's2', 's3', 's3', 's4', 's4'])
    const usage = await runCli(['study', 'sequence', file])
    expect(usage.code).toBe(2)
  })
})

describe('the demo study', () => {
  it('is valid and runs in at most two minutes', async () => {
    const result = await runCli(['study', 'validate', path.join(repoRoot, 'resources', 'demo', 'study.json'), '--json'])
    expect(result.code, result.stderr).toBe(0)
    const { summary } = JSON.parse(result.stdout) as { summary: { stimuli: number; expectedDurationSeconds: number } }
    expect(summary.stimuli).toBe(4)
    expect(summary.expectedDurationSeconds).toBeLessThanOrEqual(120)
  })
})

describe('entrain study import', () => {
  it('creates a study from a folder of audio files that then validates', async () => {
    const folder = await tempDir()
    await mkdir(path.join(folder, 'stimuli'))
    for (const name of ['two-tone.flac', 'two-tone-pcm16.wav']) await copyFile(path.join(repoRoot, 'test', 'fixtures', 'audio', name), path.join(folder, 'stimuli', name))
    await writeFile(path.join(folder, 'stimuli', 'notes.txt'), 'not audio')
    const file = path.join(folder, 'study.json')
    const imported = await runCli(['study', 'import', file, '--from', path.join(folder, 'stimuli'), '--json'])
    expect(imported.code, imported.stderr).toBe(0)
    expect(JSON.parse(imported.stdout).added).toEqual([
      { id: 'two-tone-pcm16', file: 'stimuli/two-tone-pcm16.wav' },
      { id: 'two-tone', file: 'stimuli/two-tone.flac' },
    ])
    const validated = await runCli(['study', 'validate', file, '--json'])
    expect(validated.code, validated.stderr).toBe(0)
    expect(JSON.parse(validated.stdout).summary).toMatchObject({ stimuli: 2, trialsPerSession: 2 })
  })

  it('adds rows of a CSV to an existing study, and on a bad row writes nothing', async () => {
    const folder = await studyFolder()
    const file = path.join(folder, 'study.json')
    await writeFile(path.join(folder, 'more.csv'), 'file,tags\nstimuli/s1.wav,calm\n')
    const added = await runCli(['study', 'import', file, '--from', path.join(folder, 'more.csv'), '--json'])
    expect(added.code, added.stderr).toBe(0)
    expect(JSON.parse(added.stdout).added).toEqual([{ id: 's1_2', file: 'stimuli/s1.wav', tags: ['calm'] }])

    const before = await readFile(file, 'utf8')
    await writeFile(path.join(folder, 'bad.csv'), 'file,gain\nstimuli/s2.wav,loud\n')
    const refused = await runCli(['study', 'import', file, '--from', path.join(folder, 'bad.csv')])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('bad.csv: rows[2].gain: "loud" is not a number')
    // Two more "happy" stimuli would make the block's no-repeated-tag order impossible: refused too.
    await writeFile(path.join(folder, 'happy.csv'), 'file,tags\nstimuli/s2.wav,happy\nstimuli/s2.wav,happy\n')
    const impossible = await runCli(['study', 'import', file, '--from', path.join(folder, 'happy.csv')])
    expect(impossible.stderr).toContain('blocks[0].order: the constraints cannot be met')
    expect(await readFile(file, 'utf8')).toBe(before)
  })
})
