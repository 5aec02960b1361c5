import { describe, expect, it } from 'vitest'
import { synthesizeTune } from '../../../../src/shared/audio/synth'
import { crossCovariance, matrix } from '../../../../src/shared/linalg'
import { createEegSimulator } from '../../../../src/shared/sim/eeg'
import { defaultEegLabels } from '../../../../src/shared/sim/montage'
import { invalidAnswer, scaleSpec } from '../../../../src/shared/study/scales'
import {
  audioFeatures,
  backgroundCovariance,
  createParticipant,
  measuredCorrelations,
  simulatedAnswer,
  theoreticalCorrelations,
} from '../../../../src/shared/sim/participant'

const eegRate = 250
const labels = defaultEegLabels(16)

const tunes = {
  first: { tempoBpm: 113, mode: 'minor', tonic: 57, melody: [0, 4, 2, 5, 3, 7, 1, 4, 6], harmonics: 4 },
  second: { tempoBpm: 89, mode: 'major', tonic: 64, melody: [2, 0, 5, 1, 6, 3], harmonics: 2 },
} as const

function featuresOf(tune: keyof typeof tunes, seconds: number) {
  const audio = synthesizeTune({ seconds, sampleRate: 11_025, ...tunes[tune], melody: [...tunes[tune].melody] })
  return audioFeatures(audio.channels[0]!, 11_025, eegRate)
}

function session(seconds: number, seed: number) {
  const features = featuresOf('first', seconds)
  const background = createEegSimulator({ labels, sampleRate: eegRate, seed }).next(features.rows)
  const participant = createParticipant({ labels, eegRate, seed })
  const eeg = participant.respond(features, background)
  return { features, background, participant, eeg }
}

describe('simulated participant', () => {
  it('responds with components whose canonical correlations with the EEG match the theory', () => {
    const { features, background, participant, eeg } = session(60, 7)
    const components = participant.components(features)
    const theory = theoreticalCorrelations(participant.mixing, crossCovariance(components, components), backgroundCovariance(background, labels.length))
    const measured = measuredCorrelations(components, matrix(features.rows, labels.length, eeg))
    expect(theory[0]).toBeGreaterThan(0.3)
    expect(theory[0]).toBeLessThan(0.99)
    const report = `theory ${Array.from(theory, (value) => value.toFixed(3))}, measured ${Array.from(measured, (value) => value.toFixed(3))}`
    // Components above the chance level of 60 s of autocorrelated data are measured as predicted;
    // finite samples only ever inflate the weaker ones.
    const aboveChance = Array.from(theory).filter((value) => value > 0.25).length
    expect(aboveChance, report).toBeGreaterThanOrEqual(1)
    for (let k = 0; k < 3; k++) {
      if (k < aboveChance) expect(Math.abs(measured[k]! - theory[k]!), report).toBeLessThan(0.05)
      else expect(measured[k]! - theory[k]!, report).toBeGreaterThan(-0.05)
    }
  })

  it('shows nothing when the EEG is paired with other music', () => {
    const { features, participant, eeg } = session(60, 8)
    // Music repeats itself, so a time-shifted copy of the same tune is no null: use another tune.
    const other = participant.components(featuresOf('second', 60))
    expect(other.rows).toBe(features.rows)
    const unpaired = measuredCorrelations(other, matrix(features.rows, labels.length, eeg))[0]!
    const paired = measuredCorrelations(participant.components(features), matrix(features.rows, labels.length, eeg))[0]!
    expect(unpaired).toBeLessThan(0.2)
    expect(paired).toBeGreaterThan(2.5 * unpaired)
  })

  it('responds at auditory latencies (50–250 ms) and is the same for the same seed', () => {
    const participant = createParticipant({ labels, eegRate, seed: 3 })
    for (const byFeature of participant.kernels) {
      for (const kernel of byFeature) {
        const peak = kernel.reduce((best, value, lag) => (Math.abs(value) > Math.abs(kernel[best]!) ? lag : best), 0)
        expect(peak / eegRate).toBeGreaterThanOrEqual(0.04)
        expect(peak / eegRate).toBeLessThanOrEqual(0.27)
      }
    }
    expect(createParticipant({ labels, eegRate, seed: 3 }).mixing).toEqual(participant.mixing)
  })

  it('adds exactly its response to the background', () => {
    const { features, background, participant, eeg } = session(5, 4)
    const response = participant.response(features)
    expect(response).toHaveLength(background.length)
    const index = 777
    expect(eeg[index]).toBeCloseTo(background[index]! + response[index]!, 4)
  })

  it('answers every scale in range, the same way for the same seed, and varies between stimuli', () => {
    const scales = [scaleSpec({ kind: 'sam-valence' }), scaleSpec({ kind: 'familiarity' }), scaleSpec({ kind: 'slider', id: 'tension', prompt: 'T', min: -1, max: 1 })]
    const answers = new Set<number>()
    for (const scale of scales) {
      for (const stimulus of ['a', 'b', 'c', 'd', 'e', 'f']) {
        const answer = simulatedAnswer(scale, stimulus, 11)
        expect(invalidAnswer(scale, answer.value)).toBeNull()
        expect(answer.responseSeconds).toBeGreaterThanOrEqual(0.4)
        expect(answer.responseSeconds).toBeLessThanOrEqual(1.2)
        expect(simulatedAnswer(scale, stimulus, 11)).toEqual(answer)
        if (scale.id === 'valence') answers.add(answer.value)
      }
    }
    expect(answers.size).toBeGreaterThan(2)
  })
})
