/**
 * Live viewer frame rate: 64 channels at 1 kHz with a 10 s window in Chromium, through the browser
 * test host, as an experimenter would see it. Reads the viewer's own frame statistics (rAF
 * intervals and the time spent drawing) once the window is full. Goal: ≥ 60 fps.
 * Usage: npm run build && npx tsx bench/viewer.ts [--seconds 15] [--channels 64] [--rate 1000]
 */
import { chromium } from '@playwright/test'
import { parseArgs } from 'node:util'
import { mkdtemp } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { entrain, writeResult } from './support'

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '15' }, channels: { type: 'string', default: '64' }, rate: { type: 'string', default: '1000' } } })
const seconds = Number(values.seconds)
const channels = Number(values.channels)
const rate = Number(values.rate)

function firstJson(child: ReturnType<typeof entrain>): Promise<{ url: string }> {
  return new Promise((resolve, reject) => {
    let buffer = ''
    child.stdout.on('data', (chunk) => {
      buffer += chunk
      try {
        resolve(JSON.parse(buffer) as { url: string })
      } catch {
        // not yet complete
      }
    })
    child.on('exit', (code) => reject(new Error(`entrain web exited with ${code}`)))
  })
}

async function main() {
  const name = `viewer-bench-${process.pid}`
  const producer = entrain(['simulate', '--name', name, '--channels', String(channels), '--rate', String(rate)])
  const host = entrain(['web', '--json', '--data-dir', await mkdtemp(path.join(os.tmpdir(), 'entrain-bench-'))])
  const { url } = await firstJson(host)
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
    await page.goto(url)
    await page.getByRole('link', { name: /^Devices/ }).click()
    await page.getByLabel(`View ${name}`).check({ timeout: 15_000 })
    await page.getByLabel('Notch').selectOption('50')
    await page.getByLabel('Band-pass').selectOption('1-40')
    process.stderr.write('filling the 10 s window…\n')
    await page.waitForTimeout(11_000)
    const samples: { fps: number; drawMs: number }[] = []
    for (let second = 0; second < seconds; second++) {
      await page.waitForTimeout(1000)
      const text = (await page.getByTestId('viewer-stats').textContent()) ?? ''
      const match = /(\d+) fps · draw ([\d.]+) ms/.exec(text)
      if (match) samples.push({ fps: Number(match[1]), drawMs: Number(match[2]) })
      process.stderr.write(`\r${second + 1}/${seconds} s  ${text}`)
    }
    process.stderr.write('\n')
    const fps = samples.map((sample) => sample.fps)
    const drawMs = samples.map((sample) => sample.drawMs)
    const result = {
      configuration: { channels, rate, windowSeconds: 10, viewport: '1600×1000', filters: 'notch 50 Hz + band-pass 1–40 Hz', browser: 'Debian Chromium, headless, no GPU' },
      framesPerSecond: { mean: fps.reduce((a, b) => a + b, 0) / fps.length, min: Math.min(...fps) },
      drawMilliseconds: { mean: drawMs.reduce((a, b) => a + b, 0) / drawMs.length, max: Math.max(...drawMs) },
      goal: '≥ 60 fps',
      reference: 'REFERENCE §8: canvas 2D with per-pixel min/max decimation drew 64 channels at 42 fps in a prototype; uPlot 21 fps; webgl-plot 2.4 fps',
    }
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
    process.stderr.write(`wrote ${writeResult('viewer', result)}\n`)
  } finally {
    await browser.close()
    host.kill('SIGTERM')
    producer.kill('SIGTERM')
  }
}

void main()
