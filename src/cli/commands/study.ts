import { importStimuli } from '../../main/study/import'
import { loadStudy } from '../../main/study/load'
import { expectedDurationSeconds, realiseSequence } from '../../shared/study/sequence'
import { defineCommand, exitCodes, output, UsageError } from '../command'
import { ProgressBar } from '../progress'

function clock(seconds: number): string {
  const whole = Math.round(seconds)
  return `${Math.floor(whole / 3600)}:${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}:${String(whole % 60).padStart(2, '0')}`
}

export const studyCommand = defineCommand({
  name: 'study',
  summary:
    'Study files: `entrain study validate FILE` checks a study.json and its stimuli; `entrain study sequence FILE --participant P [--session S]` shows the realised trial order; `entrain study import FILE --from DIR|TABLE.csv` adds stimuli from a folder of audio files or a CSV (PsychoPy conditions files included).',
  positionals: 'validate|sequence|import FILE',
  options: {
    from: { type: 'string', value: 'DIR|CSV', description: 'folder of audio files or CSV table to import (import)' },
    participant: { type: 'string', value: 'P', description: 'participant id or number (sequence)' },
    session: { type: 'string', value: 'S', description: 'session number (sequence; default 1)' },
  },
  async run({ options, positionals, io }) {
    const [action, file, ...extra] = positionals
    if ((action !== 'validate' && action !== 'sequence' && action !== 'import') || !file || extra.length) {
      throw new UsageError('expected `study validate FILE`, `study sequence FILE --participant P` or `study import FILE --from DIR|CSV`')
    }
    if (action === 'import') {
      if (!options.from) throw new UsageError('--from is required')
      const result = await importStimuli(file, options.from)
      output(io, options.json, result, `added ${result.added.length} stimuli to ${result.file}: ${result.added.map((stimulus) => stimulus.id).join(', ')}`)
      return exitCodes.ok
    }
    if (action === 'sequence' && !options.participant) throw new UsageError('--participant is required')
    const session = options.session === undefined ? 1 : Number(options.session)
    if (!Number.isInteger(session) || session < 1) throw new UsageError('--session must be a whole number ≥ 1')

    const progress = new ProgressBar(io.stderr, 'checking stimuli')
    const loaded = await loadStudy(file, (done, total) => total > 10 && progress.update(done / total, `${done}/${total}`))
    const { study } = loaded
    if (action === 'validate') {
      const trials = realiseSequence(study, '1', 1)
      const duration = expectedDurationSeconds(study, trials, (id) => loaded.stimulusSeconds.get(id) ?? 0)
      const summary = { name: study.name, stimuli: study.stimuli.length, blocks: study.blocks.length, trialsPerSession: trials.length, expectedDurationSeconds: duration }
      output(
        io,
        options.json,
        { valid: true, file: loaded.file, summary },
        `${loaded.file} is valid: "${study.name}", ${summary.stimuli} stimuli, ${summary.blocks} block(s), ${summary.trialsPerSession} trials per session, about ${clock(duration)}`,
      )
      return exitCodes.ok
    }
    const trials = realiseSequence(study, options.participant!, session)
    const lines = trials.map(
      (trial) => `${String(trial.index + 1).padStart(4)}  ${trial.block.padEnd(12)} ${trial.stimulus}${trial.repetition > 1 ? ` (repeat ${trial.repetition})` : ''}${trial.breakBefore ? '   ← break before' : ''}`,
    )
    output(io, options.json, { participant: options.participant, session, trials }, [`participant ${options.participant}, session ${session}:`, ...lines].join('\n'))
    return exitCodes.ok
  },
})
