import { accessSync, constants, existsSync, mkdirSync } from 'node:fs'
import { appRootDir, defaultDataDir } from '../../main/paths'
import { listDevices } from '../../main/audio/alsa'
import { locateElectron } from '../../main/electron-binary'
import { lsl } from '../../main/lsl/bindings'
import type { BackendChoice } from '../../trainer/backend'
import { defineCommand, exitCodes, output } from '../command'

export interface Check {
  name: string
  status: 'ok' | 'warning' | 'missing'
  detail: string
}

const minimumNode = [20, 19] as const

/** Each capability Entrain needs from this machine; later capabilities add their checks here. */
export function runChecks(): Check[] {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number)
  const nodeOk = major > minimumNode[0] || (major === minimumNode[0] && minor >= minimumNode[1])
  const checks: Check[] = [
    {
      name: 'node',
      status: nodeOk ? 'ok' : 'missing',
      detail: `Node.js ${process.versions.node}${nodeOk ? '' : ` (needs ${minimumNode.join('.')} or newer)`}`,
    },
  ]

  const dataDir = defaultDataDir()
  try {
    mkdirSync(dataDir, { recursive: true })
    accessSync(dataDir, constants.W_OK)
    checks.push({ name: 'data folder', status: 'ok', detail: dataDir })
  } catch (error) {
    checks.push({ name: 'data folder', status: 'missing', detail: `${dataDir} is not writable: ${(error as Error).message}` })
  }

  try {
    const { library } = lsl()
    checks.push({ name: 'liblsl', status: 'ok', detail: `liblsl ${library.version} (${library.origin}) at ${library.path}` })
  } catch (error) {
    checks.push({ name: 'liblsl', status: 'missing', detail: (error as Error).message })
  }

  if (process.platform === 'linux') {
    try {
      const devices = listDevices()
      checks.push({
        name: 'audio',
        status: devices.length ? 'ok' : 'warning',
        detail: `ALSA with ${devices.length} output device${devices.length === 1 ? '' : 's'} (${devices.slice(0, 4).map((device) => device.name).join(', ')}${devices.length > 4 ? ', …' : ''}); sample-accurate onsets`,
      })
    } catch (error) {
      checks.push({ name: 'audio', status: 'missing', detail: (error as Error).message })
    }
  } else {
    checks.push({ name: 'audio', status: 'warning', detail: `no sample-accurate output path on ${process.platform} yet; Entrain plays audio only on Linux (ALSA) for now` })
  }

  const electron = locateElectron(appRootDir)
  checks.push(
    electron.found
      ? { name: 'electron', status: 'ok', detail: `Electron ${electron.version} at ${electron.path}` }
      : { name: 'electron', status: 'warning', detail: `${electron.problem}; the CLI and \`entrain web\` still work` },
  )

  const browser = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((file) => existsSync(file))
  checks.push(
    browser
      ? { name: 'chromium', status: 'ok', detail: `${browser} (end-to-end tests)` }
      : { name: 'chromium', status: 'warning', detail: 'not found; end-to-end tests need it (Debian: apt install chromium)' },
  )
  return checks
}

/**
 * The backend training would run on here (the same choice `entrain dcca fit` makes, honouring
 * ENTRAIN_TF_BACKEND, ENTRAIN_WASM_THREADS and ENTRAIN_BLAS_LIB), and why better ones were passed over.
 */
async function trainingCheck(): Promise<{ check: Check; backend: BackendChoice | null }> {
  try {
    // Loaded here only: TensorFlow.js is large, and no other check needs it.
    const { selectBackend } = await import('../../trainer/backend')
    const backend = await selectBackend()
    const slow = backend.name === 'cpu' || (backend.name === 'wasm' && backend.products === null)
    const advice = backend.name === 'cpu' ? 'training will be very slow' : backend.products === null ? 'matrix products stay in wasm, several times slower than a native BLAS' : ''
    return { check: { name: 'training', status: slow ? 'warning' : 'ok', detail: `${backend.description}${advice ? `; ${advice}` : ''}` }, backend }
  } catch (error) {
    return { check: { name: 'training', status: 'missing', detail: (error as Error).message }, backend: null }
  }
}

export const doctorCommand = defineCommand({
  name: 'doctor',
  summary: 'Check what Entrain can use on this machine (including the backend training would run on, and why better ones were passed over) and say what to install for what is missing.',
  options: {},
  async run({ options, io }) {
    const training = await trainingCheck()
    const checks = [...runChecks(), training.check]
    const marks = { ok: 'ok  ', warning: 'warn', missing: 'MISS' }
    const width = Math.max(...checks.map((check) => check.name.length))
    const passedOver = (training.backend?.skipped ?? []).map((reason) => `${' '.repeat(width + 9)}passed over: ${reason}`)
    const trainingBackend = training.backend && { name: training.backend.name, description: training.backend.description, threads: training.backend.threads, blas: training.backend.products, skipped: training.backend.skipped }
    output(io, options.json, { checks, trainingBackend }, [...checks.map((check) => `[${marks[check.status]}] ${check.name.padEnd(width)}  ${check.detail}`), ...passedOver].join('\n'))
    return checks.some((check) => check.status === 'missing') ? exitCodes.failure : exitCodes.ok
  },
})
