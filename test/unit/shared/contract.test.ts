import { describe, expect, it } from 'vitest'
import { eventNames, isEventName, isRequestName, requestNames, requests } from '../../../src/shared/contract'

describe('contract', () => {
  it('recognises exactly its own request names, not inherited object keys', () => {
    for (const name of requestNames) expect(isRequestName(name)).toBe(true)
    for (const name of ['toString', '__proto__', 'constructor', 'app.info ', '', 42, null]) {
      expect(isRequestName(name)).toBe(false)
    }
  })

  it('recognises exactly its own event names', () => {
    for (const name of eventNames) expect(isEventName(name)).toBe(true)
    expect(isEventName('settings.changed.extra')).toBe(false)
    expect(isEventName(undefined)).toBe(false)
  })

  it('refuses unknown fields in inputs, so typos do not pass silently', () => {
    expect(requests['app.info'].input.safeParse({ verbose: true }).success).toBe(false)
    expect(requests['study.open'].input.safeParse({ path: '/a', extra: 1 }).success).toBe(false)
    expect(requests['study.open'].input.safeParse({ path: '/a' }).success).toBe(true)
  })
})
