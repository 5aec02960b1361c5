import path from 'node:path'
import { repoRoot, runCli } from './cli'
import { writeQuickStudy } from './study'

/**
 * A real session of a quick study, recorded by `entrain run --simulate` (simulated EEG through
 * LSL, audio through the PulseAudio server `pulseServer`) into `<root>/study/sessions/sub-P/ses-01`.
 */
export async function recordSimulatedSession(root: string, pulseServer: string, participant = '01'): Promise<{ study: string; folder: string }> {
  const study = path.join(root, 'study')
  const file = await writeQuickStudy(study, 4)
  const result = await runCli(['run', file, '--participant', participant, '--simulate', '--json'], {
    PULSE_SERVER: pulseServer,
    // A loopback-only lsl_api.cfg, as every LSL test uses.
    HOME: path.join(repoRoot, 'test', 'fixtures', 'lsl-home'),
    ENTRAIN_DATA_DIR: path.join(root, 'data'),
  })
  if (result.code !== 0) throw new Error(`entrain run failed (${result.code}): ${result.stderr}`)
  return { study, folder: path.join(study, 'sessions', `sub-${participant}`, 'ses-01') }
}
