/**
 * A trained model is a folder, the same for every kind Entrain trains (generic two-view DCCA now,
 * the audio↔EEG model later):
 *
 *   config.json                  this manifest: kind, views, training configuration, data provenance
 *   metrics.json                 per-epoch history and the correlations reached
 *   <view>/model.json            the view's encoder as a tfjs LayersModel (tf.loadLayersModel,
 *   <view>/weights.bin           tensorflowjs_converter and Keras read it)
 *   projection/<view>-mean.npy   the final linear CCA: project (encoder output − mean) · weights
 *   projection/<view>-weights.npy
 *
 * Paths inside config.json are relative to the folder, so a folder can be moved or shared whole.
 */
import { z } from 'zod'
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

export const modelConfigSchema = z.object({
  format: z.literal(modelFormat),
  version: z.literal(modelFormatVersion),
  kind: z.enum(['dcca']),
  createdAt: z.string(),
  entrainVersion: z.string(),
  /** The backend it was trained on, as described to the user. */
  backend: z.string(),
  views: z.array(modelViewSchema).length(2),
  training: dccaTrainingSchema,
  /** Canonical correlations of the training outputs, which the projection's components keep. */
  projectionCorrelations: z.array(z.number()),
})

export type ModelConfig = z.infer<typeof modelConfigSchema>
export type ModelView = z.infer<typeof modelViewSchema>

/** The conventional file names of a view inside the folder. */
export function viewFiles(name: string): Pick<ModelView, 'encoder' | 'projection'> {
  return { encoder: `${name}/model.json`, projection: { mean: `projection/${name}-mean.npy`, weights: `projection/${name}-weights.npy` } }
}
