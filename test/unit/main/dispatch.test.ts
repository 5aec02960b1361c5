import { describe, expect, it, vi } from 'vitest'
import { createDispatch, type Handlers } from '../../../src/main/dispatch'
import { requestNames } from '../../../src/shared/contract'
import { EntrainError } from '../../../src/shared/errors'

/** Every request answered by a handler that fails if called, except those the test gives. */
function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const unused = async () => {
    throw new Error('not used in this test')
  }
  const defaults = Object.fromEntries(requestNames.map((name) => [name, unused])) as unknown as Handlers
  return Object.assign(defaults, {
    'settings.get': async () => ({ recentStudies: ['/a'], windowBounds: null }),
    'study.open': async ({ path }: { path: string }) => ({ path, name: 'x', hasStudyFile: false }),
    ...overrides,
  })
}

describe('dispatch', () => {
  it('answers a valid request with its value', async () => {
    const dispatch = createDispatch(handlers())
    expect(await dispatch('settings.get', {})).toEqual({ ok: true, value: { recentStudies: ['/a'], windowBounds: null } })
  })

  it('treats a missing input as an empty object', async () => {
    expect((await createDispatch(handlers())('settings.get', undefined)).ok).toBe(true)
  })

  it('refuses an unknown request name without calling anything', async () => {
    const reply = await createDispatch(handlers())('fs.deleteEverything', {})
    expect(reply).toEqual({ ok: false, error: { code: 'UNKNOWN_REQUEST', message: 'unknown request "fs.deleteEverything"' } })
  })

  it('refuses invalid input with the field and the problem, before the handler runs', async () => {
    const open = vi.fn()
    const reply = await createDispatch(handlers({ 'study.open': open }))('study.open', { path: 7 })
    expect(open).not.toHaveBeenCalled()
    expect(reply.ok).toBe(false)
    if (reply.ok) return
    expect(reply.error.code).toBe('INVALID_INPUT')
    expect(reply.error.message).toMatch(/^study\.open: path: /)
    expect(reply.error.details).toEqual({ issues: [expect.objectContaining({ path: 'path' })] })
  })

  it('passes a service error through with its code, and reports unexpected ones as INTERNAL', async () => {
    const log = vi.fn()
    const dispatch = createDispatch(
      handlers({
        'study.open': async () => {
          throw new EntrainError('NOT_FOUND', 'study folder not found: /nope')
        },
        'settings.get': async () => {
          throw new RangeError('boom')
        },
      }),
      log,
    )
    expect(await dispatch('study.open', { path: '/nope' })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'study folder not found: /nope' },
    })
    expect(await dispatch('settings.get', {})).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'boom' } })
    expect(log).toHaveBeenCalledTimes(1)
    expect(log).toHaveBeenCalledWith({ level: 'error', message: 'boom', request: 'settings.get' })
  })
})
