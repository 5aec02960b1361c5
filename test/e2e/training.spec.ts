import { expect, test, type Page } from '@playwright/test'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { writeSimulatedDataset } from '../support/audio-eeg-dataset'
import { writePairedViews } from '../support/views'

const screenshots = path.join(__dirname, '..', '..', 'test-results', 'screenshots')

test.describe('Training and Models views', () => {
  let study = ''
  test.beforeAll(async () => {
    study = await mkdtemp(path.join(os.tmpdir(), 'entrain-e2e-training-'))
  })
  test.afterAll(async () => rm(study, { recursive: true, force: true }))

  /** Opens the study, as a person would in the Study view, then the Training view. */
  async function openTraining(page: Page): Promise<void> {
    await page.goto(process.env.ENTRAIN_E2E_URL!)
    await page.getByRole('link', { name: /^Study/ }).click()
    await page.getByLabel('Study folder path').fill(study)
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('current-study')).toHaveText(`Study: ${path.basename(study)}`)
    await page.getByRole('link', { name: /^Training/ }).click()
  }

  test('trains a small model with live curves, cancels another with Esc, and finds the model in the Models view', async ({ page }) => {
    test.setTimeout(90_000)
    const problems: string[] = []
    page.on('pageerror', (error) => problems.push(error.message))
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()))
    const [x1, x2] = writePairedViews(study, 'views', 1200, 1)

    await openTraining(page)
    await page.getByTestId('training-x1').fill(x1)
    await page.getByTestId('training-x2').fill(x2)
    await page.getByTestId('training-dims').fill('2')
    await page.getByTestId('training-layers').fill('32,32')
    await page.getByTestId('training-epochs').fill('40')
    await page.getByTestId('training-lr').fill('0.003')
    await page.getByTestId('training-name').fill('tiny')
    await page.getByTestId('training-start').click()

    // The curves grow while it trains, then the spectrum and the fit table come.
    await expect(page.getByTestId('training-state')).toHaveText(/training|completed/)
    await expect(page.getByTestId('loss-plot').locator('circle').first()).toBeAttached({ timeout: 30_000 })
    await expect(page.getByTestId('training-state')).toHaveText('completed', { timeout: 60_000 })
    await expect(page.getByTestId('loss-plot').locator('circle')).toHaveCount(40)
    await expect(page.getByTestId('validation-plot').locator('circle')).toHaveCount(40)
    await expect(page.getByTestId('training-backend')).toContainText(/backend: wasm .* · trainer process \d+/)
    await expect(page.getByTestId('correlation-spectrum').locator('rect.bar')).toHaveCount(2)
    await expect(page.getByTestId('fit-table').locator('tbody tr')).toHaveCount(1)
    await expect(page.getByTestId('fit-table').locator('tbody tr td').first()).toHaveText('validation split')
    await expect(page.getByTestId('training-model')).toContainText(path.join(study, 'models', 'tiny'))
    await page.screenshot({ path: path.join(screenshots, 'training-completed.png'), fullPage: true })
    expect(existsSync(path.join(study, 'models', 'tiny', 'config.json'))).toBe(true)

    // A long job, cancelled with Esc once its first epoch is on the curve: nothing is written.
    await page.getByTestId('training-epochs').fill('100000')
    await page.getByTestId('training-name').fill('cancelled')
    await page.keyboard.press('Control+Enter')
    await expect(page.getByTestId('training-state')).toHaveText('training')
    await expect(page.getByTestId('loss-plot').locator('circle').first()).toBeAttached({ timeout: 30_000 })
    await expect(page.getByTestId('training-eta')).toContainText('left')
    await page.getByRole('heading', { level: 1 }).click()
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('training-state')).toHaveText('cancelled')
    await expect(page.getByTestId('training-problem')).toContainText('nothing was written')
    expect(existsSync(path.join(study, 'models', 'cancelled'))).toBe(false)

    // The model in the Models view: its metrics, configuration, data provenance and card.
    await page.getByRole('link', { name: /^Models/ }).click()
    const list = page.getByTestId('model-list')
    await expect(list.locator('tbody tr')).toHaveCount(1)
    await expect(list.locator('tbody tr').first()).toContainText('tiny')
    await list.locator('tbody tr').first().click()
    const detail = page.getByTestId('model-detail')
    await expect(detail.getByTestId('model-config')).toContainText('32 → 32 → 2')
    await expect(detail.getByTestId('model-config')).toContainText('40 epochs, batch 200')
    await expect(detail.getByTestId('model-data')).toContainText(x1)
    await expect(detail.getByTestId('model-data')).toContainText('1200 × 5')
    await expect(detail.getByTestId('model-card')).toContainText('# tiny')
    await page.screenshot({ path: path.join(screenshots, 'models-detail.png'), fullPage: true })

    await detail.getByTestId('model-delete').click()
    await page.getByTestId('model-delete-confirm').click()
    await expect(page.getByText('No models here yet')).toBeVisible()
    expect(existsSync(path.join(study, 'models', 'tiny'))).toBe(false)
    expect(problems).toEqual([])
  })

  test('trains the audio↔EEG model on a dataset folder: a curve and a row per fold, the mean ± sd, and its card in the Models view', async ({ page }) => {
    test.setTimeout(90_000)
    const dataset = path.join(study, 'datasets', 'simulated')
    await writeSimulatedDataset(dataset, { participants: 2, songs: 2, songSeconds: 6, windowSeconds: 0.5, channels: 4 })
    await openTraining(page)

    await page.getByTestId('source-dataset').check()
    await page.getByTestId('training-dataset').fill(dataset)
    await page.getByTestId('training-preset').selectOption('fast')
    await page.getByLabel('Outputs').fill('2')
    await page.getByLabel('Epochs').fill('3')
    await page.getByLabel('Batch').fill('16')
    await page.getByTestId('training-name').fill('music')
    await page.keyboard.press('Control+Enter')

    await expect(page.getByTestId('training-state')).toHaveText('completed', { timeout: 60_000 })
    const fits = page.getByTestId('fit-table').locator('tbody tr')
    await expect(fits).toHaveCount(2)
    await expect(fits.filter({ hasText: '(saved)' })).toHaveCount(1)
    await expect(page.getByTestId('training-model')).toContainText(/over the 2 fits: -?\d\.\d{3} ± \d\.\d{3}/)
    // One loss curve per fold, three epochs each.
    await expect(page.getByTestId('loss-plot').locator('.series')).toHaveCount(2)
    await expect(page.getByTestId('loss-plot').locator('circle')).toHaveCount(6)
    await page.screenshot({ path: path.join(screenshots, 'training-audio-eeg.png'), fullPage: true })

    await page.getByRole('link', { name: /^Models/ }).click()
    await page.getByTestId('model-list').locator('tbody tr', { hasText: 'music' }).click()
    const detail = page.getByTestId('model-detail')
    await expect(detail.getByTestId('model-runs').locator('tbody tr')).toHaveCount(2)
    await expect(detail.getByTestId('model-data')).toContainText(dataset)
    await expect(detail.getByTestId('model-card')).toContainText('fold')
  })
})
