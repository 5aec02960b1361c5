/**
 * A model card (Mitchell et al. 2019, shortened) in Markdown for a generic DCCA model folder, made
 * from what it records: what it is, how it was trained, on which data, and what it reached. Shown
 * in the Models view; everything in it comes from config.json and metrics.json. (Audio↔EEG model
 * folders carry their own MODEL_CARD.md.)
 */
import type { ModelConfig } from './model-folder'
import type { ModelSummary } from './training'

const fixed = (value: number | null, digits = 3) => (value === null ? '–' : value.toFixed(digits))

export function modelCard(config: Extract<ModelConfig, { kind: 'dcca' }>, metrics: unknown, summary: ModelSummary): string {
  const training = config.training
  const lines = [
    `# ${summary.name}`,
    '',
    `Deep CCA model (${config.kind}), format ${config.format} v${config.version}, made by Entrain ${config.entrainVersion} on ${config.createdAt}.`,
    '',
    '## Intended use',
    '',
    `Each view's encoder maps one input sample to ${training.dims} outputs; the projection turns them into canonical components that correlate across the two views. Use the encoders with their projection, on data prepared as the training data was.`,
    '',
    '## Training',
    '',
    `- objective: ${training.objective}${training.topK !== undefined ? ` (top ${training.topK})` : ''}, ridge ${training.ridge}`,
    `- networks: ${training.layers.length ? training.layers.join(' → ') : 'no hidden layers'} → ${training.dims} (ReLU)`,
    `- ${training.epochs} epochs, batch ${training.batchSize}, Adam ${training.learningRate}, seed ${training.seed}`,
    `- validation: ${training.validationSplit > 0 ? `${Math.round(training.validationSplit * 100)} % of the rows held out; the epoch with the best validation correlation kept` : 'none; the last epoch kept'}`,
    `- backend: ${config.backend}`,
    '',
    '## Data',
    '',
    ...config.views.map((view) =>
      view.data ? `- ${view.name}: ${view.data.file} (${view.data.rows} × ${view.data.cols}, ${view.data.dtype}, SHA-256 ${view.data.sha256})` : `- ${view.name}: input ${view.inputShape.join(' × ')} (source not recorded)`,
    ),
    '',
    '## Results',
    '',
    `- total canonical correlation on the training rows: ${fixed(summary.trainingCorrelation)}`,
    `- on the validation rows: ${fixed(summary.validationCorrelation)}`,
    `- best epoch ${summary.bestEpoch ?? '–'} of ${summary.epochs ?? '–'}`,
    `- strongest canonical correlations (training): ${config.projectionCorrelations.slice(0, 10).map((value) => value.toFixed(3)).join(', ')}`,
    '',
    '## Limitations',
    '',
    'Correlations on the training rows overstate what new data will show; judge the model by held-out rows. It has seen only the data above.',
  ]
  if (metrics === null) lines.push('', 'metrics.json could not be read.')
  return `${lines.join('\n')}\n`
}
