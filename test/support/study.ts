import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { synthesizeTune } from '../../src/shared/audio/synth'
import { encodeWav } from '../../src/shared/audio/wav'
import type { StudyInput } from '../../src/shared/study/schema'

/** A small valid study; tests change one thing at a time. */
export function exampleStudy(): StudyInput {
  return {
    version: 1,
    name: 'Tempo and valence pilot',
    stimuli: [
      { id: 's1', file: 'stimuli/s1.wav', tags: ['happy'] },
      { id: 's2', file: 'stimuli/s2.wav', tags: ['happy'] },
      { id: 's3', file: 'stimuli/s3.wav', tags: ['sad'] },
      { id: 's4', file: 'stimuli/s4.wav', tags: ['sad'] },
    ],
    trial: {
      phases: [
        { kind: 'fixation', seconds: 2 },
        { kind: 'stimulus' },
        { kind: 'rating', scales: [{ kind: 'sam-valence' }, { kind: 'sam-arousal' }, { kind: 'likert', id: 'groove', prompt: 'How much did it make you want to move?', points: 5 }] },
        { kind: 'rest', seconds: 3 },
      ],
    },
    blocks: [{ id: 'main', stimuli: 'all', order: { kind: 'constrained', maxConsecutiveTag: 1, minRepeatDistance: 2 }, repetitions: 2, breakEvery: 4 }],
    seed: 42,
  }
}

/**
 * A runnable study in `folder` that takes seconds, not minutes: `count` one-second tunes, a short
 * fixation, the stimulus, one rating and a short rest.
 */
export async function writeQuickStudy(folder: string, count = 4): Promise<string> {
  await mkdir(path.join(folder, 'stimuli'), { recursive: true })
  const stimuli = []
  for (let index = 0; index < count; index++) {
    const id = `tune${index + 1}`
    const audio = synthesizeTune({ seconds: 1, sampleRate: 44_100, tempoBpm: 90 + 20 * index, mode: index % 2 ? 'minor' : 'major', tonic: 60 + index, melody: [0, 2, 4, 5], harmonics: 3 })
    await writeFile(path.join(folder, 'stimuli', `${id}.wav`), encodeWav(audio, 'pcm16'))
    stimuli.push({ id, file: `stimuli/${id}.wav`, tags: [index % 2 ? 'minor' : 'major'] })
  }
  const study: StudyInput = {
    version: 1,
    name: 'Quick study',
    stimuli,
    trial: { phases: [{ kind: 'fixation', seconds: 0.3 }, { kind: 'stimulus' }, { kind: 'rating', scales: [{ kind: 'liking' }] }, { kind: 'rest', seconds: 0.2 }] },
    blocks: [{ id: 'main', stimuli: 'all', order: 'random' }],
    seed: 5,
    devices: { streams: [{ type: 'EEG' }] },
  }
  const file = path.join(folder, 'study.json')
  await writeFile(file, JSON.stringify(study, null, 2))
  return file
}
