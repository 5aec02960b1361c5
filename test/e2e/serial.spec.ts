import { expect, test } from '@playwright/test'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { CytonEmulator } from '../support/openbci-emulator'
import { startPtyPair, type PtyPair } from '../support/pty'

const screenshots = path.join(__dirname, '..', '..', 'test-results', 'screenshots')

async function plug(dir: string): Promise<{ pair: PtyPair; emulator: CytonEmulator }> {
  const pair = await startPtyPair(dir)
  return { pair, emulator: await CytonEmulator.open(pair.board) }
}

test('the Devices view connects an OpenBCI board, shows its health, follows an unplug and the return of the board, and disconnects it', async ({ page }) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'entrain-e2e-serial-'))
  let board = await plug(dir)
  try {
    await page.goto(process.env.ENTRAIN_E2E_URL!)
    await page.getByRole('link', { name: /^Devices/ }).click()
    const card = page.getByTestId('serial-boards')
    await expect(card).toBeVisible()

    // A port that is not there: a clear error, named.
    await card.getByLabel('Serial port').fill(path.join(dir, 'ttyNOPE'))
    await card.getByRole('button', { name: 'Connect' }).click()
    await expect(card.getByTestId('serial-error')).toContainText(`cannot open ${path.join(dir, 'ttyNOPE')}: there is no such port`)

    await card.getByLabel('Serial port').fill(board.pair.dongle)
    await card.getByLabel('Board').selectOption('cyton')
    await card.getByLabel('Stream name').fill('E2eCyton')
    await card.getByLabel('Stream name').press('Enter')
    const row = card.locator('tr[data-board="E2eCyton"]')
    await expect(row).toContainText('streaming', { timeout: 10_000 })
    await expect(row).toContainText('cyton11 ch, 250 Hz, ×24')
    await expect(card.getByTestId('serial-error')).toHaveCount(0)
    // The board is an LSL stream like any other: listed, and its traces drawn.
    const stream = page.locator('tr[data-stream="E2eCyton"]')
    await expect(stream).toContainText('11 × float32', { timeout: 10_000 })
    await stream.getByRole('radio').check()
    await expect(page.getByTestId('viewer-stats')).toContainText('fps', { timeout: 10_000 })
    await expect.poll(async () => Number((await row.locator('td').nth(4).textContent()) ?? 0), { timeout: 10_000 }).toBeGreaterThan(500)
    await page.screenshot({ path: path.join(screenshots, 'devices-serial.png'), fullPage: true })

    await board.emulator.close()
    await board.pair.unplug()
    await expect(row).toContainText('waiting', { timeout: 10_000 })
    await expect(card).toContainText('was disconnected; waiting for the port to return')

    board = await plug(dir)
    await expect(row).toContainText('streaming', { timeout: 20_000 })
    await expect(row.locator('td').nth(7)).toHaveText('1')

    await card.getByRole('button', { name: 'Disconnect E2eCyton' }).click()
    await expect(row).toHaveCount(0)
    await expect.poll(() => board.emulator.commands.at(-1)).toBe('s')
  } finally {
    await board.emulator.close()
    await board.pair.unplug()
    await rm(dir, { recursive: true, force: true })
  }
})
