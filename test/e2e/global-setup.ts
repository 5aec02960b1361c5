import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { firstJsonLine, repoRoot, startCli } from '../support/cli'
import { writeEditorStudyTones } from '../support/editor-study'
import { pulseAvailable, startPulse } from '../support/pulse'

/**
 * Starts the browser test host (`entrain web`) on the built renderer with a temporary data folder
 * and a study folder to open; tests read the address from the environment.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'entrain-e2e-'))
  const studyDir = path.join(root, 'studies', 'pilot-study')
  await mkdir(studyDir, { recursive: true })
  // A study whose protocol names a stimulus file that is not there.
  const brokenDir = path.join(root, 'studies', 'broken-study')
  await mkdir(brokenDir, { recursive: true })
  await writeFile(
    path.join(brokenDir, 'study.json'),
    JSON.stringify({
      version: 1,
      name: 'Broken',
      stimuli: [{ id: 'a', file: 'stimuli/missing.wav' }],
      trial: { phases: [{ kind: 'stimulus' }] },
      blocks: [{ id: 'b', stimuli: 'all' }],
    }),
  )
  process.env.ENTRAIN_E2E_BROKEN_STUDY = brokenDir
  // Tones for the study the editor spec builds, and where it builds it (the spec creates the folder).
  const tonesDir = path.join(root, 'tones')
  await mkdir(tonesDir)
  await writeEditorStudyTones(tonesDir)
  process.env.ENTRAIN_E2E_TONES = tonesDir
  process.env.ENTRAIN_E2E_EDITOR_STUDY = path.join(root, 'studies', 'two-tones')
  // Where the participant-page spec writes the study it runs.
  process.env.ENTRAIN_E2E_PARTICIPANT_STUDY = path.join(root, 'studies', 'listening')
  // A private PulseAudio null sink is the audio device, where the machine has PulseAudio.
  const pulse = pulseAvailable ? await startPulse() : null
  if (pulse) process.env.ENTRAIN_E2E_PULSE = pulse.server
  // HOME holds a loopback-only lsl_api.cfg, so the host's LSL traffic stays on this machine.
  const child = startCli(['web', '--json', '--data-dir', path.join(root, 'data')], {
    HOME: path.join(repoRoot, 'test', 'fixtures', 'lsl-home'),
    ...(pulse ? { PULSE_SERVER: pulse.server } : {}),
  })
  const started = await firstJsonLine<{ url: string; origin: string; token: string }>(child)
  process.env.ENTRAIN_E2E_URL = started.url
  process.env.ENTRAIN_E2E_ORIGIN = started.origin
  process.env.ENTRAIN_E2E_STUDY = studyDir
  return async () => {
    const exited = new Promise((resolve) => child.on('exit', resolve))
    child.kill('SIGTERM')
    await exited
    await pulse?.close()
    await rm(root, { recursive: true, force: true })
  }
}
