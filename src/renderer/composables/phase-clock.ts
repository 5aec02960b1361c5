import { computed, onBeforeUnmount, ref, watch, type Ref } from 'vue'
import type { SessionStatus } from '../../shared/contract'

/**
 * How long the current phase has run and, for timed phases, how long it has left. The status gives
 * the phase's start in the LSL clock, which the page does not have, so the phase is timed here from
 * when its status arrived (a few milliseconds late at most).
 */
export function usePhaseClock(status: Ref<SessionStatus | null>) {
  const now = ref(performance.now())
  const shownAt = ref(performance.now())
  const timer = setInterval(() => (now.value = performance.now()), 100)
  onBeforeUnmount(() => clearInterval(timer))

  const phaseKey = computed(() => {
    const phase = status.value?.phase
    return phase ? `${status.value?.trial?.index}|${phase.name}|${phase.startedAt}` : ''
  })
  watch(phaseKey, () => (shownAt.value = performance.now()))

  const elapsed = computed(() => (phaseKey.value ? Math.max(0, (now.value - shownAt.value) / 1000) : 0))
  /** Seconds left in a timed phase (break, baseline, fixation, rest); null for the stimulus and ratings. */
  const left = computed(() => {
    const seconds = status.value?.phase?.seconds
    return seconds === null || seconds === undefined ? null : Math.max(0, seconds - elapsed.value)
  })
  return { elapsed, left }
}
