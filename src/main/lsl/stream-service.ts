import type { MessagePort } from 'node:worker_threads'
import type { StreamSummary } from '../../shared/contract'
import { HealthTracker } from '../../shared/stream-health'
import { parseStreamInfoXml } from '../../shared/xdf/writer'
import type { ChannelInfo, NumericSamples, StreamDescription } from '../../shared/xdf/types'

export type { StreamSummary }
import { InletHandle } from './inlet-handle'
import type { InletMessage } from './inlet-protocol'
import { ContinuousResolver } from './resolver'

export interface StreamChunk {
  key: string
  timestamps: Float64Array
  values: NumericSamples | string[]
  receivedAt: number
}

/**
 * A stream's identity across disappearances: its source id where it has one (that is what LSL
 * itself recovers by), else name, type and host.
 */
export function streamKey(description: StreamDescription): string {
  return description.sourceId
    ? `${description.name}|${description.type}|source:${description.sourceId}`
    : `${description.name}|${description.type}|host:${description.hostname}`
}

interface Entry {
  key: string
  description: StreamDescription
  channels: ChannelInfo[]
  fullXml: string | null
  /** Whether an inlet of this stream ever delivered its info: a later one means the stream returned. */
  hadInfo: boolean
  online: boolean
  health: HealthTracker
  inlet: InletHandle | null
  /** The inlet has the stream's info: it reached the outlet. */
  reached: boolean
  /** The uid of an outlet that was reached and then lost: the resolver lists it a few seconds longer, but it will not return. */
  lostUid: string | null
}

export interface StreamServiceEvents {
  /** The list changed: a stream appeared, vanished or returned, or its full info arrived. */
  changed(streams: StreamSummary[]): void
  chunk(chunk: StreamChunk): void
  /** A stream that had vanished is back with a new inlet: recorders re-attach to it now. */
  resumed(key: string): void
  offline(key: string): void
}

/**
 * Every LSL stream on the network, each with exactly one inlet (in its own worker thread) that
 * serves every consumer: the viewer, health, and recorders (which attach ports to the worker).
 */
export class StreamService {
  private readonly entries = new Map<string, Entry>()
  private resolver: ContinuousResolver | null = null
  private timer: NodeJS.Timeout | null = null
  private readonly listeners: { [E in keyof StreamServiceEvents]: Set<StreamServiceEvents[E]> } = {
    changed: new Set(),
    chunk: new Set(),
    resumed: new Set(),
    offline: new Set(),
  }

  constructor(
    private readonly options: {
      pollMilliseconds?: number
      forgetAfterSeconds?: number
      /** Which streams to open inlets for (default: all); the CLI's record takes only those it records. */
      accept?: (description: StreamDescription) => boolean
    } = {},
  ) {}

  /** Starts discovery (throws NOT_AVAILABLE without liblsl). */
  start(): void {
    if (this.resolver) return
    this.resolver = new ContinuousResolver(this.options.forgetAfterSeconds ?? 3)
    this.timer = setInterval(() => this.refresh(), this.options.pollMilliseconds ?? 250)
    this.refresh()
  }

  on<E extends keyof StreamServiceEvents>(event: E, listener: StreamServiceEvents[E]): () => void {
    this.listeners[event].add(listener)
    return () => this.listeners[event].delete(listener)
  }

  list(): StreamSummary[] {
    return [...this.entries.values()].map((entry) => ({
      key: entry.key,
      description: entry.description,
      channels: entry.channels,
      online: entry.online,
      health: entry.health.snapshot(),
    }))
  }

  get(key: string): StreamSummary | undefined {
    return this.list().find((stream) => stream.key === key)
  }

  /** The full stream info XML (with `<desc>`), once the inlet has it. */
  fullXml(key: string): string | null {
    return this.entries.get(key)?.fullXml ?? null
  }

  /**
   * Connects a recorder's port to the stream's running inlet. Resolves true once every further
   * chunk reaches the port; false if the stream is offline.
   */
  async attach(key: string, id: number, port: MessagePort): Promise<boolean> {
    const inlet = this.entries.get(key)?.inlet
    return inlet ? inlet.attach(id, port) : false
  }

  detach(key: string, id: number): void {
    this.entries.get(key)?.inlet?.detach(id)
  }

