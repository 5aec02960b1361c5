import { expect, test } from '@playwright/test'
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { parseTsv } from '../../src/shared/session/events'
import { readXdf } from '../../src/shared/xdf/reader'
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
    // Every sample of the three marker streams (a busy machine may have repeated or skipped a trial, so count them).
    const xdf = readXdf(new Uint8Array(await readFile(path.join(session.folder, 'recording.xdf'))))
    const markerSamples = xdf.streams.filter((stream) => stream.description.channelFormat === 'string')
    await expect(page.getByTestId('recording-markers')).toHaveText(`${markerSamples.reduce((sum, stream) => sum + stream.sampleCount, 0)} markers`)
    const onsets = (markerSamples.find((stream) => stream.description.name === 'EntrainMarkers')!.samples as string[][])
      .map(([text]) => JSON.parse(text!) as { event: string; stimulus: string })
      .filter((marker) => marker.event === 'stimulus_onset')
    // writeQuickStudy tags tune1 and tune3 major, tune2 and tune4 minor.
    const major = onsets.filter((onset) => onset.stimulus === 'tune1' || onset.stimulus === 'tune3').length

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

    // Ratings per stimulus from events.tsv: one row per tune that was rated.
    const rated = new Set(parseTsv(await readFile(path.join(session.folder, 'events.tsv'), 'utf8')).filter((row) => row.trial_type === 'response').map((row) => row.stimulus))
    expect(rated.size).toBeGreaterThan(0)
    const ratings = page.getByTestId('ratings-table')
    await expect(ratings.locator('tbody tr')).toHaveCount(rated.size)
    await expect(ratings.locator('thead')).toContainText('liking')

    // ERP: stimulus onsets, by tag: major and minor, as many epochs as onsets of each.
    await page.getByTestId('epoch-kind').selectOption('stimulus_onset')
    await page.getByTestId('epoch-group').selectOption('tag')
    await page.getByTestId('epoch-run').click()
    const legend = page.getByTestId('epoch-legend')
    expect(major).toBeGreaterThan(0)
    expect(onsets.length - major).toBeGreaterThan(0)
    await expect(legend.locator('li')).toHaveCount(2)
    await expect(legend).toContainText(`major (n = ${major})`)
    await expect(legend).toContainText(`minor (n = ${onsets.length - major})`)
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
    // The whole study as EEG-BIDS, into the study's exports/ folder.
    await page.getByLabel('Mains frequency where the data were recorded').selectOption({ label: 'mains 50 Hz' })
    await page.getByTestId('export-bids').click()
    await expect(page.getByTestId('export-done')).toContainText('1 participant(s), 1 run(s), task-QuickStudy')
    const exports = await readdir(path.join(session.study, 'exports'))
    expect(exports).toHaveLength(1)
    const eeg = path.join(session.study, 'exports', exports[0]!, 'sub-01', 'ses-01', 'eeg')
    expect(await readdir(eeg)).toContain('sub-01_ses-01_task-QuickStudy_eeg.vhdr')
    expect(JSON.parse(await readFile(path.join(eeg, 'sub-01_ses-01_task-QuickStudy_eeg.json'), 'utf8'))).toMatchObject({ PowerLineFrequency: 50 })
    await page.screenshot({ path: path.join(screenshots, 'recordings-export.png'), fullPage: true })
    expect(problems).toEqual([])
  })
})
