import { expect, test, type Page } from '@playwright/test'
import path from 'node:path'

const url = () => process.env.ENTRAIN_E2E_URL!
const origin = () => process.env.ENTRAIN_E2E_ORIGIN!
const screenshots = path.join(__dirname, '..', '..', 'test-results', 'screenshots')

const views = ['Devices', 'Study', 'Session', 'Recordings', 'Training', 'Models']

/** Fails the test on any console error or CSP violation the page reports. */
function watchConsole(page: Page): string[] {
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(error.message))
  return problems
}

test('visits every view from the navigation and keeps a screenshot of each', async ({ page }) => {
  const problems = watchConsole(page)
  await page.goto(url())
  await expect(page.getByTestId('app-version')).toContainText('Entrain')
  for (const view of views) {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: new RegExp(`^${view}`) }).click()
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(view)
    await expect(page).toHaveURL(new RegExp(`#/${view.toLowerCase()}$`))
    await page.screenshot({ path: path.join(screenshots, `view-${view.toLowerCase()}.png`) })
  }
  expect(problems).toEqual([])
})

test('switches views with Ctrl+1…6', async ({ page }) => {
  await page.goto(url())
  await page.keyboard.press('Control+3')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Session')
  await page.keyboard.press('Control+6')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Models')
  await page.keyboard.press('Control+1')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Devices')
})

test('reopens the most recent study, which on first start is the demo, and shows its plan', async ({ page }) => {
  await page.goto(url())
  await expect(page.getByTestId('current-study')).toHaveText('Study: demo')
  await page.getByRole('link', { name: /^Study/ }).click()
  await expect(page.getByTestId('open-study')).toContainText('This folder holds a study.json protocol.')
  await expect(page.getByLabel('Study name')).toHaveValue('Entrain demo: tempo and mode')
  await expect(page.getByTestId('study-stimuli').locator('tbody tr')).toHaveCount(4)
  await expect(page.getByTestId('study-phases')).toContainText('Fixation 2 s')
  await expect(page.getByTestId('study-valid')).toBeVisible()
  await expect(page.getByTestId('save-status')).toHaveText('Saved')
  await expect(page.getByTestId('study-duration')).toHaveText('4 trials, about 1 min 48 s')
  const firstPlan = await page.getByTestId('study-sequence').textContent()
  await page.getByLabel('Participant').fill('3') // the demo has 8 possible orders; participant 3's differs from 1's
  await expect(page.getByTestId('study-sequence')).not.toHaveText(firstPlan ?? '')
  await page.screenshot({ path: path.join(screenshots, 'study-overview.png'), fullPage: true })
})

test('lists the problems of a broken study by field', async ({ page }) => {
  await page.goto(url())
  await page.getByRole('link', { name: /^Study/ }).click()
  await page.getByLabel('Study folder path').fill(process.env.ENTRAIN_E2E_BROKEN_STUDY!)
  await page.getByRole('button', { name: 'Open', exact: true }).click()
  await expect(page.getByTestId('study-issues')).toContainText('stimuli[0].file: file not found:')
})

test('opens a study folder, remembers it, and explains a wrong path', async ({ page }) => {
  const studyDir = process.env.ENTRAIN_E2E_STUDY!
  await page.goto(url())
  await page.getByRole('link', { name: /^Study/ }).click()
  await expect(page.getByRole('button', { name: 'Browse…' })).toHaveCount(0)

  await page.getByLabel('Study folder path').fill(path.join(studyDir, 'missing'))
  await page.getByRole('button', { name: 'Open', exact: true }).click()
  await expect(page.getByTestId('study-error')).toHaveText(`study folder not found: ${path.join(studyDir, 'missing')}`)

  await page.getByLabel('Study folder path').fill(studyDir)
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('current-study')).toHaveText('Study: pilot-study')
  await expect(page.getByTestId('open-study')).toContainText('no study.json yet')
  await expect(page.getByTestId('recent-studies')).toContainText(studyDir)
  await page.screenshot({ path: path.join(screenshots, 'study-opened.png') })

  await page.reload()
  await expect(page.getByTestId('recent-studies')).toContainText(studyDir)
  await page.getByRole('button', { name: `Forget ${studyDir}` }).click()
  await expect(page.getByTestId('recent-studies')).not.toContainText(studyDir)
})

test('the renderer has no access to Node', async ({ page }) => {
  await page.goto(url())
  const globals = await page.evaluate(() => ({
    require: typeof (globalThis as Record<string, unknown>).require,
    process: typeof (globalThis as Record<string, unknown>).process,
    module: typeof (globalThis as Record<string, unknown>).module,
    Buffer: typeof (globalThis as Record<string, unknown>).Buffer,
  }))
  expect(globals).toEqual({ require: 'undefined', process: 'undefined', module: 'undefined', Buffer: 'undefined' })
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')
  expect(csp).toContain("script-src 'self'")
  // An injected inline script must not run (page.evaluate itself bypasses CSP, a script element does not).
  const inlineRan = await page.evaluate(async () => {
    const violation = new Promise((resolve) => document.addEventListener('securitypolicyviolation', resolve, { once: true }))
    const script = document.createElement('script')
    script.textContent = 'window.__inlineRan = true'
    document.head.append(script)
    await violation
    return (window as unknown as Record<string, unknown>).__inlineRan === true
  })
  expect(inlineRan).toBe(false)
})

test('an invalid request is refused with a structured error', async ({ page }) => {
  await page.goto(url())
  const reply = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const socket = new WebSocket(`ws://${location.host}/ws`)
        socket.onopen = () => socket.send(JSON.stringify({ type: 'request', id: 7, name: 'study.open', input: { path: ['x'] } }))
        socket.onmessage = (event) => resolve(JSON.parse(event.data as string))
      }),
  )
  expect(reply).toMatchObject({
    type: 'reply',
    id: 7,
    reply: { ok: false, error: { code: 'INVALID_INPUT', message: expect.stringMatching(/^study\.open: path: /) } },
  })
})

test('the host refuses a browser without the token', async ({ browser }) => {
  const stranger = await browser.newContext()
  const page = await stranger.newPage()
  const response = await page.goto(origin())
  expect(response?.status()).toBe(401)
  await expect(page.locator('body')).toContainText('a valid token is required')
  await stranger.close()
})
