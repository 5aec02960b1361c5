/**
 * A small audio↔EEG dataset written straight from the simulated participant
 * (src/shared/sim/participant.ts), in the dataset builder's format: synthesized tunes, EEG that
 * responds to them over simulated background EEG, cut into windows and scaled as the builder does.
 * Building from recorded sessions (test/integration/dataset/build.test.ts) takes a real-time
 * session per participant; the training tests need several participants in seconds.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { synthesizeTune } from '../../src/shared/audio/synth'
import { paperChain, scaleEpoch } from '../../src/shared/dataset/eeg-chain'
import { datasetFormat, datasetVersion, shardName, type DatasetManifest } from '../../src/shared/dataset/manifest'
import { assignFolds } from '../../src/shared/dataset/windows'
import { crossCovariance } from '../../src/shared/linalg'
import { createEegSimulator } from '../../src/shared/sim/eeg'
import { defaultEegLabels } from '../../src/shared/sim/montage'
import { audioFeatures, backgroundCovariance, createParticipant, theoreticalCorrelations } from '../../src/shared/sim/participant'
import { Random } from '../../src/shared/sim/random'

export interface SimulatedDatasetOptions {
  participants: number
  songs: number
  songSeconds: number
  windowSeconds: number
  channels: number
  /** Pair every EEG window with another window's audio (the null: nothing to learn). */
  shuffle?: boolean
  seed?: number
}

export const audioRate = 22_050
export const eegRate = 250

/** The i-th test tune: tempo, mode, key and melody differ from tune to tune. */
export function tune(index: number, seconds: number): Float32Array {
  const random = new Random(100 + index)
  const melody = Array.from({ length: 5 + (index % 4) }, () => Math.floor(random.next() * 8))
  return synthesizeTune({ seconds, sampleRate: audioRate, tempoBpm: 80 + 13 * index, mode: index % 2 ? 'minor' : 'major', tonic: 55 + 3 * index, melody, harmonics: 2 + (index % 3) }).channels[0]!
}

/** Writes the dataset; returns its manifest and the simulator's theoretical canonical correlations (per sample, mean over participants). */
export async function writeSimulatedDataset(folder: string, options: SimulatedDatasetOptions): Promise<{ manifest: DatasetManifest; theory: number[] }> {
  const labels = defaultEegLabels(options.channels)
  const audioSamples = Math.round(options.windowSeconds * audioRate)
  const eegSamples = Math.round(options.windowSeconds * eegRate)
  const songs = Array.from({ length: options.songs }, (_, index) => {
    const mono = tune(index, options.songSeconds)
    return { id: `song${index + 1}`, mono, features: audioFeatures(mono, audioRate, eegRate) }
  })
  const audioWindows: Float32Array[] = []
  const eegWindows: Float32Array[] = []
  const items: DatasetManifest['items'] = []
  const theories: Float64Array[] = []
  for (let p = 0; p < options.participants; p++) {
    const participant = createParticipant({ labels, eegRate, seed: (options.seed ?? 1) * 10 + p })
    const simulator = createEegSimulator({ labels, sampleRate: eegRate, seed: (options.seed ?? 1) * 10 + p })
    for (const [trial, song] of songs.entries()) {
      const background = simulator.next(song.features.rows)
      const eeg = participant.respond(song.features, background)
      if (trial === 0) {
        const components = participant.components(song.features)
        theories.push(theoreticalCorrelations(participant.mixing, crossCovariance(components, components), backgroundCovariance(background, labels.length)))
      }
      const channels = labels.map((_, channel) => Float32Array.from({ length: song.features.rows }, (_, t) => eeg[t * labels.length + channel]!))
      scaleEpoch(channels, 'minmax')
      const audio = Float32Array.from(song.mono)
      scaleEpoch([audio], 'minmax')
      for (let start = 0; (start + options.windowSeconds) * eegRate <= song.features.rows; start += options.windowSeconds) {
        const a = Math.round(start * audioRate)
        const e = Math.round(start * eegRate)
        audioWindows.push(audio.slice(a, a + audioSamples))
        const window = new Float32Array(labels.length * eegSamples)
        channels.forEach((channel, index) => window.set(channel.subarray(e, e + eegSamples), index * eegSamples))
        eegWindows.push(window)
        items.push({ session: `sub-${p + 1}/ses-01`, participant: String(p + 1), stimulus: song.id, trial, offset: start })
      }
    }
  }
  if (options.shuffle) {
    const order = Int32Array.from(audioWindows, (_, index) => index)
    new Random(99).shuffle(order)
    const shuffled = Array.from(order, (index) => audioWindows[index]!)
    audioWindows.splice(0, audioWindows.length, ...shuffled)
  }
  await mkdir(folder, { recursive: true })
  const concat = (parts: Float32Array[]) => {
    const out = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0))
    let at = 0
    for (const part of parts) {
      out.set(part, at)
      at += part.length
    }
    return Buffer.from(out.buffer)
  }
  await writeFile(path.join(folder, shardName('audio', 0)), concat(audioWindows))
  await writeFile(path.join(folder, shardName('eeg', 0)), concat(eegWindows))
  const manifest: DatasetManifest = {
    format: datasetFormat,
    version: datasetVersion,
    createdAt: new Date().toISOString(),
    software: { entrain: 'test' },
    audio: { rate: audioRate, samplesPerWindow: audioSamples, scaling: 'minmax' },
    eeg: { stream: 'simulated', rate: eegRate, channels: labels, samplesPerWindow: eegSamples, chain: { ...paperChain, lineHz: null, bandpass: null } },
    windows: { windowSeconds: options.windowSeconds, hopSeconds: options.windowSeconds, lagSeconds: 0, count: items.length },
    shards: [{ audio: shardName('audio', 0), eeg: shardName('eeg', 0), windows: items.length }],
    items,
    folds: { k: 2, seed: 1, bySubject: assignFolds(items.map((item) => item.participant), 2, 1), bySong: assignFolds(items.map((item) => item.stimulus), 2, 1) },
    sources: Array.from({ length: options.participants }, (_, p) => ({ folder: `sub-${p + 1}/ses-01`, sha256: '0'.repeat(64), parts: ['recording.xdf'], windows: items.length / options.participants })),
    skipped: [],
  }
  await writeFile(path.join(folder, 'manifest.json'), `${JSON.stringify(manifest)}\n`)
  const theory = [0, 1, 2].map((k) => theories.reduce((sum, values) => sum + values[k]!, 0) / theories.length)
  return { manifest, theory }
}

