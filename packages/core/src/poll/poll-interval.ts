import type { JobStatus } from '../provider/image-provider'

/** How the single polling loop paces status requests. */
export interface PollOptions {
  /** First wait after submitting. Default 250 ms. */
  initialIntervalMs?: number
  /** Longest wait between two polls. Default 5 000 ms. */
  maxIntervalMs?: number
  /** Shortest wait between two polls. Default 100 ms. */
  minIntervalMs?: number
  /** Growth of the wait while nothing is known about the job's length. Default 1.5. */
  backoffFactor?: number
}

export const DEFAULT_POLL: Required<PollOptions> = { initialIntervalMs: 250, maxIntervalMs: 5_000, minIntervalMs: 100, backoffFactor: 1.5 }

/** What the loop knows when choosing the next wait. */
export interface PollState {
  /** Polls made so far. */
  readonly attempt: number
  /** Time since the job was submitted. */
  readonly elapsedMs: number
  readonly status?: JobStatus
  /** How long such jobs usually take (catalog hint or recent history). */
  readonly expectedDurationMs?: number
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value))

/**
 * The next wait: a provider's hint first, then the queue position, then the
 * expected duration (sleep until the job should be done, then poll finely),
 * else a geometric backoff.
 */
export function nextPollDelay(state: PollState, options: Required<PollOptions>): number {
  const { minIntervalMs: min, maxIntervalMs: max } = options
  const status = state.status?.state === 'pending' ? state.status : undefined
  if (status?.pollAfterMs !== undefined) return clamp(status.pollAfterMs, min, max)
  if (status?.phase === 'queued' && status.position !== undefined && status.position > 0) {
    return clamp(options.initialIntervalMs * (1 + status.position), min, max)
  }
  const geometric = clamp(options.initialIntervalMs * options.backoffFactor ** state.attempt, min, max)
  if (state.expectedDurationMs === undefined) return geometric
  const remaining = state.expectedDurationMs - state.elapsedMs
  if (remaining > min) return clamp(Math.min(remaining, Math.max(geometric, remaining / 2)), min, max)
  // Past the expected end: poll finely at first, then back off again for jobs that run long.
  const overrun = -remaining
  return clamp(min + overrun / 4, min, max)
}
