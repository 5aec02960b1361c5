/**
 * Undo and redo over snapshots of a document. Changes that follow each other within
 * `coalesceMs` become one step, so that a word typed into a field is undone as a whole; a change
 * recorded as `separate` (removing, moving, adding) is always a step of its own.
 */
export class UndoHistory<T> {
  private past: T[] = []
  private future: T[] = []
  private lastChange = -Infinity

  constructor(
    private current: T,
    private readonly options: { coalesceMs: number; limit: number } = { coalesceMs: 1000, limit: 200 },
  ) {}

  get present(): T {
    return this.current
  }

  get canUndo(): boolean {
    return this.past.length > 0
  }

  get canRedo(): boolean {
    return this.future.length > 0
  }

  /** Makes `next` the present at time `now` (ms); what can be redone is dropped. */
  change(next: T, now: number, separate = false): void {
    if (separate || now - this.lastChange >= this.options.coalesceMs) {
      this.past.push(this.current)
      if (this.past.length > this.options.limit) this.past.shift()
    }
    this.current = next
    this.future = []
    this.lastChange = separate ? -Infinity : now
  }

  /** The state before the last step, now the present; null when there is nothing to undo. */
  undo(): T | null {
    const previous = this.past.pop()
    if (previous === undefined) return null
    this.future.push(this.current)
    this.current = previous
    this.lastChange = -Infinity
    return previous
  }

  redo(): T | null {
    const next = this.future.pop()
    if (next === undefined) return null
    this.past.push(this.current)
    this.current = next
    this.lastChange = -Infinity
    return next
  }
}
