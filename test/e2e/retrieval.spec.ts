import { expect, test } from '@playwright/test'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { writeRetrievalDemoFolder } from '../../src/main/retrieval/demo-folder'

const screenshots = path.join(__dirname, '..', '..', 'test-results', 'screenshots')

test.describe('Retrieval panel (Models view)', () => {
  let root = ''
  let folder = ''
  /** Enough songs for the deep model's 64 outputs (66 training pairs a fold). */
  let many = ''
  test.beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'entrain-e2e-retrieval-'))
    folder = path.join(root, 'songs')
    await writeRetrievalDemoFolder(folder, { songs: 24, seconds: 4 })
    many = path.join(root, 'many')
    await writeRetrievalDemoFolder(many, { songs: 100, seconds: 2 })
  })
  test.afterAll(async () => rm(root, { recursive: true, force: true }))

  test('cancels a deep evaluation with Esc, evaluates a folder, shows the comparison and rank histograms, exports CSV and Markdown', async ({ page }) => {
    test.setTimeout(90_000)
    const problems: string[] = []
    page.on('pageerror', (error) => problems.push(error.message))
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()))
    await page.goto(process.env.ENTRAIN_E2E_URL!)
    await page.getByRole('link', { name: /^Models/ }).click()

    await page.getByTestId('retrieval-folder').fill(path.join(root, 'nowhere'))
    await page.getByTestId('retrieval-folder').press('Enter')
    await expect(page.getByRole('alert')).toContainText('no such folder')

    // A long deep evaluation, cancelled with Esc once its network trains (in the trainer process).
    await page.getByTestId('retrieval-folder').fill(many)
    await page.getByLabel('Folds').fill('3')
    await page.getByTestId('retrieval-linear').uncheck()
    await page.getByTestId('retrieval-deep').check()
    await page.getByLabel('Epochs of the deep model').fill('10000')
    await page.getByTestId('retrieval-evaluate').click()
    await expect(page.getByTestId('retrieval-progress')).toContainText(/fold 1\/3, epoch \d+\/10000/, { timeout: 30_000 })
    await page.keyboard.press('Escape')
    await expect(page.getByRole('alert')).toContainText(/retrieval evaluation cancelled in fold 1 of 3, after \d+ of its network's 10000 epochs/)
    await expect(page.getByTestId('retrieval-progress')).toHaveCount(0)

    await page.getByTestId('retrieval-deep').uncheck()
    await page.getByTestId('retrieval-linear').check()
    await page.getByTestId('retrieval-folder').fill(folder)
    await page.getByTestId('retrieval-evaluate').click()
    await expect(page.getByTestId('retrieval-summary')).toContainText('24 pairs in 3 classes', { timeout: 60_000 })
    const table = page.getByTestId('retrieval-table-audioToText')
    await expect(table.locator('thead')).toContainText('class MRR')
    await expect(table.locator('tbody tr').first()).toContainText(/descriptors\s*linear\s*0\.\d{3} ± 0\.\d{3}/)
    await expect(table.locator('tbody tr.chance')).toContainText('chance')
    await expect(page.getByTestId('retrieval-histogram')).toHaveCount(2)
    // 8 test songs a fold: one bar per rank.
    await expect(page.getByTestId('retrieval-histogram').first().locator('rect')).toHaveCount(8)
    await page.screenshot({ path: path.join(screenshots, 'models-retrieval.png'), fullPage: true })

    await page.getByTestId('retrieval-export-csv').click()
    await page.getByTestId('retrieval-export-markdown').click()
    await expect(page.getByTestId('retrieval-written')).toContainText('.md')
    const written = (await page.getByTestId('retrieval-written').locator('.mono').allTextContents()).map((file) => file.trim())
    expect(written).toHaveLength(2)
    expect(await readFile(written.find((file) => file.endsWith('.csv'))!, 'utf8')).toMatch(/^features,model,direction/)
    expect(await readFile(written.find((file) => file.endsWith('.md'))!, 'utf8')).toContain('| descriptors | linear |')
    expect(problems).toEqual([])
  })
})
