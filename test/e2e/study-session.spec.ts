import { expect, test, type Page } from '@playwright/test'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { markersOf, readSession } from '../support/session'
import { writeQuickStudy } from '../support/study'

/**
 * Sessions run from the Session view with the participant page open beside it. (This file sorts
 * after shell.spec.ts on purpose: that spec expects the demo to be the most recent study.)
 */
const screenshots = path.join(__dirname, '..', '..', 'test-results', 'screenshots')
const studyFolder = () => process.env.ENTRAIN_E2E_PARTICIPANT_STUDY!
const groovePrompt = 'How much did it make you want to move?'
const grooveLabels = ['not at all', 'a little', 'somewhat', 'a lot', 'very much']

function watchConsole(page: Page): string[] {
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(error.message))
  page.on('console', (message) => message.type() === 'error' && problems.push(message.text()))
  return problems
}

// A failed test keeps the dashboard's session log beside its report (it says why trials went
// wrong) and closes its session, which would otherwise hold the host's one session for the next test.
test.afterEach(async ({ page }, testInfo) => {
  if (testInfo.status === testInfo.expectedStatus) return
  const lines = await page.getByTestId('session-log').locator('li').allTextContents().catch(() => [])
  await testInfo.attach('session log', { body: lines.join('\n'), contentType: 'text/plain' })
  await page.evaluate(
    () =>
      new Promise((resolve) => {
        const socket = new WebSocket(`ws://${location.host}/ws`)
        socket.onopen = () => socket.send(JSON.stringify({ type: 'request', id: 1, name: 'session.close', input: {} }))
        socket.onmessage = resolve
      }),
  )
})

test.beforeAll(async () => {
  if (await stat(path.join(studyFolder(), 'study.json')).catch(() => null)) return
  // Four one-second tunes in a fixed order; each trial a one-second fixation, the tune, then two
  // questions; an EEG stream is required.
  await writeQuickStudy(studyFolder(), 4, {
    name: 'Listening',
    trial: {
      phases: [
        { kind: 'fixation', seconds: 1 },
        { kind: 'stimulus' },
        { kind: 'rating', scales: [{ kind: 'sam-valence' }, { kind: 'likert', id: 'groove', prompt: groovePrompt, points: 5, labels: grooveLabels }] },
      ],
    },
    blocks: [{ id: 'main', stimuli: 'all', order: 'fixed' }],
  })
})

/** Opens the study in the Study view, then goes to the Session view with Ctrl+3. */
async function openSessionView(page: Page): Promise<void> {
  await page.getByRole('link', { name: /^Study/ }).click()
  await page.getByLabel('Study folder path').fill(studyFolder())
  await page.getByRole('button', { name: 'Open', exact: true }).click()
  await expect(page.getByTestId('current-study')).toHaveText('Study: listening')
  await page.keyboard.press('Control+3')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Session')
}

