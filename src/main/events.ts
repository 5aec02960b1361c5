import type { EventName, EventPayloads } from '../shared/contract'

type Listener<E extends EventName> = (payload: EventPayloads[E]) => void

/** Main's side of the contract's event streams; each transport subscribes on behalf of its clients. */
export class EventHub {
  private readonly listeners = new Map<EventName, Set<Listener<never>>>()

  subscribe<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event)
    if (!set) {
      set = new Set()
      this.listeners.set(event, set)
    }
    set.add(listener as Listener<never>)
    return () => set.delete(listener as Listener<never>)
  }

  emit<E extends EventName>(event: E, payload: EventPayloads[E]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as Listener<E>)(payload)
  }

  listenerCount(event: EventName): number {
    return this.listeners.get(event)?.size ?? 0
  }
}
