import { expect, test } from '@playwright/test'
import path from 'node:path'
import { localClock } from '../../src/main/lsl/bindings'
import { Outlet } from '../../src/main/lsl/outlet'
import { repoRoot } from '../support/cli'

// liblsl reads its configuration from HOME when it is first used (inside the test, after this):
// keep this test's marker stream on the machine.
process.env.HOME = path.join(repoRoot, 'test', 'fixtures', 'lsl-home')

const screenshots = path.join(__dirname, '..', '..', 'test-results', 'screenshots')

test('the Devices view lists the simulator, draws its signals and records them', async ({ page }) => {
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(error.message))
  page.on('console', (message) => message.type() === 'error' && problems.push(message.text()))
  await page.goto(process.env.ENTRAIN_E2E_URL!)
  await page.getByRole('link', { name: /^Devices/ }).click()
  await expect(page.getByTestId('lsl-status')).toContainText('liblsl')

  await page.getByTestId('simulator-toggle').click()
  await expect(page.getByTestId('simulator-toggle')).toHaveText('Stop simulator')
  const row = page.locator('tr[data-stream="EntrainSimulator"]')
  await expect(row).toBeVisible({ timeout: 10_000 })
  await expect(row).toContainText('16 × float32')
  await page.getByText(/^Channels \(16\/16 shown\)/).click()
  await expect(page.getByRole('checkbox', { name: 'O1' })).toBeChecked({ timeout: 10_000 })
  await page.getByRole('checkbox', { name: 'Fp2' }).uncheck()
  await expect(page.getByText(/^Channels \(15\/16 shown\)/)).toBeVisible()

  // A marker stream (as the audio engine will publish) shows as labelled lines on the traces.
  const markers = new Outlet({ name: 'E2eMarkers', type: 'Markers', channelCount: 1, nominalSrate: 0, channelFormat: 'string', sourceId: 'e2e-markers' })
  let stimulus = 0
  const pushing = setInterval(() => {
    stimulus += 1
    markers.push([JSON.stringify({ event: 'stimulus_onset', stimulus: `song${stimulus}` })], Float64Array.of(localClock()))
  }, 1500)

  // Traces are drawing: the frame statistics update and the spectrum finds the simulated alpha.
  await expect(page.getByTestId('viewer-stats')).toContainText('fps', { timeout: 10_000 })
  await expect(page.getByTestId('viewer-stats')).toContainText(/[1-9]\d* markers? in view/, { timeout: 15_000 })
  await expect(page.getByTestId('spectrum-peak')).toContainText('Hz', { timeout: 10_000 })
  await page.getByLabel('Notch').selectOption('50')
  await page.getByLabel('Band-pass').selectOption('1-40')
  await page.waitForTimeout(1500)
  await page.screenshot({ path: path.join(screenshots, 'devices-live.png'), fullPage: true })

  await page.getByLabel('Record EntrainSimulator').check()
  await page.getByRole('button', { name: 'Start recording' }).click()
  await expect(page.getByTestId('recording-status')).toContainText('Recording', { timeout: 10_000 })
  await page.waitForTimeout(2500)
  await page.getByRole('button', { name: 'Stop recording' }).click()
  await expect(page.getByTestId('recording-status')).toContainText(/Recorded .*\.xdf/)
  const samples = Number(/EntrainSimulator: (\d+) samples/.exec((await page.getByTestId('recording-status').textContent()) ?? '')?.[1])
  expect(samples).toBeGreaterThan(400)

  clearInterval(pushing)
  markers.close()
  await page.getByTestId('simulator-toggle').click()
  await expect(page.getByTestId('simulator-toggle')).toHaveText('Start simulator')
  expect(problems).toEqual([])
})
