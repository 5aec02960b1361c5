/**
 * Writes the demo study's stimuli (resources/demo/stimuli/*.wav): four 8-second synthesized tunes
 * that differ in tempo and mode. Run with `npx tsx scripts/make-demo-stimuli.ts`; the output is
 * committed, and this script is how it was made.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { synthesizeTune, type TuneOptions } from '../src/shared/audio/synth'
import { encodeWav } from '../src/shared/audio/wav'

const folder = path.join(__dirname, '..', 'resources', 'demo', 'stimuli')
const common = { seconds: 8, sampleRate: 22_050 }
const tunes: Record<string, Omit<TuneOptions, 'seconds' | 'sampleRate'>> = {
  'bright-fast': { tempoBpm: 140, mode: 'major', tonic: 60, melody: [0, 2, 4, 7, 4, 2, 4, 5], harmonics: 6 },
  'bright-slow': { tempoBpm: 76, mode: 'major', tonic: 65, melody: [4, 2, 0, 2, 4, 4, 4, 1], harmonics: 5 },
  'dark-fast': { tempoBpm: 132, mode: 'minor', tonic: 57, melody: [0, 2, 3, 4, 3, 2, 0, 6], harmonics: 3 },
  'dark-slow': { tempoBpm: 70, mode: 'minor', tonic: 62, melody: [4, 3, 2, 0, 2, 3, 1, 0], harmonics: 2 },
}

mkdirSync(folder, { recursive: true })
for (const [name, tune] of Object.entries(tunes)) {
  const file = path.join(folder, `${name}.wav`)
  writeFileSync(file, encodeWav(synthesizeTune({ ...common, ...tune }), 'pcm16'))
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`)
}
