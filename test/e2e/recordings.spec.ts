import { expect, test } from '@playwright/test'
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { recordSimulatedSession } from '../support/simulated-session'

const screenshots = path.join(__dirname, '..', '..', 'test-results', 'screenshots')
const pulse = process.env.ENTRAIN_E2E_PULSE

test.describe('Recordings view', () => {
  test.skip(!pulse, 'needs PulseAudio (pulseaudio, parec) to record a simulated session')
  let root = ''
  let session = { study: '', folder: '' }
  test.beforeAll(async () => {
    test.setTimeout(120_000)
    root = await mkdtemp(path.join(os.tmpdir(), 'entrain-e2e-recordings-'))
    session = await recordSimulatedSession(root, pulse!)
  })
  test.afterAll(async () => rm(root, { recursive: true, force: true }))

  test('opens a session recording: streams, markers on the traces, ratings, an ERP per condition, spectra, an EDF+ export', async ({ page }) => {
    test.setTimeout(90_000)
    const problems: string[] = []
    page.on('pageerror', (error) => problems.push(error.message))
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()))
    await page.goto(process.env.ENTRAIN_E2E_URL!)
    await page.getByRole('link', { name: /^Recordings/ }).click()

    await page.getByTestId('recording-path').fill(path.join(session.folder, 'recording.xdf'))
    await page.getByTestId('recording-open').click()
    const streams = page.getByTestId('recording-streams')
    await expect(streams.locator('tbody tr')).toHaveCount(4)
    for (const name of ['EntrainSimulator', 'EntrainMarkers', 'EntrainSession', 'EntrainRatings']) await expect(streams).toContainText(name)
    await expect(streams).toContainText('16 × float32')
    // 4 trials: 8 stimulus markers, 4 responses, 22 session events.
    await expect(page.getByTestId('recording-markers')).toHaveText('34 markers')

    // The first 10 s window holds the first trials' markers, drawn on the traces.
    await expect(page.getByTestId('window-status')).toContainText(/^\d+ marker\(s\) in view/)
    await expect(page.getByTestId('viewer-stats')).toContainText(/[1-9]\d* markers? in view/)
    await page.screenshot({ path: path.join(screenshots, 'recordings-browse.png'), fullPage: true })
    // Only the stimulus markers on the traces: the session's phases and the ratings hidden.
    const inView = Number((await page.getByTestId('window-status').textContent())!.split(' ')[0])
    await page.getByLabel('Show the markers of EntrainSession').uncheck()
    await page.getByLabel('Show the markers of EntrainRatings').uncheck()
    await expect(page.getByTestId('window-status')).not.toHaveText(new RegExp(`^${inView} marker`))
    const onlyStimuli = Number((await page.getByTestId('window-status').textContent())!.split(' ')[0])
    expect(onlyStimuli).toBeGreaterThan(0)
    expect(onlyStimuli).toBeLessThan(inView)
    await page.screenshot({ path: path.join(screenshots, 'recordings-stimulus-markers.png'), fullPage: true })

    // Keyboard: End moves the window to the end of the recording, Home back.
    const heading = page.locator('h2', { hasText: 'EntrainSimulator' })
    await page.keyboard.press('End')
    await expect(heading).not.toContainText('0:00:00.0 –')
    await page.keyboard.press('Home')
    await expect(heading).toContainText('0:00:00.0 – 0:00:10.0')

    // Ratings per stimulus from events.tsv: four tunes, one liking answer each.
    const ratings = page.getByTestId('ratings-table')
    await expect(ratings.locator('tbody tr')).toHaveCount(4)
    await expect(ratings.locator('thead')).toContainText('liking')

    // ERP: stimulus onsets, by tag (major/minor), two conditions of two trials each.
    await page.getByTestId('epoch-kind').selectOption('stimulus_onset')
    await page.getByTestId('epoch-group').selectOption('tag')
    await page.getByTestId('epoch-run').click()
    const legend = page.getByTestId('epoch-legend')
    await expect(legend.locator('li')).toHaveCount(2)
    await expect(legend).toContainText('major (n = 2)')
    await expect(legend).toContainText('minor (n = 2)')
    await expect(page.getByTestId('epoch-plot')).toBeVisible()

    await page.getByTestId('spectra-run').click()
    await expect(page.getByTestId('spectrum-peak')).toContainText(/strongest above 1 Hz: \d+\.\d Hz/)
    await page.screenshot({ path: path.join(screenshots, 'recordings-erp-spectra.png'), fullPage: true })

    // Export EDF+ with progress; the file appears beside the recording.
    await page.getByTestId('export-edf').click()
    await expect(page.getByTestId('export-done')).toContainText('16 channels')
    const edf = path.join(session.folder, 'recording.edf')
    expect((await stat(edf)).size).toBeGreaterThan(256 * 18)
    // A second export to the same name is refused, and says why.
    await page.getByTestId('export-edf').click()
    await expect(page.locator('.export-panel .error')).toContainText('already exists')
    expect(await readdir(session.folder)).not.toContain('recording.edf.partial')
    await page.screenshot({ path: path.join(screenshots, 'recordings-export.png'), fullPage: true })
    expect(problems).toEqual([])
  })
})
