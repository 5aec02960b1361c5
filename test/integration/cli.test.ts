import { describe, expect, it } from 'vitest'
import { firstJsonLine, runCli, startCli } from '../support/cli'
import { useTempDirs } from '../support/temp-dir'
import { version } from '../../package.json'

const tempDir = useTempDirs()

describe('entrain CLI', () => {
  it('lists its commands with --help', async () => {
    const result = await runCli(['--help'])
    expect(result.code).toBe(0)
    for (const command of ['app', 'doctor', 'web']) expect(result.stdout).toMatch(new RegExp(`^  ${command} `, 'm'))
  })

  it('prints its version as JSON', async () => {
    const result = await runCli(['--version', '--json'])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({ name: 'entrain', version })
  })

  it('exits 2 with one line for an unknown command or option', async () => {
    const unknown = await runCli(['frobnicate'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1)
    const badOption = await runCli(['doctor', '--frob'])
    expect(badOption.code).toBe(2)
    expect(badOption.stderr).toContain("Unknown option '--frob'")
  })

  it('gives every command --help', async () => {
    for (const command of ['app', 'doctor', 'web']) {
      const result = await runCli([command, '--help'])
      expect(result.code).toBe(0)
      expect(result.stdout).toContain(`Usage: entrain ${command}`)
      expect(result.stdout).toContain('--json')
    }
  })

  it('reports the machine with doctor --json', async () => {
    const result = await runCli(['doctor', '--json'], { ENTRAIN_DATA_DIR: await tempDir() })
    const report = JSON.parse(result.stdout) as { checks: { name: string; status: string }[] }
    expect(report.checks.map((check) => check.name)).toEqual(expect.arrayContaining(['node', 'data folder', 'electron', 'training']))
    expect(result.code).toBe(report.checks.some((check) => check.status === 'missing') ? 1 : 0)
  })

  it('names the training backend dcca would use, its threads and BLAS, and why better ones were passed over', async () => {
    interface Report {
      checks: { name: string; status: string; detail: string }[]
      trainingBackend: { name: string; description: string; threads: number | null; blas: string | null; skipped: string[] } | null
    }
    const doctor = async (env: Record<string, string>) => {
      const result = await runCli(['doctor', '--json'], { ENTRAIN_DATA_DIR: await tempDir(), ...env })
      const report = JSON.parse(result.stdout) as Report
      return { code: result.code, report, training: report.checks.find((check) => check.name === 'training')! }
    }
    // wasm with two threads and its products kept in wasm: the BLAS is named as passed over, and why.
    const wasm = await doctor({ ENTRAIN_TF_BACKEND: 'wasm', ENTRAIN_WASM_THREADS: '2', ENTRAIN_BLAS_LIB: 'none' })
    expect(wasm.report.trainingBackend).toMatchObject({ name: 'wasm', threads: 2, blas: null, skipped: ['native BLAS for products: turned off (ENTRAIN_BLAS_LIB=none)'] })
    expect(wasm.training).toMatchObject({ status: 'warning', detail: expect.stringMatching(/^wasm \(XNNPACK, .*2 threads\); matrix products stay in wasm/) })
    // Automatic choice: tfjs-node, when it is not installed, is passed over with the reason.
    const auto = await doctor({})
    const chosen = auto.report.trainingBackend!
    expect(['tensorflow', 'wasm']).toContain(chosen.name)
    if (chosen.name === 'wasm') expect(chosen.skipped[0]).toMatch(/^tensorflow: /)
    expect(auto.training.detail).toContain(chosen.description)
    // Text: the same, with what was passed over under it.
    const text = await runCli(['doctor'], { ENTRAIN_DATA_DIR: await tempDir(), ENTRAIN_TF_BACKEND: 'wasm', ENTRAIN_BLAS_LIB: 'none' })
    expect(text.stdout).toMatch(/^\[warn\] training +wasm \(XNNPACK/m)
    expect(text.stdout).toMatch(/^ +passed over: native BLAS for products: turned off/m)
    // A backend that cannot be had is a missing capability, named.
    const unknown = await doctor({ ENTRAIN_TF_BACKEND: 'gpu' })
    expect(unknown.code).toBe(1)
    expect(unknown.report.trainingBackend).toBeNull()
    expect(unknown.training).toMatchObject({ status: 'missing', detail: expect.stringContaining("unknown training backend 'gpu'") })
  })

  it('explains in one line why the desktop app cannot start when Electron is absent, or starts it', async () => {
    const result = await runCli(['app', '--json'], { ENTRAIN_DATA_DIR: await tempDir(), DISPLAY: '' })
    if (result.code === 1 && result.stdout.includes('NOT_AVAILABLE')) {
      expect(result.stderr.trim().split('\n')).toHaveLength(1)
      expect(result.stderr).toContain('npm run dev:web')
    } else {
      // A machine with the Electron binary but no display: Electron itself fails to open a window.
      expect(result.code).not.toBe(0)
    }
  })

  it('serves the UI with `web --json` until SIGTERM, then exits 0', async () => {
    const child = startCli(['web', '--json', '--data-dir', await tempDir()])
    const started = await firstJsonLine<{ url: string; origin: string; token: string }>(child)
    expect(started.url).toBe(`${started.origin}/?token=${started.token}`)
    expect((await fetch(started.origin)).status).toBe(401)
    const page = await fetch(`${started.origin}/`, { headers: { Cookie: `entrain_token=${started.token}` } })
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<div id="app">')
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  })
})
