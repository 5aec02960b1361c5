import path from 'node:path'
import { buildDataset, datasetDefaults } from '../../main/dataset/build'
import { sessionFolders } from '../../main/session/files'
import { chainProblem, paperChain, type EegChain } from '../../shared/dataset/eeg-chain'
import { paperWindows } from '../../shared/dataset/windows'
import { EntrainError } from '../../shared/errors'
import { defineCommand, exitCodes, output, UsageError } from '../command'
import { choice } from '../options'
import { ProgressBar } from '../progress'

function number(value: string | undefined, name: string, fallback: number, check: (value: number) => boolean = Number.isFinite): number {
  if (value === undefined) return fallback
  const parsed = Number(value)
  if (!check(parsed)) throw new UsageError(`--${name} is not valid: ${value}`)
  return parsed
}

export const datasetCommand = defineCommand({
  name: 'dataset',
  summary:
    'Build a dataset of paired audio/EEG windows from recorded sessions: `entrain dataset build --study DIR | --session DIR… --out DIR`. Windows start at each stimulus onset (its marker’s DAC time); the EEG goes through the paper’s chain by default (50 Hz band-stop, 0.5–49.5 Hz zero-phase band-pass, 250 Hz; then per song: db8 wavelet artifact removal, min–max scaling, db8 wavelet semblance denoising) and the audio is mono at 22 050 Hz. Writes float32 shards and manifest.json (with the chain) and folds by subject and by song.',
  positionals: 'build',
  options: {
    study: { type: 'string', value: 'DIR', description: 'every session in the study folder’s sessions/' },
    session: { type: 'string', value: 'DIR', multiple: true, description: 'a session folder (sub-P/ses-S)' },
    out: { type: 'string', value: 'DIR', description: 'new dataset folder (never written over)' },
    window: { type: 'string', value: 'S', description: `window length in seconds (default ${paperWindows.windowSeconds})` },
    hop: { type: 'string', value: 'S', description: 'seconds between window starts (default: the window length)' },
    lag: { type: 'string', value: 'S', description: `EEG window start after the audio window’s, seconds (default ${paperWindows.lagSeconds})` },
    'eeg-rate': { type: 'string', value: 'HZ', description: `EEG rate of the windows (default ${paperChain.rate}; "recorded" keeps it)` },
    line: { type: 'string', value: 'HZ', description: `mains band-stop (default ${paperChain.lineHz}; "none")` },
    band: { type: 'string', value: 'LOW,HIGH', description: `zero-phase band-pass in Hz (default ${paperChain.bandpass!.join(',')}; "none")` },
    order: { type: 'string', value: 'N', description: `Butterworth order (default ${paperChain.filterOrder})` },
    reference: { type: 'string', value: 'none|average', description: 're-reference (default none)' },
    artifacts: {
      type: 'string',
      value: 'K|none',
      description: `wavelet artifact removal per song, before scaling: per channel and level, detail coefficients beyond mean ± K·sd zeroed (default ${paperChain.artifacts!.k}; "none")`,
    },
    scaling: { type: 'string', value: 'minmax|zscore|robust|none', description: 'per-song, per-channel EEG scaling (default minmax)' },
    semblance: {
      type: 'string',
      value: 'T|none',
      description: `wavelet semblance denoising per song, after scaling: detail coefficients whose semblance with the other channels is below T (−1…1) zeroed (default ${paperChain.semblance!.threshold}; "none")`,
    },
    'semblance-window': { type: 'string', value: 'N', description: `coefficients (odd) over which semblance is measured (default ${paperChain.semblance!.window})` },
    wavelet: { type: 'string', value: 'dbN', description: `Daubechies wavelet of both wavelet steps, db1…db20 (default ${paperChain.artifacts!.wavelet})` },
    'audio-rate': { type: 'string', value: 'HZ', description: `audio rate (default ${datasetDefaults.audioRate})` },
    'audio-scaling': { type: 'string', value: 'minmax|none', description: 'whole-track audio scaling (default minmax)' },
    stream: { type: 'string', value: 'NAME', description: 'EEG stream name (default: the first stream of type EEG)' },
    folds: { type: 'string', value: 'K', description: `folds by subject and by song (default ${datasetDefaults.folds})` },
    seed: { type: 'string', value: 'S', description: `seed of the fold assignment (default ${datasetDefaults.seed})` },
  },
  async run({ options, positionals, io }) {
    if (positionals.length !== 1 || positionals[0] !== 'build') throw new UsageError('expected `dataset build`')
    if (!options.out) throw new UsageError('--out DIR is required')
    const sessions = [...(options.session ?? [])]
    if (options.study) sessions.push(...(await sessionFolders(path.resolve(options.study))))
    if (sessions.length === 0) throw new UsageError(options.study ? `no sessions in ${path.join(options.study, 'sessions')}` : 'name --study DIR or at least one --session DIR')
    const window = number(options.window, 'window', paperWindows.windowSeconds, (value) => value > 0)
    const band = options.band === undefined ? paperChain.bandpass : options.band === 'none' ? null : (options.band.split(',').map(Number) as [number, number])
    if (band && (band.length !== 2 || band.some((value) => !Number.isFinite(value)))) throw new UsageError(`--band must be LOW,HIGH in Hz or none, not ${options.band}`)
    const waveletName = options.wavelet ?? paperChain.artifacts!.wavelet
    const semblanceOff = options.semblance === 'none'
    if (semblanceOff && options['semblance-window'] !== undefined) throw new UsageError('--semblance-window needs semblance denoising (drop --semblance none)')
    const chain: EegChain = {
      lineHz: options.line === 'none' ? null : number(options.line, 'line', paperChain.lineHz!, (value) => value > 0),
      bandpass: band,
      filterOrder: number(options.order, 'order', paperChain.filterOrder, Number.isInteger),
      reference: choice(options.reference, 'reference', ['none', 'average'] as const) ?? 'none',
      rate: options['eeg-rate'] === 'recorded' ? null : number(options['eeg-rate'], 'eeg-rate', paperChain.rate!, (value) => value > 0),
      artifacts: options.artifacts === 'none' ? null : { wavelet: waveletName, k: number(options.artifacts, 'artifacts', paperChain.artifacts!.k, (value) => value > 0 && Number.isFinite(value)) },
      scaling: choice(options.scaling, 'scaling', ['minmax', 'zscore', 'robust', 'none'] as const) ?? 'minmax',
      semblance: semblanceOff
        ? null
        : {
            wavelet: waveletName,
            threshold: number(options.semblance, 'semblance', paperChain.semblance!.threshold, (value) => value >= -1 && value <= 1),
            window: number(options['semblance-window'], 'semblance-window', paperChain.semblance!.window, (value) => Number.isInteger(value) && value >= 1 && value % 2 === 1),
          },
    }
    // What does not depend on the recording is checked now; its rate and channels, per recording.
    const problem = chainProblem(chain, Infinity)
    if (problem) throw new UsageError(problem)
    const progress = new ProgressBar(io.stderr, 'building dataset')
    const manifest = await buildDataset({
      sessions,
      out: options.out,
      chain,
      windows: { windowSeconds: window, hopSeconds: number(options.hop, 'hop', window, (value) => value > 0), lagSeconds: number(options.lag, 'lag', paperWindows.lagSeconds) },
      audioRate: number(options['audio-rate'], 'audio-rate', datasetDefaults.audioRate, (value) => value > 0),
      audioScaling: choice(options['audio-scaling'], 'audio-scaling', ['minmax', 'none'] as const) ?? datasetDefaults.audioScaling,
      ...(options.stream ? { eegStream: options.stream } : {}),
      folds: number(options.folds, 'folds', datasetDefaults.folds, (value) => Number.isInteger(value) && value >= 2),
      seed: number(options.seed, 'seed', datasetDefaults.seed, Number.isInteger),
      shardWindows: datasetDefaults.shardWindows,
      onProgress: (done, total, detail) => progress.update(done / total, detail),
    }).catch((error: unknown) => {
      throw error instanceof EntrainError ? error : new EntrainError('INTERNAL', (error as Error).message)
    })
    progress.done(`${manifest.windows.count} windows`)
    const summary = {
      out: path.resolve(options.out),
      windows: manifest.windows.count,
      sessions: manifest.sources.length,
      audio: manifest.audio,
      eeg: { rate: manifest.eeg.rate, channels: manifest.eeg.channels.length, samplesPerWindow: manifest.eeg.samplesPerWindow },
      shards: manifest.shards.length,
      skipped: manifest.skipped,
    }
    output(
      io,
      options.json,
      summary,
      `${summary.windows} windows from ${summary.sessions} session(s) → ${summary.out} (audio ${manifest.audio.samplesPerWindow} samples at ${manifest.audio.rate} Hz; EEG ${manifest.eeg.channels.length} × ${manifest.eeg.samplesPerWindow} at ${manifest.eeg.rate} Hz)` +
        (summary.skipped.length ? `\nleft out: ${summary.skipped.map((entry) => `${entry.session} trial ${entry.trial + 1} (${entry.reason})`).join('; ')}` : ''),
    )
    return exitCodes.ok
  },
})
