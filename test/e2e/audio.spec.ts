import { expect, test } from '@playwright/test'
import path from 'node:path'
import { repoRoot } from '../support/cli'

const screenshots = path.join(__dirname, '..', '..', 'test-results', 'screenshots')
const fixture = path.join(repoRoot, 'test', 'fixtures', 'audio', 'two-tone-pcm16.wav')

test('plays a test tone and shows a stimulus waveform with its onset and offset markers', async ({ page }) => {
  test.skip(!process.env.ENTRAIN_E2E_PULSE, 'no PulseAudio on this machine to play into (CI installs it)')
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(error.message))
  page.on('console', (message) => message.type() === 'error' && problems.push(message.text()))
  await page.goto(process.env.ENTRAIN_E2E_URL!)
  await page.getByRole('link', { name: /^Devices/ }).click()

  const card = page.getByTestId('audio-output')
  await card.getByLabel('Device').selectOption('pulse')
  await card.getByRole('button', { name: 'Test tone' }).click()
  await expect(page.getByTestId('audio-status')).toContainText('Running at 48000 Hz', { timeout: 15_000 })
  await expect(page.getByTestId('audio-status')).toContainText(/last onset: test-tone at frame \d+/)

  await page.getByLabel('Audio file').fill(fixture)
  await page.getByRole('button', { name: 'Load' }).click()
  await expect(page.getByTestId('stimulus-facts')).toContainText('two-tone-pcm16.wav · WAV · 44100 Hz · 2 ch · 0.40 s')
  const waveform = page.getByTestId('waveform')
  await expect(waveform.locator('div').first()).toBeVisible()
  await expect(page.getByText('Excerpt 0.000–0.400 s')).toBeVisible()
  await page.getByTestId('stimulus-preview').getByRole('button', { name: 'Play excerpt' }).click()
  await expect(page.getByTestId('stimulus-onset')).toContainText(/onset at frame \d+, LSL \d+\.\d{4} s/, { timeout: 10_000 })
  await page.getByTestId('stimulus-preview').scrollIntoViewIfNeeded()
  await page.screenshot({ path: path.join(screenshots, 'audio-waveform.png'), fullPage: true })

  await page.getByLabel('Audio file').fill(path.join(repoRoot, 'test', 'fixtures', 'audio', 'corrupt.flac'))
  await page.getByRole('button', { name: 'Load' }).click()
  await expect(page.getByTestId('stimulus-error')).toContainText('corrupt.flac')
  expect(problems).toEqual([])
})