  /** Waits until a stream matching `predicate` is online with its full info, or the time is up. */
  async waitFor(predicate: (stream: StreamSummary) => boolean, seconds: number): Promise<StreamSummary | null> {
    const deadline = Date.now() + seconds * 1000
    for (;;) {
      const found = this.list().find((stream) => stream.online && this.fullXml(stream.key) && predicate(stream))
      if (found || Date.now() >= deadline) return found ?? null
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await Promise.all([...this.entries.values()].map((entry) => entry.inlet?.stop()))
    this.resolver?.close()
    this.resolver = null
  }

  private emit<E extends keyof StreamServiceEvents>(event: E, ...args: Parameters<StreamServiceEvents[E]>): void {
    for (const listener of this.listeners[event]) (listener as (...values: unknown[]) => void)(...args)
  }

  private refresh(): void {
    if (!this.resolver) return
    // A source that restarted can be listed twice for a moment (old and new uid): keep the newest.
    const seen = new Map<string, StreamDescription>()
    for (const description of this.resolver.current()) {
      if (this.options.accept && !this.options.accept(description)) continue
      const key = streamKey(description)
      const other = seen.get(key)
      if (!other || (description.createdAt ?? 0) > (other.createdAt ?? 0)) seen.set(key, description)
    }
    let changed = false
    for (const [key, description] of seen) {
      const entry = this.entries.get(key)
      if (!entry) {
        this.entries.set(key, this.createEntry(key, description))
        changed = true
      } else if (!entry.inlet && description.uid !== entry.lostUid) {
        entry.description = description
        this.startInlet(entry)
        changed = true
      } else if (entry.description.uid !== description.uid) {
        // The source restarted under the same identity before its old stream was forgotten: its
        // old inlet is dead; a new one takes over and recorders re-attach when its info arrives.
        this.goOffline(entry)
        entry.description = description
        // Not recordable until the new inlet's data connection is open.
        entry.fullXml = null
        this.startInlet(entry)
        changed = true
      }
    }
    for (const entry of this.entries.values()) {
      if (entry.online && !seen.has(entry.key)) {
        this.goOffline(entry)
        changed = true
      }
    }
    if (changed) this.emit('changed', this.list())
  }

  private createEntry(key: string, description: StreamDescription): Entry {
    const entry: Entry = {
      key,
      description,
      channels: [],
      fullXml: null,
      hadInfo: false,
      online: false,
      health: new HealthTracker(description.nominalSrate),
      inlet: null,
      reached: false,
      lostUid: null,
    }
    this.startInlet(entry)
    return entry
  }

  private startInlet(entry: Entry): void {
    entry.online = true
    entry.reached = false
    const inlet: InletHandle = new InletHandle(entry.description.uid, (message) => {
      // A replaced inlet's last messages (its end on being stopped, a late info) belong to the past:
      // handled, they would take its successor offline or re-attach recorders a second time.
      if (entry.inlet === inlet) this.onInletMessage(entry, message)
    })
    entry.inlet = inlet
  }

  private onInletMessage(entry: Entry, message: InletMessage): void {
    switch (message.kind) {
      case 'info': {
        const returning = entry.hadInfo
        entry.hadInfo = true
        entry.reached = true
        entry.fullXml = message.xml
        const parsed = parseStreamInfoXml(message.xml)
        entry.channels = parsed.channels ?? []
        if (returning) this.emit('resumed', entry.key)
        else this.emit('changed', this.list())
        break
      }
      case 'chunk':
        entry.health.addChunk(message.timestamps)
        this.emit('chunk', { key: entry.key, timestamps: message.timestamps, values: message.values, receivedAt: message.receivedAt })
        break
      case 'offset':
        entry.health.addOffset(message.value)
        break
      case 'ended':
        // An outlet that could not be reached may just be slow to answer: only a lost connection is final.
        if (message.reason === 'lost' && entry.reached) entry.lostUid = entry.description.uid
        if (entry.online) {
          this.goOffline(entry)
          this.emit('changed', this.list())
        }
        break
    }
  }

  private goOffline(entry: Entry): void {
    entry.online = false
    const inlet = entry.inlet
    entry.inlet = null
    void inlet?.stop()
    this.emit('offline', entry.key)
  }
}
