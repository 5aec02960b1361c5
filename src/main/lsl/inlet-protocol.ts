import type { MessagePort } from 'node:worker_threads'
import type { NumericSamples } from '../../shared/xdf/types'

/** What an inlet worker is started with. */
export interface InletWorkerData {
  /** The stream's uid (from the resolver); the worker resolves it again in its own thread. */
  uid: string
  /** Commands from main (attach, detach, stop). */
  control: MessagePort
  /** How long to sleep when nothing was available; bounds latency and message rate. */
  pollMilliseconds: number
  offsetIntervalSeconds: number
}

export type InletControl =
  | { kind: 'stop' }
  /** A recorder's port; `id` names it for detaching (ports cannot be compared after a transfer). */
  | { kind: 'attach'; id: number; port: MessagePort }
  | { kind: 'detach'; id: number }

/** What an inlet worker sends to main and to attached recorders. */
export type InletMessage =
  | { kind: 'info'; xml: string }
  /** A recorder port is connected: every chunk pulled from now on reaches it. */
  | { kind: 'attached'; id: number }
  | { kind: 'chunk'; timestamps: Float64Array; values: NumericSamples | string[]; receivedAt: number }
  /** `value` is added to this stream's timestamps to bring them into the local LSL clock. */
  | { kind: 'offset'; time: number; value: number }
  | { kind: 'ended'; reason: 'stopped' | 'lost' | 'error'; message?: string }
