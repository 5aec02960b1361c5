/**
 * A comparison of feature sets and models on one evaluation folder, and its exports: CSV (one row
 * per feature set, model and direction; means and standard deviations in their own columns) and
 * Markdown (a table of mean ± sd, as papers print it).
 */
import { csvCell } from '../export/csv'
import { metricNames, type DirectionMetrics } from './metrics'
import type { DirectionSummary, RetrievalResult } from './protocol'

export interface ComparisonEntry {
  /** The audio features: `descriptors` (the hand-crafted baseline) or an embedding's name. */
  features: string
  result: RetrievalResult
}

export interface RetrievalComparison {
  folder: string
  pairs: number
  /** Pair names (file names without extension), the row order of every feature matrix. */
  names: string[]
  /** Class names when labels.csv was given. */
  classes: string[] | null
  /** How the lyrics became vectors. */
  text: string
  /** Files without a partner, left out. */
  unpaired: string[]
  entries: ComparisonEntry[]
  createdAt: string
}

export const directions = [
  ['audioToText', 'audio → lyrics'],
  ['textToAudio', 'lyrics → audio'],
] as const

export const metricLabels: Record<keyof DirectionMetrics, string> = { iMRR: 'instance MRR', cMRR: 'class MRR', R1: 'R@1', R5: 'R@5', R10: 'R@10', medianRank: 'median rank' }

export function comparisonCsv(comparison: RetrievalComparison): string {
  const header = ['features', 'model', 'direction', 'folds', 'pairs', 'seed', ...metricNames.flatMap((name) => [`${name}_mean`, `${name}_sd`]), 'chance_iMRR', 'chance_cMRR']
  const lines = [header.join(',')]
  for (const { features, result } of comparison.entries) {
    for (const [key] of directions) {
      const summary: DirectionSummary = result[key]
      const cells = metricNames.flatMap((name) => {
        const value = summary[name]
        return value ? [String(value.mean), String(value.sd)] : ['', '']
      })
      lines.push([csvCell(features), result.model, key, String(result.options.folds), String(result.pairs), String(result.options.seed), ...cells, String(result.chance.iMRR), result.chance.cMRR === null ? '' : String(result.chance.cMRR)].join(','))
    }
  }
  return `${lines.join('\n')}\n`
}

export const formatMetric = (name: keyof DirectionMetrics, value: { mean: number; sd: number } | null) => (value === null ? '–' : name === 'medianRank' ? `${value.mean.toFixed(1)} ± ${value.sd.toFixed(1)}` : `${value.mean.toFixed(3)} ± ${value.sd.toFixed(3)}`)

/** The metrics a comparison has: class MRR only where the folder has labels. */
export const shownMetrics = (comparison: RetrievalComparison) => metricNames.filter((name) => name !== 'cMRR' || comparison.classes !== null)

export function comparisonMarkdown(comparison: RetrievalComparison): string {
  const first = comparison.entries[0]?.result
  const shown = shownMetrics(comparison)
  const lines = [
    `# Audio–lyrics retrieval: ${comparison.folder}`,
    '',
    `${comparison.pairs} pairs${comparison.classes ? ` in ${comparison.classes.length} classes (${comparison.classes.join(', ')})` : ''}; lyrics as ${comparison.text}; ${first ? `${first.options.folds} folds, seed ${first.options.seed}, ${first.options.dims}-dimensional shared space` : 'nothing evaluated'}. Mean ± sd over folds; cosine ranking within each test fold.`,
    '',
  ]
  for (const [key, title] of directions) {
    lines.push(`## ${title}`, '', `| features | model | ${shown.map((name) => metricLabels[name]).join(' | ')} |`, `| --- | --- |${shown.map(() => ' ---: |').join('')}`)
    for (const { features, result } of comparison.entries) lines.push(`| ${features} | ${result.model} | ${shown.map((name) => formatMetric(name, result[key][name])).join(' | ')} |`)
    if (first) lines.push(`| chance | – | ${shown.map((name) => (name === 'iMRR' ? first.chance.iMRR.toFixed(3) : name === 'cMRR' && first.chance.cMRR !== null ? first.chance.cMRR.toFixed(3) : '–')).join(' | ')} |`)
    lines.push('')
  }
  if (comparison.unpaired.length) lines.push(`Left out (no partner): ${comparison.unpaired.join(', ')}.`, '')
  return lines.join('\n')
}
