import { describe, expect, it, vi } from 'vitest'
import { EventHub } from '../../../src/main/events'

describe('EventHub', () => {
  it('delivers to subscribers until they unsubscribe', () => {
    const hub = new EventHub()
    const first = vi.fn()
    const second = vi.fn()
    const stopFirst = hub.subscribe('settings.changed', first)
    hub.subscribe('settings.changed', second)
    const settings = { recentStudies: ['/s'], windowBounds: null }
    hub.emit('settings.changed', settings)
    stopFirst()
    hub.emit('settings.changed', settings)
    expect(first).toHaveBeenCalledTimes(1)
    expect(second).toHaveBeenCalledTimes(2)
    expect(hub.listenerCount('settings.changed')).toBe(1)
  })
})
