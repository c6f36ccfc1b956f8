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

export const DEFAULT_POLL: Required<PollOptions> = {
  initialIntervalMs: 250,
  maxIntervalMs: 5_000,
  minIntervalMs: 100,
  backoffFactor: 1.5,
}

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

/** How far past a predicted end to poll, so the job is done when the request arrives. */
export const FINISH_MARGIN_MS = 25
/** A predicted end further away than this is approached in two steps, the first refining the estimate. */
const REFINE_ABOVE_MS = 300
/** Share of the predicted remaining time slept in the first of those steps. */
const REFINE_SHARE = 0.75
/** Waits guided by progress are at least this share of the time elapsed, so a stalled job is polled ever less often. */
const PROGRESS_FLOOR_SHARE = 0.05

/**
 * Time left by extrapolating the reported progress over the elapsed time
 * (elapsed / progress = total). Only from `initialIntervalMs * 2` on: a
 * figure from the first fraction of a second says more about noise than speed.
 * Time spent queued makes this an overestimate, which only errs towards an extra poll.
 */
function remainingFromProgress(state: PollState, options: Required<PollOptions>): number | undefined {
  const status = state.status?.state === 'pending' ? state.status : undefined
  const progress = status?.phase === 'running' ? status.progress : undefined
  if (progress === undefined || progress < 0.01 || progress >= 1 || state.elapsedMs < options.initialIntervalMs * 2)
    return undefined
  return (state.elapsedMs * (1 - progress)) / progress
}

/** The wait from the expected duration: towards its end (just past it), then fine polls growing with the overrun. */
function delayFromExpected(expectedRemaining: number, geometric: number, options: Required<PollOptions>): number {
  if (expectedRemaining > options.minIntervalMs)
    return Math.min(expectedRemaining + FINISH_MARGIN_MS, Math.max(geometric, expectedRemaining / 2))
  return options.minIntervalMs + Math.max(0, -expectedRemaining) / 4
}

/**
 * The next wait. A provider's hint wins, then the queue position. Otherwise a
 * geometric backoff, replaced by the expected duration when one is known
 * (sleep towards the expected end, poll just after it, then back off for
 * jobs that run long), and shortened whenever the reported progress says the
 * job ends sooner: then the poll lands just after the extrapolated end
 * (approached in two steps when it is far, since queue time and coarse
 * progress figures make the first extrapolation long).
 */
export function nextPollDelay(state: PollState, options: Required<PollOptions>): number {
  const { minIntervalMs: min, maxIntervalMs: max } = options
  const status = state.status?.state === 'pending' ? state.status : undefined
  if (status?.pollAfterMs !== undefined) return clamp(status.pollAfterMs, min, max)
  if (status?.phase === 'queued' && status.position !== undefined && status.position > 0) {
    return clamp(options.initialIntervalMs * (1 + status.position), min, max)
  }
  const geometric = clamp(options.initialIntervalMs * options.backoffFactor ** state.attempt, min, max)
  const fromProgress = remainingFromProgress(state, options)
  let delay = geometric
  if (state.expectedDurationMs !== undefined) {
    const expectedRemaining = state.expectedDurationMs - state.elapsedMs
    // Past the expected end, progress (when reported) is the better guide than fine polling.
    if (expectedRemaining > min || fromProgress === undefined)
      delay = delayFromExpected(expectedRemaining, geometric, options)
  }
  if (fromProgress !== undefined && fromProgress + FINISH_MARGIN_MS < delay) {
    const fromEstimate = fromProgress > REFINE_ABOVE_MS ? fromProgress * REFINE_SHARE : fromProgress + FINISH_MARGIN_MS
    // Progress that stalls near the end (0.99 for minutes) would otherwise mean polling at the minimum forever.
    delay = Math.max(fromEstimate, state.elapsedMs * PROGRESS_FLOOR_SHARE)
  }
  return clamp(delay, min, max)
}
