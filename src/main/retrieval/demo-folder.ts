/**
 * A generated evaluation folder, for `entrain demo` and the tests: synthesized songs in three
 * styles with lyrics that talk about what can be heard. The style (tempo range, mode, brightness)
 * is the class; each song's key also shows in its lyrics (a word family per tonic), so an audio
 * feature that hears pitch (chroma) can find a song's own lyrics within its class too.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { synthesizeTune } from '../../shared/audio/synth'
import { encodeWav } from '../../shared/audio/wav'
import { Random } from '../../shared/sim/random'
import { labelsFileName } from '../../shared/retrieval/folder'
import { prepareEmptyFolder } from '../store/empty-folder'

const styles = [
  { name: 'dance', mode: 'major', tempo: [132, 150], harmonics: 7, words: ['dance', 'floor', 'lights', 'party', 'move', 'tonight', 'jump', 'shine'] },
  { name: 'ballad', mode: 'minor', tempo: [62, 76], harmonics: 2, words: ['tears', 'alone', 'rain', 'goodbye', 'cold', 'memory', 'heart', 'slowly'] },
  { name: 'road', mode: 'major', tempo: [96, 112], harmonics: 4, words: ['road', 'highway', 'miles', 'wheels', 'dust', 'engine', 'drive', 'horizon'] },
] as const
/** Words that go with each of the twelve tonics (C, C#, …): what the lyrics "say" about the key. */
const keyWords = ['amber', 'bronze', 'cedar', 'dove', 'ember', 'fern', 'garnet', 'hazel', 'indigo', 'jade', 'kelp', 'lilac']
const filler = ['the', 'and', 'you', 'we', 'oh', 'yeah', 'my', 'is']

/** Writes `songs` WAV files, their lyrics and labels.csv into `folder` (new or empty). */
export async function writeRetrievalDemoFolder(folder: string, options: { songs?: number; seconds?: number; seed?: number } = {}): Promise<{ folder: string; songs: number }> {
  const songs = options.songs ?? 30
  const random = new Random(options.seed ?? 1)
  await prepareEmptyFolder(folder, 'the demo folder is written into a new or empty one')
  const labels = ['file,label']
  for (let index = 0; index < songs; index++) {
    const style = styles[index % styles.length]!
    const tonic = 55 + Math.floor(random.next() * 12)
    const name = `song${String(index + 1).padStart(2, '0')}`
    const tune = synthesizeTune({
      seconds: options.seconds ?? 6,
      sampleRate: 22_050,
      tempoBpm: style.tempo[0] + random.next() * (style.tempo[1] - style.tempo[0]),
      mode: style.mode,
      tonic,
      melody: Array.from({ length: 8 }, () => Math.floor(random.next() * 8)),
      harmonics: style.harmonics,
    })
    const key = keyWords[tonic % 12]!
    const lines = Array.from({ length: 8 }, () =>
      Array.from({ length: 7 }, () => {
        const draw = random.next()
        const pool = draw < 0.35 ? style.words : draw < 0.6 ? [key] : filler
        return pool[Math.floor(random.next() * pool.length)]
      }).join(' '),
    )
    await fs.writeFile(path.join(folder, `${name}.wav`), encodeWav(tune, 'pcm16'))
    await fs.writeFile(path.join(folder, `${name}.txt`), `${lines.join('\n')}\n`)
    labels.push(`${name},${style.name}`)
  }
  await fs.writeFile(path.join(folder, labelsFileName), `${labels.join('\n')}\n`)
  return { folder, songs }
}
