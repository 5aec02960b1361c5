/**
 * Model folders as the Models view sees them: listed from a models folder with what their
 * config.json and metrics.json say, shown one at a time with a model card, and deleted on request.
 * Reads JSON only (no tfjs), so main stays light; a damaged folder is listed with its problem.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { EntrainError } from '../../shared/errors'
import { modelCard } from '../../shared/model-card'
import { modelConfigSchema, type ModelConfig } from '../../shared/model-folder'
import type { ModelDetail, ModelSummary } from '../../shared/training'

/** The models folder of a study, or of the app's data folder when no study is open. */
export function modelsFolder(study: string | null, dataDir: string): string {
  return path.join(study ?? dataDir, 'models')
}

/** What metrics.json holds: one fit (dcca), or every fold × run with the exported one (audio-eeg). */
interface FitMetrics {
  epochs?: number
  bestEpoch?: number
  training?: { totalCorrelation?: number }
  validation?: { totalCorrelation?: number } | null
}
interface Metrics extends Omit<FitMetrics, 'validation'> {
  validation?: { totalCorrelation?: number; mean?: number } | null
  runs?: (FitMetrics & { fold: number; run: number })[]
  exported?: { fold: number; run: number }
}

async function readJson(file: string): Promise<unknown> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as unknown
}

async function readModel(folder: string): Promise<{ summary: ModelSummary; config: ModelConfig | null; metrics: unknown }> {
  const summary: ModelSummary = {
    path: folder,
    name: path.basename(folder),
    kind: '?',
    createdAt: '',
    backend: '',
    objective: '',
    dims: 0,
    epochs: null,
    bestEpoch: null,
    trainingCorrelation: null,
    validationCorrelation: null,
    problem: null,
  }
  let config: ModelConfig | null = null
  try {
    const parsed = modelConfigSchema.safeParse(await readJson(path.join(folder, 'config.json')))
    if (!parsed.success) throw new Error(`config.json: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`)
    config = parsed.data
    Object.assign(summary, { kind: config.kind, createdAt: config.createdAt, backend: config.backend, objective: config.training.objective, dims: config.training.dims })
  } catch (error) {
    summary.problem = (error as Error).message
  }
  let metrics: unknown = null
  try {
    metrics = await readJson(path.join(folder, 'metrics.json'))
    const known = metrics as Metrics
    // A job of several runs: the exported run's epochs and training correlation, the mean validation correlation of all.
    const exported = known.runs?.find((run) => run.fold === known.exported?.fold && run.run === known.exported?.run)
    const fit: FitMetrics = exported ?? known
    summary.epochs = fit.epochs ?? null
    summary.bestEpoch = fit.bestEpoch ?? null
    summary.trainingCorrelation = fit.training?.totalCorrelation ?? null
    summary.validationCorrelation = known.validation?.mean ?? known.validation?.totalCorrelation ?? null
  } catch (error) {
    summary.problem ??= `metrics.json: ${(error as Error).message}`
  }
  return { summary, config, metrics }
}

/** Every model folder (a folder with config.json) in `folder`, newest first; none when it does not exist. */
export async function listModels(folder: string): Promise<ModelSummary[]> {
  const entries = await fs.readdir(folder, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return []
    throw new EntrainError('IO_ERROR', `cannot read ${folder}: ${error.message}`)
  })
  const models: ModelSummary[] = []
  for (const entry of entries) {
    // Staging folders of a model being written (`name.partial-PID`) are not models yet.
    if (!entry.isDirectory() || entry.name.includes('.partial-')) continue
    const candidate = path.join(folder, entry.name)
    if (!(await fs.stat(path.join(candidate, 'config.json')).catch(() => null))) continue
    models.push((await readModel(candidate)).summary)
  }
  return models.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.name.localeCompare(b.name))
}

async function assertModelFolder(folder: string): Promise<void> {
  const stat = await fs.stat(path.join(folder, 'config.json')).catch(() => null)
  if (!stat?.isFile()) throw new EntrainError('NOT_FOUND', `${folder} is not an Entrain model folder (no config.json)`)
}

export async function showModel(folder: string): Promise<ModelDetail> {
  const target = path.resolve(folder)
  await assertModelFolder(target)
  const { summary, config, metrics } = await readModel(target)
  const written = await fs.readFile(path.join(target, 'MODEL_CARD.md'), 'utf8').catch(() => null)
  const card = written ?? (config?.kind === 'dcca' ? modelCard(config, metrics, summary) : `${summary.name}: ${summary.problem ?? 'no MODEL_CARD.md'}`)
  return { summary, config, metrics, card }
}

/** Removes a model folder (only a folder that holds a model's config.json). */
export async function deleteModel(folder: string): Promise<{ deleted: string }> {
  const target = path.resolve(folder)
  await assertModelFolder(target)
  const parsed = modelConfigSchema.safeParse(await readJson(path.join(target, 'config.json')).catch(() => null))
  if (!parsed.success) throw new EntrainError('INVALID_INPUT', `${target}/config.json is not an Entrain model's; Entrain deletes only folders it can read as models`)
  await fs.rm(target, { recursive: true })
  return { deleted: target }
}
