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
