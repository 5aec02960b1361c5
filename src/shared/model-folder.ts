/**
 * A trained model is a folder, the same for every kind Entrain trains (generic two-view DCCA, and
 * the audio↔EEG model whose audio branch is a music embedding):
 *
 *   config.json                  this manifest: kind, views, training configuration, data provenance
 *   metrics.json                 per-epoch history and the correlations reached (audio-eeg: every fold and run, mean ± sd)
 *   MODEL_CARD.md                audio-eeg: data, preprocessing, objective, results, which weights
 *   <view>/model.json            the view's encoder as a tfjs LayersModel (tf.loadLayersModel,
 *   <view>/weights.bin           tensorflowjs_converter and Keras read it)
 *   projection/<view>-mean.npy   the final linear CCA: project (encoder output − mean) · weights
 *   projection/<view>-weights.npy
 *
 * Paths inside config.json are relative to the folder, so a folder can be moved or shared whole.
 */
import { z } from 'zod'
import { audioEegTrainingSchema, frontEndSchema } from './audio-eeg'
import { dccaTrainingSchema } from './dcca-training'

export const modelFormat = 'entrain-model'
export const modelFormatVersion = 1

const relativePath = z
  .string()
  .min(1)
  .refine((value) => !value.startsWith('/') && !value.split(/[\\/]/).includes('..'), 'must be a path inside the model folder')

const dataSource = z.object({
  file: z.string(),
  rows: z.number().int(),
  cols: z.number().int(),
  dtype: z.string(),
  sha256: z.string(),
})

export const modelViewSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes'),
  /** Shape of one input sample, e.g. [392]. */
  inputShape: z.array(z.number().int().min(1)).min(1),
  encoder: relativePath,
  projection: z.object({ mean: relativePath, weights: relativePath }),
  data: dataSource.optional(),
})

const commonConfig = {
  format: z.literal(modelFormat),
  version: z.literal(modelFormatVersion),
  createdAt: z.string(),
  entrainVersion: z.string(),
  /** The backend it was trained on, as described to the user. */
  backend: z.string(),
  views: z.array(modelViewSchema).length(2),
  /** Canonical correlations of the training outputs, which the projection's components keep. */
  projectionCorrelations: z.array(z.number()),
}

const dccaModelSchema = z.object({ ...commonConfig, kind: z.literal('dcca'), training: dccaTrainingSchema })

/** The audio↔EEG model: views `audio` and `eeg`; the audio view's projected output is the music embedding. */
const audioEegModelSchema = z.object({
  ...commonConfig,
  kind: z.literal('audio-eeg'),
  training: audioEegTrainingSchema,
  /** How audio becomes the audio network's input: decoded, mono at `rate`, scaled per track, cut into windows, through the front end. */
  audio: z.object({
    rate: z.number().positive(),
    scaling: z.enum(['minmax', 'none']),
    samplesPerWindow: z.number().int().min(1),
    windowSeconds: z.number().positive(),
    hopSeconds: z.number().positive(),
    frontEnd: frontEndSchema,
  }),
  eeg: z.object({ rate: z.number().positive(), channels: z.array(z.string()), samplesPerWindow: z.number().int().min(1), lagSeconds: z.number(), chain: z.record(z.string(), z.unknown()) }),
  dataset: z.object({ folder: z.string(), manifestSha256: z.string(), windows: z.number().int(), participants: z.number().int(), songs: z.number().int(), sessions: z.array(z.object({ folder: z.string(), sha256: z.string() })) }),
  /** The run whose networks and projection these are, and why. */
  exported: z.object({ fold: z.number().int(), run: z.number().int(), seed: z.number().int(), validationCorrelation: z.number(), reason: z.string() }),
})

export const modelConfigSchema = z.discriminatedUnion('kind', [dccaModelSchema, audioEegModelSchema])

export type ModelConfig = z.infer<typeof modelConfigSchema>
export type AudioEegModelConfig = z.infer<typeof audioEegModelSchema>
export type ModelView = z.infer<typeof modelViewSchema>

/** The conventional file names of a view inside the folder. */
export function viewFiles(name: string): Pick<ModelView, 'encoder' | 'projection'> {
  return { encoder: `${name}/model.json`, projection: { mean: `projection/${name}-mean.npy`, weights: `projection/${name}-weights.npy` } }
}
