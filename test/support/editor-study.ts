import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { encodeWav } from '../../src/shared/audio/wav'
import { sine } from './tones'

/**
 * The two-stimulus study that test/e2e/study-editor.spec.ts builds in the editor and saves, for
 * specs that go on to run it. The global setup writes the tones and names the folder; the editor
 * spec creates the folder, copies the tones into its stimuli/ and saves study.json there.
 */
export const editorStudy = {
  /** Where the saved study is: `<folder>/study.json`, the tones in `<folder>/stimuli/`. */
  folder: (): string => process.env.ENTRAIN_E2E_EDITOR_STUDY!,
  /** The tones, before the spec copies them into the study. */
  tonesFolder: (): string => process.env.ENTRAIN_E2E_TONES!,
  /** In the order of the saved stimulus table. */
  stimuli: [
    { id: 'tone-low', file: 'stimuli/tone-low.wav', seconds: 1, frequency: 220, tag: 'low' },
    { id: 'tone-high', file: 'stimuli/tone-high.wav', seconds: 1.5, frequency: 440, tag: 'high' },
  ],
  /** One block, every stimulus twice, no tag twice in a row: low and high alternate. */
  trialsPerSession: 4,
  /** Each trial: 0.5 s fixation, the tone, one rating scale (5 s). */
  expectedDurationSeconds: 2 * (0.5 + 1 + 5) + 2 * (0.5 + 1.5 + 5),
}

export const toneSampleRate = 22_050

/** Writes the study's tones (mono 16-bit WAV, 10 ms fades) into `folder`. */
export async function writeEditorStudyTones(folder: string): Promise<void> {
  for (const { file, seconds, frequency } of editorStudy.stimuli) {
    const samples = sine(frequency, toneSampleRate, Math.round(seconds * toneSampleRate), 0.3)
    const fade = Math.round(0.01 * toneSampleRate)
    for (let index = 0; index < fade; index++) {
      samples[index]! *= index / fade
      samples[samples.length - 1 - index]! *= index / fade
    }
    await writeFile(path.join(folder, path.basename(file)), encodeWav({ sampleRate: toneSampleRate, channels: [samples] }, 'pcm16'))
  }
}
