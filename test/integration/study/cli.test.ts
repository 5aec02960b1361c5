import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises'
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
