import type { z } from 'zod'
import { isRequestName, requests, type RequestName, type RequestOutput } from '../shared/contract'
import { EntrainError, toErrorInfo, type Reply } from '../shared/errors'

export type Handlers = {
  [K in RequestName]: (input: z.output<(typeof requests)[K]['input']>) => Promise<RequestOutput<K>>
}

export type Dispatch = (name: unknown, input: unknown) => Promise<Reply<unknown>>

/** Where main reports failures that are its own fault (INTERNAL), so they are not only in a reply. */
export type Log = (line: { level: 'warn' | 'error'; message: string; request?: string }) => void

/**
 * The main-side boundary both transports go through: unknown names and invalid inputs are refused
 * with structured errors before any service runs, and every failure comes back as a value.
 */
export function createDispatch(handlers: Handlers, log: Log = () => {}): Dispatch {
  return async (name, input) => {
    if (!isRequestName(name)) {
      return fail(new EntrainError('UNKNOWN_REQUEST', `unknown request ${JSON.stringify(name)}`))
    }
    const parsed = requests[name].input.safeParse(input ?? {})
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }))
      const first = issues[0]
      const where = first && first.path ? `${first.path}: ` : ''
      return fail(new EntrainError('INVALID_INPUT', `${name}: ${where}${first?.message ?? 'invalid input'}`, { issues }))
    }
    try {
      const handler = handlers[name] as (input: unknown) => Promise<unknown>
      return { ok: true, value: await handler(parsed.data) }
    } catch (error) {
      const info = toErrorInfo(error)
      if (info.code === 'INTERNAL') log({ level: 'error', message: info.message, request: name })
      return { ok: false, error: info }
    }
  }
}

function fail(error: EntrainError): Reply<never> {
  return { ok: false, error: error.toInfo() }
}
