/**
 * Parsers for command options given as text: each returns undefined when the option was left out
 * (the caller's default applies) and refuses a bad value with a usage error naming the option.
 */
import { UsageError } from './command'

export function number(value: string | undefined, option: string, check: (value: number) => boolean, rule: string): number | undefined {
  if (value === undefined) return undefined
  const parsed = Number(value)
  if (value.trim() === '' || !Number.isFinite(parsed) || !check(parsed)) throw new UsageError(`--${option} must be ${rule}, not '${value}'`)
  return parsed
}

export const whole = (value: number) => Number.isInteger(value) && value >= 1

export function choice<T extends string>(value: string | undefined, option: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${option} must be one of ${allowed.join(', ')}, not '${value}'`)
  return value as T
}
