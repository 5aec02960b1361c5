import { expect, test } from '@playwright/test'
import { copyFile, readFile, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { loadStudy } from '../../src/main/study/load'
import { editorStudy } from '../support/editor-study'
import { markersOf, readSession } from '../support/session'

const screenshots = path.join(__dirname, '..', '..', 'test-results', 'screenshots')

// The second test runs the study the first one built.
test.describe.configure({ mode: 'serial' })

test('builds a two-stimulus study in the editor: stimuli, phases, a block, a problem fixed, the plan, saved', async ({ page }) => {
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(error.message))
  page.on('console', (message) => message.type() === 'error' && problems.push(message.text()))
  const folder = editorStudy.folder()
  const studyFile = path.join(folder, 'study.json')
  await page.goto(process.env.ENTRAIN_E2E_URL!)
  await page.getByRole('link', { name: /^Study/ }).click()

  // A new study folder, from the UI: it opens with the starting protocol, which has no stimuli yet.
  await page.getByLabel('Path of a new study folder').fill(folder)
  await page.getByRole('button', { name: 'Create', exact: true }).click()
  await expect(page.getByTestId('current-study')).toHaveText('Study: two-tones')
  await expect(page.getByTestId('save-status')).toHaveText('Not saved yet: this folder has no study.json')
  const stimuliCard = page.getByTestId('study-stimuli')
  await expect(stimuliCard.locator('.field-issue')).toHaveText('needs at least one stimulus')
  await expect(page.getByTestId('study-plan-waiting')).toBeVisible()
  expect((await stat(path.join(folder, 'stimuli'))).isDirectory()).toBe(true)
  await page.screenshot({ path: path.join(screenshots, 'study-editor-new.png'), fullPage: true })

  // The experimenter copies the tones into stimuli/, adds one file, then imports the whole folder.
  for (const { file } of editorStudy.stimuli) await copyFile(path.join(editorStudy.tonesFolder(), path.basename(file)), path.join(folder, file))
  await page.getByRole('button', { name: 'List the stimuli folder again' }).click()
  await page.getByLabel('Add a file from the stimuli folder').selectOption('stimuli/tone-low.wav')
  await page.getByRole('button', { name: 'Add stimulus' }).click()
  await expect(page.getByLabel('Id of stimulus 1')).toHaveValue('tone-low')
  await expect(page.getByLabel('Id of stimulus 1')).toBeFocused()
  await expect(page.getByTestId('save-status')).toHaveText('● Unsaved changes')
  await expect(page.getByTestId('stimulus-row-preview').getByTestId('stimulus-facts')).toContainText('tone-low.wav · WAV · 22050 Hz · 1 ch · 1.00 s')
  await expect(page.getByTestId('stimulus-row-preview').getByTestId('waveform').locator('div').first()).toBeVisible()

  await expect(page.getByLabel('Import a folder or CSV')).toHaveValue('stimuli')
  await page.getByRole('button', { name: 'Import', exact: true }).click()
  const rows = stimuliCard.locator('tbody tr')
  await expect(rows).toHaveCount(3)
  await expect(page.getByTestId('editor-notice')).toContainText('Imported 2 stimuli from stimuli')
  await expect(page.getByLabel('Id of stimulus 3')).toHaveValue('tone-low_2')

  // Removing is undoable (Ctrl+Z), then done again.
  await page.getByRole('button', { name: 'Remove tone-low_2' }).click()
  await expect(rows).toHaveCount(2)
  await expect(page.getByTestId('editor-notice')).toContainText('Removed stimulus tone-low_2')
  await page.keyboard.press('Control+z')
  await expect(rows).toHaveCount(3)
  await expect(page.getByLabel('Id of stimulus 3')).toHaveValue('tone-low_2')
  await page.getByRole('button', { name: 'Remove tone-low_2' }).click()
  await expect(rows).toHaveCount(2)

  // Tags, and the order of the table from the keyboard.
  await page.getByLabel('Tags of stimulus 1').fill('low')
  await page.getByLabel('Tags of stimulus 2').fill('high')
  await page.getByLabel('Id of stimulus 2').press('Alt+ArrowUp')
  await expect(page.getByLabel('Id of stimulus 1')).toHaveValue('tone-high')
  await expect(page.getByLabel('Id of stimulus 1')).toBeFocused()
  await page.getByLabel('Id of stimulus 1').press('Alt+ArrowDown')
  await expect(page.getByLabel('Id of stimulus 2')).toHaveValue('tone-high')
  await expect(stimuliCard.locator('tbody tr').first()).toContainText('1.0 s')

  // A problem beside its field as it is typed, and fixed.
  await page.getByLabel('Id of stimulus 1').fill('tone low')
  await expect(stimuliCard.locator('.field-issue')).toHaveText('may only hold letters, digits, _ . and -')
  await expect(page.getByLabel('Id of stimulus 1')).toHaveAttribute('aria-invalid', 'true')
  await page.getByLabel('Id of stimulus 1').fill('tone-low')
  await expect(stimuliCard.locator('.field-issue')).toHaveCount(0)

  // Phases: a short fixation, the stimulus, one rating.
  await page.getByLabel('Seconds of phase 1').fill('0.5')
  await page.getByLabel('SAM arousal').uncheck()
  await page.getByLabel('Liking').uncheck()
  await page.getByRole('button', { name: 'Remove phase 4' }).click()
  const timeline = page.getByRole('list', { name: 'Trial timeline' })
  await expect(timeline.getByRole('listitem')).toHaveText(['Fixation 0.5 s', 'Stimulus ~1.3 s', 'Rating 5 s'])

  // One block: every stimulus twice, never the same tag twice in a row.
  await page.getByLabel('Id of block 1').fill('listening')
  await page.getByLabel('Order of block 1').selectOption('constrained')
  await page.getByLabel('Repetitions of block 1').fill('2')
  await expect(page.getByTestId('study-valid')).toBeVisible()

  // Constraints that cannot be met: named at the block, and saving is refused.
  await page.getByLabel('Least distance between repeats in block 1').fill('2')
  const blocks = page.getByTestId('study-blocks')
  await expect(blocks.locator('.field-issue')).toContainText('the constraints cannot be met')
  await expect(page.getByTestId('study-issues')).toContainText('1 problem')
  await page.keyboard.press('Control+s')
  await expect(page.getByTestId('save-problem')).toContainText('Not saved:')
  await expect(page.getByTestId('save-problem')).toContainText('blocks[0].order: the constraints cannot be met')
  await expect(stat(studyFile)).rejects.toThrow()
  await page.screenshot({ path: path.join(screenshots, 'study-editor-problem.png'), fullPage: true })
  await page.getByLabel('Least distance between repeats in block 1').fill('1')
  await expect(blocks.locator('.field-issue')).toHaveCount(0)
  await expect(page.getByTestId('study-valid')).toBeVisible()

  // The realised sequence and the expected duration for a participant, as they would run.
  await page.getByLabel('Participant').fill('2')
  await expect(page.getByTestId('study-duration')).toHaveText(`${editorStudy.trialsPerSession} trials, about 0 min ${editorStudy.expectedDurationSeconds} s`)
  const sequence = page.getByTestId('study-sequence').locator('tbody tr')
  await expect(sequence).toHaveCount(editorStudy.trialsPerSession)
  const order = (await sequence.locator('td:nth-child(3)').allTextContents()).map((text) => text.replace(/ \(repeat \d\)$/, ''))
  for (let index = 1; index < order.length; index++) expect(order[index]).not.toBe(order[index - 1])

  // Saved with Ctrl+S: a study the rest of Entrain loads.
  await page.keyboard.press('Control+s')
  await expect(page.getByTestId('save-status')).toHaveText('Saved')
  await expect(page.locator('.topbar .unsaved')).toHaveCount(0)
  const loaded = await loadStudy(studyFile)
  expect(loaded.study.stimuli.map(({ id, file, tags }) => ({ id, file, tag: tags[0] }))).toEqual(editorStudy.stimuli.map(({ id, file, tag }) => ({ id, file, tag })))
  expect(loaded.study.trial.phases).toEqual([{ kind: 'fixation', seconds: 0.5 }, { kind: 'stimulus' }, { kind: 'rating', scales: [{ kind: 'sam-valence' }] }])
  expect(loaded.study.blocks).toEqual([{ id: 'listening', stimuli: 'all', order: { kind: 'constrained', maxConsecutiveTag: 1, minRepeatDistance: 1 }, repetitions: 2, breakEvery: 0 }])
  expect(JSON.parse(await readFile(studyFile, 'utf8')).name).toBe('two-tones')
  await page.screenshot({ path: path.join(screenshots, 'study-editor-saved.png'), fullPage: true })

  // Another program changes study.json: saving says so, and overwrites it only when asked.
  await writeFile(studyFile, JSON.stringify({ ...JSON.parse(await readFile(studyFile, 'utf8')), name: 'changed elsewhere' }))
  await page.getByLabel('Study description').fill('Two tones, each rated for valence.')
  await page.keyboard.press('Control+s')
  await expect(page.getByTestId('save-problem')).toContainText('was changed by another program since it was opened; nothing was written')
  expect(JSON.parse(await readFile(studyFile, 'utf8')).name).toBe('changed elsewhere')
  await page.getByRole('button', { name: 'Overwrite it with this version' }).click()
  await expect(page.getByTestId('save-status')).toHaveText('Saved')
  expect(JSON.parse(await readFile(studyFile, 'utf8'))).toMatchObject({ name: 'two-tones', description: 'Two tones, each rated for valence.' })
  expect(problems).toEqual([])
})

