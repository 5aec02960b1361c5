#!/usr/bin/env node
'use strict'
// `npm test`: lint, type-check, build, unit + integration tests (vitest), end-to-end tests
// (Playwright in Chromium), then one closing line `N passed, N failed, N skipped` over all tests.
// Every step runs even if an earlier one failed, so one run shows every problem.
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const root = path.join(__dirname, '..')
const bin = (name) => path.join(root, 'node_modules', '.bin', name)
const results = path.join(root, 'test-results')
const vitestReport = path.join(results, 'vitest.json')
const realTimeReport = path.join(results, 'vitest-real-time.json')
/**
 * Tests that play audio in real time (the engine, sessions, datasets recorded from sessions) run one
 * file at a time after the others: beside CPU-heavy tests on two cores the output can run dry, and
 * a test of sample-accurate timing would then measure the machine, not Entrain.
 */
const realTime = ['test/integration/audio', 'test/integration/session', 'test/integration/dataset']
const playwrightReport = path.join(results, 'playwright.json')

/**
 * Tests that use LSL must not reach the network. They always run with a loopback-only
 * lsl_api.cfg (test/fixtures/lsl-home); where the machine allows it (Linux, root) they also run in a
 * private network namespace that has nothing but a loopback interface.
 */
function isolated(command, args) {
  if (process.platform !== 'linux') return [command, args]
  if (spawnSync('unshare', ['-n', 'true']).status !== 0) {
    process.stdout.write('(no private network namespace here: LSL tests rely on the loopback-only lsl_api.cfg)\n')
    return [command, args]
  }
  return ['unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', command, ...args]]
}

const steps = [
  ['lint', bin('eslint'), ['.']],
  ['typecheck', bin('vue-tsc'), ['-b']],
  ['build', bin('electron-vite'), ['build']],
  [
    'unit + integration',
    ...isolated(bin('vitest'), ['run', ...realTime.map((folder) => `--exclude=${folder}/**`), '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`]),
  ],
  ['real-time audio, one file at a time', ...isolated(bin('vitest'), ['run', ...realTime, '--no-file-parallelism', '--reporter=default', '--reporter=json', `--outputFile.json=${realTimeReport}`])],
  ['end-to-end', ...isolated(bin('playwright'), ['test'])],
]

fs.rmSync(vitestReport, { force: true })
fs.rmSync(realTimeReport, { force: true })
fs.rmSync(playwrightReport, { force: true })

const failedSteps = []
for (const [name, command, args] of steps) {
  process.stdout.write(`\n=== ${name} ===\n`)
  const started = Date.now()
  const run = spawnSync(command, args, { cwd: root, stdio: 'inherit' })
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  if (run.status !== 0) failedSteps.push(name)
  process.stdout.write(`=== ${name}: ${run.status === 0 ? 'ok' : `FAILED (exit ${run.status ?? run.signal})`} in ${seconds} s ===\n`)
}

const readJson = (file) => (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : null)
const counts = { passed: 0, failed: 0, skipped: 0 }
const vitestRuns = { 'unit + integration': readJson(vitestReport), 'real-time audio, one file at a time': readJson(realTimeReport) }
for (const vitest of Object.values(vitestRuns)) {
  if (!vitest) continue
  counts.passed += vitest.numPassedTests
  counts.failed += vitest.numFailedTests
  counts.skipped += vitest.numPendingTests + vitest.numTodoTests
}
const playwright = readJson(playwrightReport)
if (playwright) {
  counts.passed += playwright.stats.expected + playwright.stats.flaky
  counts.failed += playwright.stats.unexpected
  counts.skipped += playwright.stats.skipped
}
// A step that failed without a test report (lint, typecheck, build, a crashed runner) counts as a failure.
for (const name of failedSteps) {
  const vitest = vitestRuns[name]
  const reported = (vitest && vitest.numFailedTests > 0) || (name === 'end-to-end' && playwright && playwright.stats.unexpected > 0)
  if (!reported) counts.failed += 1
}

if (failedSteps.length) process.stdout.write(`\nfailed steps: ${failedSteps.join(', ')}\n`)
process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`)
process.exitCode = failedSteps.length || counts.failed ? 1 : 0
