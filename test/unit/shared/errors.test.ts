import { describe, expect, it } from 'vitest'
import { EntrainError, toErrorInfo } from '../../../src/shared/errors'

describe('errors as values', () => {
  it('keeps the code, message and details of an EntrainError', () => {
    const info = toErrorInfo(new EntrainError('NOT_FOUND', 'no such study', { path: '/x' }))
    expect(info).toEqual({ code: 'NOT_FOUND', message: 'no such study', details: { path: '/x' } })
    expect(EntrainError.fromInfo(info)).toMatchObject({ code: 'NOT_FOUND', message: 'no such study', details: { path: '/x' } })
  })

  it('omits details when there are none, so the value is plain JSON', () => {
    expect(Object.keys(toErrorInfo(new EntrainError('IO_ERROR', 'disk full')))).toEqual(['code', 'message'])
  })

  it('turns unexpected throws into INTERNAL errors that keep their message', () => {
    expect(toErrorInfo(new TypeError('x is undefined'))).toEqual({ code: 'INTERNAL', message: 'x is undefined' })
    expect(toErrorInfo('plain string')).toEqual({ code: 'INTERNAL', message: 'plain string' })
  })
})
