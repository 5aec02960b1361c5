import { appVersion } from '../main/app-info'
import { commandHelp, exitCodes, runCommand, type Command, type Io } from './command'
import { appCommand } from './commands/app'
import { datasetCommand } from './commands/dataset'
import { audioCommand } from './commands/audio'
import { audioSelftestCommand } from './commands/audio-selftest'
import { dccaCommand } from './commands/dcca'
import { demoCommand } from './commands/demo'
import { doctorCommand } from './commands/doctor'
import { embedCommand } from './commands/embed'
import { importCommand } from './commands/import'
import { exportCommand } from './commands/export'
import { featuresCommand } from './commands/features'
import { playCommand } from './commands/play'
import { recordCommand } from './commands/record'
import { retrievalCommand } from './commands/retrieval'
import { runSessionCommand } from './commands/run'
import { serialCommand } from './commands/serial'
import { simulateCommand } from './commands/simulate'
import { streamsCommand } from './commands/streams'
import { studyCommand } from './commands/study'
import { trainCommand } from './commands/train'
import { webCommand } from './commands/web'
import { xdfInfoCommand } from './commands/xdf-info'

export const commands: Command[] = [
  appCommand,
  audioCommand,
  audioSelftestCommand,
  datasetCommand,
  dccaCommand,
  demoCommand,
  doctorCommand,
  embedCommand,
  importCommand,
  exportCommand,
  featuresCommand,
  playCommand,
  recordCommand,
  retrievalCommand,
  runSessionCommand,
  serialCommand,
  simulateCommand,
  streamsCommand,
  studyCommand,
  trainCommand,
  webCommand,
  xdfInfoCommand,
] as unknown as Command[]

function overview(): string {
  const width = Math.max(...commands.map((command) => command.name.length))
  return [
    'Usage: entrain <command> [options]',
    '',
    'Entrain: EEG studies of music listening — protocols, acquisition, sample-accurate audio, recording, Deep CCA.',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary.split('. ')[0]?.replace(/\.$/, '')}`),
    '',
    'Options:',
    '  --version  print the version (with --json: as JSON)',
    '  --help     show this help; `entrain <command> --help` for a command',
    '',
    'Every command takes --json (machine-readable output on stdout) and --help.',
    'Exit codes: 0 success, 1 failure, 2 usage error.',
  ].join('\n')
}

export function processIo(): Io {
  let interrupted: Promise<NodeJS.Signals> | undefined
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    interrupted: () =>
      (interrupted ??= new Promise((resolve) => {
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(signal))
      })),
  }
}

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const [first, ...rest] = argv
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? commands.find((command) => command.name === rest[0]) : undefined
    io.stdout.write(`${topic ? commandHelp(topic) : overview()}\n`)
    return first === undefined ? exitCodes.usage : exitCodes.ok
  }
  if (first === '--version' || first === '-V') {
    const json = rest.includes('--json')
    io.stdout.write(json ? `${JSON.stringify({ name: 'entrain', version: appVersion, node: process.versions.node })}\n` : `entrain ${appVersion}\n`)
    return exitCodes.ok
  }
  const command = commands.find((candidate) => candidate.name === first)
  if (!command) {
    io.stderr.write(`entrain: unknown command '${first}'. Try 'entrain --help'.\n`)
    return exitCodes.usage
  }
  return runCommand(command, rest, io)
}
