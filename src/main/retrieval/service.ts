/**
 * The app's retrieval evaluations: each runs as a job of a trainer process of its own
 * (src/trainer/retrieval-jobs.ts through TrainerHost), so that decoding songs, computing
 * descriptors, embedding with models and training the deep variant never stall main's event loop
 * (acquisition, recording, the UI), and an evaluation can run beside a training job. Progress comes
 * as `retrieval.progress` events; the latest results are kept for export.
 */
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { EntrainError } from '../../shared/errors'
import { comparisonCsv, comparisonMarkdown, type RetrievalComparison } from '../../shared/retrieval/report'
import type { RetrievalEvaluation } from '../../trainer/retrieval-jobs'
import type { EventHub } from '../events'
import type { TrainerHost } from '../training/host'

export class RetrievalService {
  private readonly results = new Map<string, RetrievalComparison>()
  /** The id of the evaluation under way. */
  private running: string | null = null

  constructor(
    private readonly host: TrainerHost,
    private readonly events: EventHub,
  ) {}

  /** One evaluation at a time; rejects with CANCELLED after `cancel(id)`. */
  async evaluate(id: string, folder: string, evaluation: RetrievalEvaluation): Promise<RetrievalComparison> {
    if (this.host.busy) throw new EntrainError('CONFLICT', 'a retrieval evaluation is running; cancel it or wait for it to end')
    this.running = id
    let comparison: RetrievalComparison
    try {
      comparison = await this.host.run({ kind: 'retrieval', folder, ...evaluation }, { onStage: ({ fraction, detail }) => this.events.emit('retrieval.progress', { id, fraction, detail }) })
    } finally {
      this.running = null
    }
    this.results.set(id, comparison)
    // A few comparisons are plenty to export from; older ones go.
    while (this.results.size > 8) this.results.delete(this.results.keys().next().value!)
    return comparison
  }

  /** Asks the evaluation `id` to stop between two files, epochs or folds; false when it is not running. */
  cancel(id: string): { cancelled: boolean } {
    return { cancelled: this.running === id && this.host.cancel() }
  }

  /** Writes an evaluation's table as CSV or Markdown to a new file. */
  async export(id: string, format: 'csv' | 'markdown', out: string): Promise<{ written: string }> {
    const comparison = this.results.get(id)
    if (!comparison) throw new EntrainError('NOT_FOUND', 'that evaluation is no longer held; evaluate again, then export')
    const file = path.resolve(out)
    try {
      await fs.writeFile(file, format === 'csv' ? comparisonCsv(comparison) : comparisonMarkdown(comparison), { flag: 'wx' })
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      throw new EntrainError(code === 'EEXIST' ? 'CONFLICT' : code === 'ENOENT' ? 'NOT_FOUND' : 'IO_ERROR', code === 'EEXIST' ? `${file} already exists; Entrain never replaces it` : `cannot write ${file}: ${(error as Error).message}`)
    }
    return { written: file }
  }

  /** Ends its trainer process (an evaluation under way fails with CANCELLED). */
  close(): Promise<void> {
    return this.host.shutdown()
  }
}
