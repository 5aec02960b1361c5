import { describe, expect, it } from 'vitest'
import { UndoHistory } from '../../../src/shared/undo'

describe('UndoHistory', () => {
  it('undoes and redoes steps in order, and a new change drops what could be redone', () => {
    const history = new UndoHistory('a')
    history.change('b', 0)
    history.change('c', 5000)
    expect(history.undo()).toBe('b')
    expect(history.undo()).toBe('a')
    expect(history.undo()).toBeNull()
    expect(history.present).toBe('a')
    expect(history.redo()).toBe('b')
    history.change('d', 9000)
    expect(history.canRedo).toBe(false)
    expect(history.redo()).toBeNull()
    expect(history.undo()).toBe('b')
  })

  it('makes one step of changes that follow each other quickly, such as typing a word', () => {
    const history = new UndoHistory('', { coalesceMs: 1000, limit: 10 })
    history.change('t', 0)
    history.change('to', 300)
    history.change('ton', 600)
    history.change('tone', 1500)
    history.change('tone!', 3000)
    expect(history.undo()).toBe('tone')
    expect(history.undo()).toBe('')
  })

  it('keeps a separate change (a removal) a step of its own, and the typing after it too', () => {
    const history = new UndoHistory('x', { coalesceMs: 1000, limit: 10 })
    history.change('xy', 0)
    history.change('removed', 100, true)
    history.change('removed!', 200)
    expect(history.undo()).toBe('removed')
    expect(history.undo()).toBe('xy')
    expect(history.undo()).toBe('x')
  })

  it('forgets the oldest steps beyond its limit', () => {
    const history = new UndoHistory(0, { coalesceMs: 0, limit: 3 })
    for (let value = 1; value <= 5; value++) history.change(value, value)
    expect([history.undo(), history.undo(), history.undo(), history.undo()]).toEqual([4, 3, 2, null])
  })
})
