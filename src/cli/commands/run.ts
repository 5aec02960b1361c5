import path from 'node:path'
import { localClock } from '../../main/lsl/bindings'
import { defaultDataDir } from '../../main/paths'
import { createServices } from '../../main/services'
import { SessionRunner } from '../../main/session/runner'
import type { SessionStatus } from '../../shared/contract'
import { EntrainError } from '../../shared/errors'
import { defineCommand, exitCodes, output, UsageError, type Io } from '../command'
import { ProgressBar } from '../progress'

const keys = { p: 'pause', r: 'resume', s: 'skip', q: 'abort' } as const

/** p/r/s/q on a terminal, for the experimenter at the keyboard; returns the function that stops listening. */
function listenToKeys(runner: SessionRunner, io: Io): () => void {
  const stdin = process.stdin
  if (!stdin.isTTY) return () => {}
  io.stderr.write('keys: p pause, r resume, s skip, q abort\n')
  stdin.setRawMode(true)
  stdin.resume()
  const onData = (data: Buffer) => {
    const key = data.toString()
    if (key === '\u0003') return void process.emit('SIGINT')
    const action = keys[key as keyof typeof keys]
    if (!action) return
    try {
      runner[action]()
    } catch (error) {
      io.stderr.write(`\n${(error as Error).message}\n`)
    }
  }
  stdin.on('data', onData)
  return () => {
    stdin.off('data', onData)
    stdin.setRawMode(false)
    stdin.pause()
  }
}

function describe(status: SessionStatus): string {
  const done = status.completed + status.skipped
  const trial = status.trial ? `trial ${status.trial.index + 1}/${status.total} ${status.trial.stimulus}` : `${done}/${status.total}`
  const phase = status.phase ? ` · ${status.phase.name}` : ''
  const left = status.state === 'running' ? ` · about ${Math.ceil(status.remainingSeconds)} s left` : ` · ${status.state}`
  return `${trial}${phase}${left}`
}

export const runSessionCommand = defineCommand({
  name: 'run',
  summary:
    'Run a session of a study: pre-flight checks (streams, audio device, disk), then record every stream to XDF while the trials play, writing session.json, events.tsv and log.jsonl into sessions/sub-P/ses-S/. With --simulate, headless: simulated EEG from a participant who hears the music, and automatic ratings. Keys on a terminal: p pause, r resume, s skip, q abort (Ctrl+C also aborts; the files are finished properly and the session can be resumed).',
  positionals: 'FILE',
  options: {
    participant: { type: 'string', value: 'P', description: 'participant label, letters and digits (e.g. 01)' },
    session: { type: 'string', value: 'S', description: 'session number, 1–99 (default 1)' },
    simulate: { type: 'boolean', description: 'simulated participant: EEG that responds to the music, and automatic ratings' },
    resume: { type: 'boolean', description: 'continue an unfinished session at its next trial, recording into a new part' },
    out: { type: 'string', value: 'DIR', description: 'folder for sub-P/ses-S (default: the study folder’s sessions/)' },
    device: { type: 'string', value: 'D', description: 'ALSA output device (default: the study’s, else default)' },
    wait: { type: 'string', value: 'S', description: 'seconds to wait for the required streams (default 5)' },
  },
  async run({ options, positionals, io }) {
    const [file] = positionals
    if (!file || positionals.length > 1) throw new UsageError('name one study.json')
    if (!options.participant) throw new UsageError('--participant P is required')
    const session = options.session === undefined ? 1 : Number(options.session)
    if (!Number.isInteger(session) || session < 1 || session > 99) throw new UsageError(`--session must be a whole number from 1 to 99, not ${options.session}`)
    const wait = options.wait === undefined ? 5 : Number(options.wait)
    if (!(wait >= 0)) throw new UsageError(`--wait must be a number of seconds ≥ 0, not ${options.wait}`)

    const services = await createServices({ kind: 'cli', dataDir: defaultDataDir(), log: (line) => io.stderr.write(`${line.level}: ${line.message}\n`) })
    let progress: ProgressBar | null = null
    let runner: SessionRunner | null = null
    try {
      runner = await SessionRunner.open(
        { acquisition: services.acquisition, audio: services.audio, clock: localClock },
        {
          studyFile: file.endsWith('.json') ? file : path.join(file, 'study.json'),
          participant: options.participant,
          session,
          simulate: options.simulate === true,
          resume: options.resume === true,
          ...(options.out ? { sessionsDir: options.out } : {}),
          ...(options.device ? { audioDevice: options.device } : {}),
          streamWaitSeconds: wait,
          onStatus: (status) => progress?.update((status.completed + status.skipped) / Math.max(1, status.total), describe(status)),
          onLog: (line) => {
            if (line.level !== 'info') io.stderr.write(`\n${line.level}: ${line.message}\n`)
          },
        },
      )
      io.stderr.write(`session folder: ${runner.sessionFolder}\n`)
      const checks = await runner.preflight()
      for (const check of checks) io.stderr.write(`  ${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}\n`)
      if (checks.some((check) => !check.ok)) throw new EntrainError('NOT_AVAILABLE', 'the pre-flight check failed; nothing was recorded')
      progress = new ProgressBar(io.stderr, 'session')
      await runner.start()
      const stopKeys = listenToKeys(runner, io)
      const active = runner
      void io.interrupted().then(() => {
        if (['running', 'paused'].includes(active.status().state)) active.abort()
      })
      const record = await runner.finished()
      stopKeys()
      const status = runner.status()
      progress.done(describe(status))
      const summary = {
        folder: runner.sessionFolder,
        status: status.state,
        completed: status.completed,
        skipped: status.skipped,
        total: status.total,
        parts: record.parts.map((part) => part.file),
        problem: status.problem,
      }
      output(
        io,
        options.json,
        summary,
        `${summary.status}: ${summary.completed} of ${summary.total} trials completed${summary.skipped ? `, ${summary.skipped} skipped` : ''} → ${summary.folder}` +
          (summary.status === 'completed' ? '' : `\n(resume with: entrain run ${file} --participant ${options.participant} --session ${session}${options.simulate ? ' --simulate' : ''} --resume)`),
      )
      return status.state === 'completed' ? exitCodes.ok : exitCodes.failure
    } finally {
      // Inlets first: closing the session's outlets under open inlets makes liblsl complain.
      await services.close()
      await runner?.close()
    }
  },
})
