import { parseArgs, type ParseArgsConfig } from 'node:util'
import { EntrainError, toErrorInfo } from '../shared/errors'

type OptionSpec = {
  type: 'string' | 'boolean'
  description: string
  /** Shown in help as the value's placeholder, e.g. `PORT`. */
  value?: string
  multiple?: boolean
  short?: string
}

type ParsedValue<S extends OptionSpec> = S['type'] extends 'boolean'
  ? boolean | undefined
  : S['multiple'] extends true
    ? string[] | undefined
    : string | undefined

export type ParsedOptions<O extends Record<string, OptionSpec>> = { [K in keyof O]: ParsedValue<O[K]> } & {
  json: boolean
}

/** What a command writes to: results on stdout, people-facing progress and messages on stderr. */
export interface Io {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream & { isTTY?: boolean }
  /** Resolves on SIGINT/SIGTERM; only commands that call it take those signals over. */
  interrupted(): Promise<NodeJS.Signals>
}

export interface Command<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  name: string
  summary: string
  /** Positional arguments as shown in the usage line, e.g. `FILE…`. */
  positionals?: string
  options: O
  run(args: { options: ParsedOptions<O>; positionals: string[]; io: Io }): Promise<number>
}

export function defineCommand<O extends Record<string, OptionSpec>>(command: Command<O>): Command<O> {
  return command
}

export const exitCodes = { ok: 0, failure: 1, usage: 2 } as const

export class UsageError extends Error {}

const commonOptions = {
  json: { type: 'boolean', description: 'machine-readable output on stdout' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} as const satisfies Record<string, OptionSpec>

export function commandHelp(command: Command): string {
  const lines = [`Usage: entrain ${command.name}${command.positionals ? ` ${command.positionals}` : ''} [options]`, '', command.summary, '', 'Options:']
  const all: Record<string, OptionSpec> = { ...command.options, ...commonOptions }
  const labels = Object.entries(all).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`
    return [flag, spec.description + (spec.multiple ? ' (repeatable)' : '')] as const
  })
  const width = Math.max(...labels.map(([flag]) => flag.length))
  for (const [flag, description] of labels) lines.push(`  ${flag.padEnd(width)}  ${description}`)
  return `${lines.join('\n')}\n`
}

/** Parses, runs, and turns any failure into one clear line (and a JSON error with --json). */
export async function runCommand(command: Command, argv: string[], io: Io): Promise<number> {
  let parsed
  try {
    const specs: Record<string, OptionSpec> = { ...command.options, ...commonOptions }
    const options = Object.fromEntries(
      Object.entries(specs).map(([name, spec]) => [
        name,
        { type: spec.type, ...(spec.multiple ? { multiple: true } : {}), ...(spec.short ? { short: spec.short } : {}) },
      ]),
    ) as ParseArgsConfig['options']
    parsed = parseArgs({ args: argv, options, allowPositionals: command.positionals !== undefined, strict: true }) as {
      values: Record<string, string | boolean | string[] | undefined>
      positionals: string[]
    }
  } catch (error) {
    io.stderr.write(`entrain ${command.name}: ${(error as Error).message}\nTry 'entrain ${command.name} --help'.\n`)
    return exitCodes.usage
  }
  if (parsed.values.help) {
    io.stdout.write(commandHelp(command))
    return exitCodes.ok
  }
  const json = parsed.values.json === true
  try {
    return await command.run({
      options: { ...parsed.values, json } as ParsedOptions<Record<string, OptionSpec>>,
      positionals: parsed.positionals,
      io,
    })
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`entrain ${command.name}: ${error.message}\nTry 'entrain ${command.name} --help'.\n`)
      return exitCodes.usage
    }
    const info = toErrorInfo(error)
    io.stderr.write(`entrain ${command.name}: ${info.message}\n`)
    if (json) io.stdout.write(`${JSON.stringify({ error: info })}\n`)
    if (!(error instanceof EntrainError) && process.env.ENTRAIN_DEBUG) io.stderr.write(`${(error as Error).stack}\n`)
    return exitCodes.failure
  }
}

/** Writes a result: JSON on stdout with --json, else the human text. */
export function output(io: Io, json: boolean, value: unknown, human: string): void {
  io.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : human.endsWith('\n') ? human : `${human}\n`)
}