test('a participant answers in the participant page while the experimenter pauses, resumes and skips from the keyboard', async ({ page, context }) => {
  test.skip(!process.env.ENTRAIN_E2E_PULSE, 'no PulseAudio on this machine to play the stimuli into (CI installs it)')
  test.setTimeout(90_000)
  const problems = watchConsole(page)
  await page.goto(process.env.ENTRAIN_E2E_URL!)

  // The EEG comes from the simulator, started in the Devices view: the study requires a stream of type EEG.
  await page.getByRole('link', { name: /^Devices/ }).click()
  await page.getByTestId('simulator-toggle').click()
  await expect(page.getByTestId('simulator-toggle')).toHaveText('Stop simulator')
  await openSessionView(page)

  // The participant page, from the link, in a tab of its own: it waits.
  const [participant] = await Promise.all([context.waitForEvent('page'), page.getByTestId('participant-link').click()])
  const participantProblems = watchConsole(participant)
  const screen = participant.getByTestId('participant')
  await expect(screen).toHaveAttribute('data-screen', 'wait')
  await expect(screen).toContainText('Please wait')
  await expect(participant.getByRole('navigation')).toHaveCount(0)

  await page.getByLabel('Participant', { exact: true }).fill('02')
  await expect(page.getByLabel('Simulated participant')).not.toBeChecked()
  await page.getByRole('button', { name: 'Run pre-flight check' }).click()
  await expect(page.getByTestId('preflight').locator('[data-check="streams"]').first()).toContainText('EntrainSimulator (16 ch, 250 Hz)', { timeout: 20_000 })
  await expect(page.getByTestId('preflight').locator('li.fail')).toHaveCount(0)
  await page.getByTestId('session-start').click()

  // Trial 1: the fixation cross, then "Listen" with the cross, then the two questions, answered with number keys.
  const trial = page.getByTestId('session-trial')
  await expect(screen).toHaveAttribute('data-screen', 'fixation')
  await expect(participant.getByRole('img', { name: 'Fixation cross' })).toBeVisible()
  await participant.screenshot({ path: path.join(screenshots, 'participant-fixation.png') })
  await expect(screen).toHaveAttribute('data-screen', 'stimulus')
  await expect(screen).toContainText('Listen')
  await expect(screen).toHaveAttribute('data-screen', 'rating', { timeout: 10_000 })
  await expect(screen).toContainText('How did the music make you feel?')
  await expect(page.getByTestId('session-asking')).toContainText('valence (1 of 2)')
  await participant.screenshot({ path: path.join(screenshots, 'participant-rating.png') })
  await participant.keyboard.press('7')
  await expect(screen).toContainText(groovePrompt)
  await expect(screen).toContainText('Question 2 of 2')
  for (const label of grooveLabels) await expect(screen).toContainText(label)
  await participant.screenshot({ path: path.join(screenshots, 'participant-rating-labels.png') })
  await participant.keyboard.press('4')

  // Trial 2: paused (Space) while the participant is asked, resumed (P): the trial starts again.
  await expect(trial).toContainText('2 of 4')
  await expect(screen).toContainText('How did the music make you feel?', { timeout: 10_000 })
  await page.keyboard.press('Space')
  await expect(page.getByTestId('session-state')).toHaveText('paused')
  await expect(screen).toHaveAttribute('data-screen', 'paused')
  await expect(page.getByRole('button', { name: /^Resume/ })).toBeVisible()
  await page.screenshot({ path: path.join(screenshots, 'session-paused.png'), fullPage: true })
  await page.keyboard.press('p')
  await expect(page.getByTestId('session-state')).toHaveText('running')
  await expect(screen).toHaveAttribute('data-screen', 'fixation')
  await expect(trial).toContainText('2 of 4')
  // This time the arrows choose (the first press the middle, 5; two to the left, 3), Enter answers.
  await expect(screen).toContainText('How did the music make you feel?', { timeout: 10_000 })
  for (const key of ['ArrowRight', 'ArrowLeft', 'ArrowLeft']) await participant.keyboard.press(key)
  await expect(participant.getByRole('button', { pressed: true })).toContainText('3')
  await participant.keyboard.press('Enter')
  await expect(screen).toContainText(groovePrompt)
  await participant.keyboard.press('2')

  // Trial 3: skipped (S) while its tune plays.
  await expect(trial).toContainText('3 of 4')
  await expect(screen).toHaveAttribute('data-screen', 'stimulus', { timeout: 10_000 })
  await page.keyboard.press('s')
  await expect(page.getByTestId('session-progress')).toContainText('(2 completed, 1 skipped)')

  // Trial 4: a number key, then a click.
  await expect(trial).toContainText('4 of 4')
  await expect(screen).toContainText('How did the music make you feel?', { timeout: 10_000 })
  await participant.keyboard.press('9')
  await expect(screen).toContainText(groovePrompt)
  await participant.getByRole('button', { name: /^5/ }).click()

  await expect(screen).toHaveAttribute('data-screen', 'end', { timeout: 10_000 })
  await expect(screen).toHaveText('Thank you')
  await expect(page.getByTestId('session-summary-trials')).toContainText('3 of 4 trials completed, 1 skipped')

  // session.json has the answers as pressed and the skipped trial; events.tsv and the XDF's ratings stream agree.
  const folder = path.join(studyFolder(), 'sessions', 'sub-02', 'ses-01')
  await expect(page.getByTestId('session-folder')).toHaveText(folder)
  const { record, events, parts } = await readSession(folder)
  expect(record).toMatchObject({ participant: '02', simulated: false, status: 'completed' })
  expect(record.trials.map(({ index, status, ratings }) => ({ index, status, ratings }))).toEqual([
    { index: 0, status: 'completed', ratings: { valence: 7, groove: 4 } },
    { index: 1, status: 'completed', ratings: { valence: 3, groove: 2 } },
    { index: 2, status: 'skipped', ratings: {} },
    { index: 3, status: 'completed', ratings: { valence: 9, groove: 5 } },
  ])
  const kinds = (name: string) => record.events.filter((event) => event.event === name).map((event) => ('trial' in event ? event.trial : null))
  expect(kinds('pause')).toEqual([1])
  expect(kinds('resume')).toEqual([1])
  expect(kinds('skip')).toEqual([2])
  const answers = events.flatMap((row) => (row.trial_type === 'response' ? [[Number(row.trial), row.scale, Number(row.value)]] : []))
  expect(answers).toEqual([
    [0, 'valence', 7],
    [0, 'groove', 4],
    [1, 'valence', 3],
    [1, 'groove', 2],
    [3, 'valence', 9],
    [3, 'groove', 5],
  ])
  const recorded = markersOf(parts[0]!, 1).flatMap((marker) => (marker.event === 'response' ? [[marker.trial, marker.scale, marker.value]] : []))
  expect(recorded).toEqual(answers)

  await page.getByRole('button', { name: 'Close' }).click()
  await expect(screen).toHaveAttribute('data-screen', 'wait')
  await participant.close()
  await page.getByRole('link', { name: /^Devices/ }).click()
  await page.getByTestId('simulator-toggle').click()
  await expect(page.getByTestId('simulator-toggle')).toHaveText('Start simulator')
  expect(problems).toEqual([])
  expect(participantProblems).toEqual([])
})