test('runs the saved study with the simulated participant from the Session view, watching its progress', async ({ page }) => {
  test.skip(!process.env.ENTRAIN_E2E_PULSE, 'no PulseAudio on this machine to play the stimuli into (CI installs it)')
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(error.message))
  page.on('console', (message) => message.type() === 'error' && problems.push(message.text()))
  const folder = path.join(editorStudy.folder(), 'sessions', 'sub-01', 'ses-01')
  await page.goto(process.env.ENTRAIN_E2E_URL!)
  await expect(page.getByTestId('current-study')).toHaveText('Study: two-tones')
  await page.keyboard.press('Control+3')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Session')

  // Participant 01, simulated; the pre-flight check passes every check.
  await page.getByLabel('Participant', { exact: true }).fill('01')
  await page.getByLabel('Simulated participant').check()
  await page.getByRole('button', { name: 'Run pre-flight check' }).click()
  const checks = page.getByTestId('preflight').locator('li')
  await expect(checks.first()).toBeVisible({ timeout: 20_000 })
  await expect(page.getByTestId('preflight').locator('li.fail')).toHaveCount(0)
  expect(new Set(await checks.evaluateAll((items) => items.map((item) => item.getAttribute('data-check'))))).toEqual(new Set(['study', 'folder', 'streams', 'audio', 'disk']))
  await expect(page.getByTestId('preflight').locator('[data-check="study"]')).toContainText(`two-tones: ${editorStudy.trialsPerSession} trials, 0 done`)
  await page.screenshot({ path: path.join(screenshots, 'session-preflight.png'), fullPage: true })

  // Start: the dashboard follows the trials one by one.
  await page.getByTestId('session-start').click()
  const progress = page.getByTestId('session-progress')
  await expect(progress).toHaveText(/^0 of 4 trials done/)
  await expect(page.getByTestId('session-streams').locator('tr[data-stream="EntrainSimulator"]')).toBeVisible()
  await expect(page.getByTestId('session-streams').locator('tr[data-stream="EntrainMarkers"]')).toBeVisible()
  await expect(page.getByTestId('session-recording')).toContainText(path.join(folder, 'recording.xdf'))
  await expect(page.getByTestId('session-signals').getByTestId('viewer-stats')).toContainText('fps', { timeout: 10_000 })
  await expect(progress).toHaveText(/^1 of 4 trials done \(1 completed, 0 skipped\)/, { timeout: 15_000 })
  await expect(page.getByRole('progressbar', { name: 'Trials done' })).toHaveAttribute('aria-valuenow', '1')
  await expect(page.getByTestId('session-log')).toContainText('trial 1: stimulus onset')
  await expect(page.getByTestId('session-log')).toContainText(/trial 1: valence = \d after/)
  await expect(progress).toHaveText(/^2 of 4 trials done/, { timeout: 15_000 })
  await expect(page.getByTestId('session-trial')).toContainText('3 of 4')
  await page.screenshot({ path: path.join(screenshots, 'session-running.png'), fullPage: true })
  await expect(progress).toHaveText(/^3 of 4 trials done/, { timeout: 15_000 })
  await expect(page.getByTestId('session-next')).toHaveText('this is the last trial')

  // The end: a summary with the session folder.
  await expect(page.getByTestId('session-summary')).toBeVisible({ timeout: 15_000 })
  await expect(page.getByTestId('session-summary')).toContainText('Session completed')
  await expect(page.getByTestId('session-summary-trials')).toContainText('4 of 4 trials completed, 0 skipped')
  await expect(page.getByTestId('session-folder')).toHaveText(folder)
  await expect(page.getByTestId('session-log')).toContainText('session completed: 4 of 4 trials completed')
  await page.screenshot({ path: path.join(screenshots, 'session-completed.png'), fullPage: true })

  // On disk: session.json complete, one stimulus_onset per trial in events.tsv and in the XDF.
  const { record, events, parts } = await readSession(folder)
  expect(record).toMatchObject({ participant: '01', session: 1, simulated: true, status: 'completed' })
  expect(record.trials.map((trial) => [trial.index, trial.status])).toEqual([0, 1, 2, 3].map((index) => [index, 'completed']))
  for (const trial of record.trials) expect(Object.keys(trial.ratings)).toEqual(['valence'])
  const onsets = events.filter((row) => row.trial_type === 'stimulus_onset')
  expect(onsets.map((row) => row.stimulus)).toEqual(record.sequence.map((trial) => trial.stimulus))
  expect(onsets.map((row) => Number(row.valence))).toEqual(record.trials.map((trial) => trial.ratings.valence))
  expect(markersOf(parts[0]!, 1).filter((marker) => marker.event === 'stimulus_onset')).toHaveLength(editorStudy.trialsPerSession)

  // Close: the session is listed, finished, and cannot be resumed.
  await page.getByRole('button', { name: 'Close' }).click()
  const listed = page.getByTestId('session-list').locator('tbody tr')
  await expect(listed).toHaveCount(1)
  await expect(listed).toContainText('completed')
  await expect(listed).toContainText('4 of 4')
  await expect(listed.getByRole('button')).toHaveCount(0)
  expect(problems).toEqual([])
})
