import path from 'node:path'
import { buildDataset, datasetDefaults } from '../../main/dataset/build'
import { localClock } from '../../main/lsl/bindings'
import { defaultDataDir, demoStudyDir } from '../../main/paths'
import { writeRetrievalDemoFolder } from '../../main/retrieval/demo-folder'
import { createServices } from '../../main/services'
import { SessionRunner } from '../../main/session/runner'
import { prepareEmptyFolder } from '../../main/store/empty-folder'
import { TrainerHost } from '../../main/training/host'
import { parseAudioEegTraining } from '../../shared/audio-eeg'
import { paperChain } from '../../shared/dataset/eeg-chain'
import { EntrainError } from '../../shared/errors'
import { comparisonMarkdown, type RetrievalComparison } from '../../shared/retrieval/report'
import type { TrainingResult } from '../../shared/training'
import type { EmbedSummary } from '../../trainer/audio-eeg-jobs'
import { defineCommand, exitCodes, output, type Io } from '../command'
import { clock, ProgressBar } from '../progress'

/**
 * The demo's data is one simulated participant hearing four 8-second tunes, so its windows overlap
 * (a new one every half second) and the `fast` network is trained smaller than its preset: enough
 * to run every step for real, not to learn much. Folds are by song, there being one participant.
 */
const demoWindows = { windowSeconds: 1.5, hopSeconds: 0.5, lagSeconds: 0 }
const demoTraining = { dims: 4, width: 0.5, foldsBy: 'song' as const, runs: 1, epochs: 8, patience: 4, batchSize: 32 }

async function step<T>(io: Io, label: string, work: (progress: ProgressBar) => Promise<T>): Promise<T> {
  const progress = new ProgressBar(io.stderr, label)
  const started = performance.now()
  const result = await work(progress)
  progress.done(`done in ${clock((performance.now() - started) / 1000)}`)
  return result
}

export const demoCommand = defineCommand({
  name: 'demo',
  summary:
    'The whole default path, headless, on the built-in demo study: a session with the simulated participant (played and recorded in real time, about 2 minutes), a dataset of paired windows, the `fast` audio↔EEG model trained in the trainer process, its audio branch exported, embeddings of the demo stimuli, and an audio–lyrics retrieval evaluation on generated songs comparing the model with the hand-crafted descriptors. Everything goes into OUT (default ./entrain-demo), which must be new or empty.',
  options: {
    out: { type: 'string', value: 'DIR', description: 'folder for everything the demo makes (default ./entrain-demo)' },
    device: { type: 'string', value: 'D', description: 'ALSA output device for the session (default: the study’s, else default)' },
  },
  async run({ options, io }) {
    const out = path.resolve(options.out ?? 'entrain-demo')
    await prepareEmptyFolder(out, 'the demo writes into a new or empty folder')
    const folders = { sessions: path.join(out, 'sessions'), dataset: path.join(out, 'dataset'), model: path.join(out, 'model'), retrieval: path.join(out, 'retrieval') }
    const started = performance.now()

    const session = await step(io, '1/5 session', async (progress) => {
      const services = await createServices({ kind: 'cli', dataDir: defaultDataDir(), log: (line) => io.stderr.write(`${line.level}: ${line.message}\n`) })
      let runner: SessionRunner | null = null
      try {
        runner = await SessionRunner.open(
          { acquisition: services.acquisition, audio: services.audio, clock: localClock },
          {
            studyFile: path.join(demoStudyDir, 'study.json'),
            participant: '01',
            session: 1,
            simulate: true,
            resume: false,
            sessionsDir: folders.sessions,
            ...(options.device ? { audioDevice: options.device } : {}),
            streamWaitSeconds: 5,
            onStatus: (status) => progress.update((status.completed + status.skipped) / Math.max(1, status.total), `${status.completed}/${status.total} trials`),
          },
        )
        const failed = (await runner.preflight()).filter((check) => !check.ok)
        if (failed.length) throw new EntrainError('NOT_AVAILABLE', `the session's pre-flight check failed: ${failed.map((check) => `${check.name}: ${check.detail}`).join('; ')}`)
        await runner.start()
        const active = runner
        void io.interrupted().then(() => active.abort())
        await runner.finished()
        const status = runner.status()
        if (status.state !== 'completed') throw new EntrainError('CANCELLED', `the demo session ended ${status.state}${status.problem ? `: ${status.problem}` : ''}`)
        return { folder: runner.sessionFolder, trials: status.completed }
      } finally {
        await services.close()
        await runner?.close()
      }
    })

    const manifest = await step(io, '2/5 dataset', (progress) =>
      buildDataset({
        sessions: [session.folder],
        out: folders.dataset,
        chain: paperChain,
        windows: demoWindows,
        ...datasetDefaults,
        folds: 4,
        onProgress: (done, total, detail) => progress.update(done / total, detail),
      }),
    )

    // Training and the retrieval evaluation run in the trainer process, as in the app.
    const host = new TrainerHost()
    void io.interrupted().then(() => host.cancel())
    let training: TrainingResult, embeddings: EmbedSummary, comparison: RetrievalComparison
    try {
      training = await step(io, '3/5 training', (progress) =>
        host.run(
          { kind: 'audio-eeg', dataset: folders.dataset, out: folders.model, training: parseAudioEegTraining('fast', demoTraining), resume: false, backend: {} },
          {
            onBackend: (choice) => io.stderr.write(`backend: ${choice.description}\n`),
            onProgress: (event) => progress.update(event.job!.done, `${event.fit}, epoch ${event.epoch}/${event.epochs}`),
          },
        ),
      )

      embeddings = await step(io, '4/5 embeddings', async (progress) => {
        // tfjs loads only here, not for every `entrain` command.
        const { embedAudioFiles } = await import('../../trainer/audio-eeg-jobs')
        return embedAudioFiles({
          model: folders.model,
          inputs: [path.join(demoStudyDir, 'stimuli')],
          out: path.join(out, 'embeddings.npy'),
          perWindow: false,
          onProgress: (done, total, file) => progress.update(done / total, path.basename(file)),
        })
      })

      comparison = await step(io, '5/5 retrieval', async (progress) => {
        await writeRetrievalDemoFolder(folders.retrieval)
        return host.run({ kind: 'retrieval', folder: folders.retrieval, models: ['linear'], modelFolders: [folders.model] }, { onStage: (stage) => progress.update(stage.fraction, stage.detail) })
      })
    } finally {
      await host.shutdown()
    }

    const summary = {
      out,
      seconds: Math.round((performance.now() - started) / 1000),
      session: session.folder,
      dataset: { folder: folders.dataset, windows: manifest.windows.count },
      model: { folder: training.model, backend: training.backend, validation: training.validation, correlations: training.correlations },
      embeddings: embeddings.out,
      retrieval: comparison,
    }
    output(
      io,
      options.json,
      summary,
      [
        `demo finished in ${clock(summary.seconds)} → ${out}`,
        `  session     ${session.folder} (${session.trials} trials)`,
        `  dataset     ${folders.dataset} (${manifest.windows.count} windows)`,
        `  model       ${training.model} (${training.backend})`,
        `  embeddings  ${embeddings.out} (${embeddings.rows} × ${embeddings.dims})`,
        `  retrieval on ${folders.retrieval}:`,
        comparisonMarkdown(comparison),
      ].join('\n'),
    )
    return exitCodes.ok
  },
})
