// Helpers shared by core's tests (not part of the package's exports).
import { LLMKitError } from './errors/llmkit-error'
import type { Clock } from './util/clock'

/** The LLMKitError a promise rejects with; fails the test if it resolves or rejects with anything else. */
export async function failure(promise: Promise<unknown>): Promise<LLMKitError> {
  try {
    await promise
  } catch (error) {
    if (!LLMKitError.isInstance(error)) throw error
    return error
  }
  throw new Error('expected an LLMKitError')
}

/** A clock whose sleeps return at once (still honouring abort), advance time, and are recorded. */
export function recordingClock(start = 1_700_000_000_000, onSleep?: (ms: number) => void | Promise<void>) {
  let now = start
  const sleeps: number[] = []
  const clock: Clock = {
    now: () => now,
    async sleep(ms, signal) {
      sleeps.push(ms)
      if (signal?.aborted) throw signal.reason
      await onSleep?.(ms)
      now += ms
    },
  }
  return { clock, sleeps }
}
