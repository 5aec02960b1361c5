/**
 * Errors that cross a process or transport boundary travel as plain values, because Electron's IPC
 * and JSON both drop everything but the message of a thrown Error.
 */

export const errorCodes = [
  'INVALID_INPUT',
  'UNKNOWN_REQUEST',
  'UNKNOWN_EVENT',
  'NOT_FOUND',
  'NOT_A_DIRECTORY',
  'NOT_AVAILABLE',
  'PERMISSION_DENIED',
  'IO_ERROR',
  /** The target changed or exists already: nothing was written. */
  'CONFLICT',
  'DISCONNECTED',
  /** The user stopped it (a training job): nothing was written. */
  'CANCELLED',
  'INTERNAL',
] as const

export type ErrorCode = (typeof errorCodes)[number]

export interface ErrorInfo {
  code: ErrorCode
  message: string
  details?: unknown
}

export class EntrainError extends Error {
  readonly code: ErrorCode
  readonly details: unknown

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message)
    this.name = 'EntrainError'
    this.code = code
    this.details = details
  }

  toInfo(): ErrorInfo {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details }
  }

  static fromInfo(info: ErrorInfo): EntrainError {
    return new EntrainError(info.code, info.message, info.details)
  }
}

/** Any thrown value as an ErrorInfo; unexpected failures become INTERNAL with their message kept. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof EntrainError) return error.toInfo()
  if (error instanceof Error) return { code: 'INTERNAL', message: error.message }
  return { code: 'INTERNAL', message: String(error) }
}

export type Reply<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo }
