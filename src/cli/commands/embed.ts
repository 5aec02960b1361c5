import { defineCommand, exitCodes, output, UsageError } from '../command'
import { ProgressBar } from '../progress'
import { number, whole } from '../options'

export const embedCommand = defineCommand({
  name: 'embed',
  summary:
    'Music embeddings from an audio↔EEG model (`entrain train`): `entrain embed --model DIR FILE|DIR… --out OUT.npy|OUT.csv`. Each file is decoded, made mono at the model’s rate, scaled and cut into windows exactly as in training, run through the audio network and the CCA projection; one row per file (the mean over its windows), or per window with --per-window. Beside an .npy, OUT.rows.csv names each row’s file (and window start).',
  positionals: 'FILE|DIR…',
  options: {
    model: { type: 'string', value: 'DIR', description: 'an audio-eeg model folder' },
    out: { type: 'string', value: 'OUT.npy|OUT.csv', description: 'where to write the embeddings (never overwritten)' },
    'per-window': { type: 'boolean', description: 'one row per window rather than per file' },
    backend: { type: 'string', value: 'NAME', description: 'tensorflow, wasm, cpu or auto (default: $ENTRAIN_TF_BACKEND, else auto)' },
    threads: { type: 'string', value: 'N', description: 'threads for wasm and its native BLAS' },
  },
  async run({ options, positionals, io }) {
    if (!options.model) throw new UsageError('--model DIR is required')
    if (!options.out) throw new UsageError('--out OUT.npy|OUT.csv is required')
    if (positionals.length === 0) throw new UsageError('name at least one audio file or folder')
    const threads = number(options.threads, 'threads', whole, 'a whole number ≥ 1')
    const { embedAudioFiles } = await import('../../trainer/audio-eeg-jobs')
    const progress = new ProgressBar(io.stderr, 'embedding')
    const summary = await embedAudioFiles({
      model: options.model,
      inputs: positionals,
      out: options.out,
      perWindow: options['per-window'] === true,
      backend: { ...(options.backend ? { backend: options.backend } : {}), ...(threads ? { threads } : {}) },
      onProgress: (done, total, file) => progress.update(done / total, file),
    })
    progress.done(`${summary.files} files`)
    output(io, options.json, summary, `${summary.rows} embeddings of ${summary.dims} dimensions from ${summary.files} file(s) → ${summary.out}${summary.index ? ` (rows named in ${summary.index})` : ''}`)
    return exitCodes.ok
  },
})
