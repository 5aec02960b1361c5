/**
 * Pairing audio with EEG: windows cut from each stimulus's onset, the EEG shifted by a lag (the
 * brain answers after the sound), and folds that keep a participant (or a song) out of training
 * when it is tested.
 */
import { Random } from '../sim/random'

export interface WindowSpec {
  windowSeconds: number
  hopSeconds: number
  /** EEG window starts this long after its audio window (0.1–0.2 s covers auditory latencies). */
  lagSeconds: number
}

/** Non-overlapping 1.5 s windows from the onset, as the paper. */
export const paperWindows: WindowSpec = { windowSeconds: 1.5, hopSeconds: 1.5, lagSeconds: 0 }

export function windowProblem(spec: WindowSpec): string | null {
  if (!(spec.windowSeconds > 0 && spec.windowSeconds <= 60)) return `the window must last more than 0 and at most 60 s, not ${spec.windowSeconds}`
  if (!(spec.hopSeconds > 0)) return `the hop must be more than 0 s, not ${spec.hopSeconds}`
  if (!(Math.abs(spec.lagSeconds) <= 5)) return `the EEG lag must lie within ±5 s, not ${spec.lagSeconds}`
  return null
}

/**
 * Start offsets (seconds from the onset) of every window whose audio lies within the stimulus
 * (`audioSeconds` long) and whose lagged EEG lies within what was recorded from the onset on
 * (`eegSeconds`; a negative lag needs `eegBeforeSeconds` of EEG before the onset).
 */
export function windowOffsets(audioSeconds: number, eegSeconds: number, spec: WindowSpec, eegBeforeSeconds = Infinity): number[] {
  const offsets: number[] = []
  for (let index = 0; ; index++) {
    const start = index * spec.hopSeconds
    if (start + spec.windowSeconds > audioSeconds + 1e-9) break
    const eegStart = start + spec.lagSeconds
    if (eegStart < -eegBeforeSeconds - 1e-9) continue
    if (eegStart + spec.windowSeconds > eegSeconds + 1e-9) break
    offsets.push(start)
  }
  return offsets
}

/**
 * Each key (a participant, or a song) in one of `k` folds: shuffled by `seed`, then dealt round
 * robin, so fold sizes differ by at most one key and the same keys always fall the same way.
 */
export function assignFolds(keys: readonly string[], k: number, seed: number): Record<string, number> {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`folds must be a whole number ≥ 2, not ${k}`)
  const unique = [...new Set(keys)].sort()
  const random = new Random(seed)
  for (let index = unique.length - 1; index > 0; index--) {
    const other = Math.floor(random.next() * (index + 1))
    ;[unique[index], unique[other]] = [unique[other]!, unique[index]!]
  }
  return Object.fromEntries(unique.map((key, index) => [key, index % k]))
}