test('aborts only after a confirmation, and the aborted session resumes where it stopped', async ({ page }) => {
  test.skip(!process.env.ENTRAIN_E2E_PULSE, 'no PulseAudio on this machine to play the stimuli into (CI installs it)')
  test.setTimeout(90_000)
  const problems = watchConsole(page)
  await page.goto(process.env.ENTRAIN_E2E_URL!)
  await openSessionView(page)
  await page.getByLabel('Participant', { exact: true }).fill('03')
  await page.getByLabel('Simulated participant').check()
  await page.getByRole('button', { name: 'Run pre-flight check' }).click()
  await expect(page.getByTestId('preflight').locator('li').first()).toBeVisible({ timeout: 20_000 })
  await expect(page.getByTestId('preflight').locator('li.fail')).toHaveCount(0)
  await page.getByTestId('session-start').click()
  const progress = page.getByTestId('session-progress')
  await expect(progress).toHaveText(/^1 of 4 trials done/, { timeout: 15_000 })

  // Esc asks, Esc again keeps it running; Ctrl+Shift+A asks, Enter aborts.
  const question = page.getByRole('alertdialog')
  await page.keyboard.press('Escape')
  await expect(question).toContainText('Abort the session?')
  await expect(page.getByRole('button', { name: /^Abort session/ })).toBeFocused()
  await page.keyboard.press('Escape')
  await expect(question).toHaveCount(0)
  await expect(page.getByTestId('session-state')).toHaveText('running')
  await page.keyboard.press('Control+Shift+A')
  await expect(question).toBeVisible()
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('session-summary')).toContainText('Session aborted', { timeout: 10_000 })
  const done = Number(/(\d) of 4 trials completed/.exec((await page.getByTestId('session-summary-trials').textContent()) ?? '')?.[1])
  expect(done).toBeGreaterThanOrEqual(1)
  expect(done).toBeLessThan(4)

  // Closed, it is listed as resumable; resuming checks again and continues into a second part.
  await page.getByRole('button', { name: 'Close' }).click()
  await page.getByRole('button', { name: 'Resume sub-03 ses-01' }).click()
  await expect(page.getByRole('heading', { name: /Pre-flight check for sub-03 ses-01, simulated participant/ })).toContainText(`resuming: ${done} of 4 trials done`, { timeout: 20_000 })
  await expect(page.getByTestId('preflight').locator('li.fail')).toHaveCount(0)
  await page.getByRole('button', { name: 'Resume session' }).click()
  await expect(page.getByTestId('session-summary')).toContainText('Session completed', { timeout: 30_000 })
  await expect(page.getByTestId('session-summary-trials')).toContainText('4 of 4 trials completed, 0 skipped, in 2 recording parts')

  const { record, parts } = await readSession(path.join(studyFolder(), 'sessions', 'sub-03', 'ses-01'))
  expect(record.status).toBe('completed')
  expect(record.trials.map((trial) => trial.index).sort()).toEqual([0, 1, 2, 3])
  expect(record.trials.map((trial) => trial.part)).toEqual([...Array(done).fill(1), ...Array(4 - done).fill(2)])
  // Part 1 may also hold the onset of the trial the abort cut short; that trial played again in part 2.
  const onsets = parts.map((part, index) => markersOf(part, index + 1).filter((marker) => marker.event === 'stimulus_onset').length)
  expect(onsets[0]).toBeGreaterThanOrEqual(done)
  expect(onsets[0]).toBeLessThanOrEqual(done + 1)
  expect(onsets[1]).toBe(4 - done)
  await page.getByRole('button', { name: 'Close' }).click()
  expect(problems).toEqual([])
})
