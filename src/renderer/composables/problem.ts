import { ref } from 'vue'

/**
 * What a view shows when an action fails: `attempt` runs an action and keeps its error message
 * (main's structured errors arrive with a message meant for the experimenter).
 */
export function useProblem() {
  const problem = ref<string | null>(null)
  async function attempt(action: () => Promise<unknown>): Promise<void> {
    problem.value = null
    try {
      await action()
    } catch (error) {
      problem.value = (error as Error).message
    }
  }
  return { problem, attempt }
}
