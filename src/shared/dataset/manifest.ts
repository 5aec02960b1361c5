/**
 * A dataset's manifest.json: what the shards hold and where every window came from. Shards are
 * raw little-endian float32: `audio-NNNN.f32` holds windows × audio samples, `eeg-NNNN.f32` holds
 * windows × channels × EEG samples (channel-major within a window), in the order of `items`.
 */
import type { EegChain } from './eeg-chain'
import type { WindowSpec } from './windows'

export const datasetFormat = 'entrain-dataset'
export const datasetVersion = 1

export interface DatasetItem {
  /** `sub-01/ses-01`. */
  session: string
  participant: string
  stimulus: string
  trial: number
  /** Seconds from the stimulus onset to the audio window's start. */
  offset: number
}

export interface DatasetManifest {
  format: typeof datasetFormat
  version: typeof datasetVersion
  createdAt: string
  software: Record<string, string>
  audio: { rate: number; samplesPerWindow: number; scaling: 'minmax' | 'none' }
  eeg: { stream: string; rate: number; channels: string[]; samplesPerWindow: number; chain: EegChain }
  windows: WindowSpec & { count: number }
  shards: { audio: string; eeg: string; windows: number }[]
  items: DatasetItem[]
  /** Fold of each participant and of each song, for cross-validation by subject or by song. */
  folds: { k: number; seed: number; bySubject: Record<string, number>; bySong: Record<string, number> }
  /** The sessions it was built from: folder, session.json's SHA-256, recording parts. */
  sources: { folder: string; sha256: string; parts: string[]; windows: number }[]
  /** Trials left out, and why (no EEG over them, a skipped trial, …). */
  skipped: { session: string; trial: number; stimulus: string; reason: string }[]
}

export const shardName = (kind: 'audio' | 'eeg', index: number) => `${kind}-${String(index).padStart(4, '0')}.f32`
