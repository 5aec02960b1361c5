/**
 * The audio↔EEG model (arXiv 1712.05197, REFERENCE §1): what a training job is asked (one
 * serialisable request, checked by one schema wherever it comes from: the CLI, the app's trainer
 * process), its presets, and the audio front end that training and `entrain embed` apply alike.
 */
import { z } from 'zod'
import { dccaObjectives } from './dcca'
import { optimizerNames } from './dcca-training'
import { defaultLogMel, logMelFrames, logMelSpectrogram, type LogMelSpec } from './dsp/mel'

export const presetNames = ['paper', 'fast'] as const
export type PresetName = (typeof presetNames)[number]

/** What the audio network sees: the raw waveform (`paper`) or a log-mel spectrogram (`fast`). */
export type AudioFrontEnd = { kind: 'waveform' } | ({ kind: 'logmel' } & LogMelSpec)

export const frontEndSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('waveform') }),
  z.object({ kind: z.literal('logmel'), frameSize: z.number().int(), hop: z.number().int(), mels: z.number().int(), minHz: z.number(), maxHz: z.number(), floor: z.number() }),
])

export function presetFrontEnd(preset: PresetName, audioRate: number): AudioFrontEnd {
  return preset === 'paper' ? { kind: 'waveform' } : { kind: 'logmel', ...defaultLogMel, maxHz: audioRate / 2 }
}

/** Shape of one audio sample as the network takes it: [steps, channels]. */
export function audioInputShape(frontEnd: AudioFrontEnd, samplesPerWindow: number): [number, number] {
  return frontEnd.kind === 'waveform' ? [samplesPerWindow, 1] : [logMelFrames(samplesPerWindow, frontEnd), frontEnd.mels]
}

/** One audio window (already scaled as the dataset scales audio) as the network's input, flat in [steps, channels] order. */
export function audioFeatures(window: Float32Array, rate: number, frontEnd: AudioFrontEnd): Float32Array {
  return frontEnd.kind === 'waveform' ? window : logMelSpectrogram(window, rate, frontEnd)
}

/** The start sample of every whole window of `windowSamples`, `hopSamples` apart, from the start of a track. */
export function trackWindows(samples: number, windowSamples: number, hopSamples: number): number[] {
  const starts: number[] = []
  for (let start = 0; start + windowSamples <= samples; start += hopSamples) starts.push(start)
  return starts
}

const positiveInt = z.number().int().min(1)

/** The training part of a request: everything but where the data is and where the model goes. */
export const audioEegTrainingSchema = z
  .object({
    preset: z.enum(presetNames),
    /** Outputs of each network and canonical components kept. */
    dims: positiveInt.max(4096),
    /** Channel widths of both networks are the preset's times this. */
    width: z.number().positive().max(16),
    foldsBy: z.enum(['subject', 'song']),
    /** Runs per fold, each with its own seed (seed + 1000·fold + run). */
    runs: positiveInt.max(100),
    epochs: positiveInt.max(100_000),
    /** Epochs without a better validation correlation before a run stops early (0: never). */
    patience: z.number().int().min(0).max(100_000),
    batchSize: z.number().int().min(2).max(100_000),
    learningRate: z.number().positive().max(10),
    optimizer: z.enum(optimizerNames),
    objective: z.enum(dccaObjectives),
    ridge: z.number().min(0).max(1e3),
    seed: z.number().int().min(0).max(2 ** 31 - 1),
  })
  .strict()

export type AudioEegTraining = z.infer<typeof audioEegTrainingSchema>

/** The paper's settings (REFERENCE §1), and a smaller set-up for CPU-only labs. */
export const presetDefaults: Record<PresetName, AudioEegTraining> = {
  paper: { preset: 'paper', dims: 128, width: 1, foldsBy: 'subject', runs: 5, epochs: 20, patience: 0, batchSize: 102, learningRate: 1e-3, optimizer: 'adam', objective: 'frobenius', ridge: 1e-4, seed: 1 },
  fast: { preset: 'fast', dims: 16, width: 1, foldsBy: 'subject', runs: 1, epochs: 20, patience: 5, batchSize: 128, learningRate: 1e-3, optimizer: 'adam', objective: 'trace', ridge: 1e-3, seed: 1 },
}

/** A training job, as the CLI and the trainer process send it (plain JSON). */
export const audioEegRequestSchema = z
  .object({
    dataset: z.string().min(1),
    out: z.string().min(1),
    training: audioEegTrainingSchema,
    /** Take up a stopped job in `out` where its checkpoints left it. */
    resume: z.boolean(),
    backend: z.object({ backend: z.string().optional(), threads: positiveInt.optional() }).strict().optional(),
  })
  .strict()

export type AudioEegRequest = z.infer<typeof audioEegRequestSchema>

/** The preset's settings with `given` over them, or an error naming every bad field. */
export function parseAudioEegTraining(preset: PresetName, given: Partial<AudioEegTraining>): AudioEegTraining {
  const defined = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined))
  const result = audioEegTrainingSchema.safeParse({ ...presetDefaults[preset], ...defined, preset })
  if (result.success) return result.data
  throw new RangeError(result.error.issues.map((issue) => `${issue.path.join('.') || 'training'}: ${issue.message}`).join('; '))
}
