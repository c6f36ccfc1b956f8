import { describe, expect, it } from 'vitest'
import type { JobStatus } from '../provider/image-provider'
import { DEFAULT_POLL, FINISH_MARGIN_MS, nextPollDelay, type PollOptions } from './poll-interval'

const options = DEFAULT_POLL
const queued = (position?: number, pollAfterMs?: number): JobStatus => ({
  state: 'pending',
  phase: 'queued',
  position,
  pollAfterMs,
})
const running: JobStatus = { state: 'pending', phase: 'running', progress: 0.4 }
/** Running, with no progress figure. */
const runningBlind: JobStatus = { state: 'pending', phase: 'running' }

describe('nextPollDelay', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_POLL).toEqual({
      initialIntervalMs: 250,
      maxIntervalMs: 5_000,
      minIntervalMs: 100,
      backoffFactor: 1.5,
    })
  })

  it('follows the provider hint first, within min and max', () => {
    expect(nextPollDelay({ attempt: 5, elapsedMs: 0, status: queued(9, 1_234) }, options)).toBe(1_234)
    expect(nextPollDelay({ attempt: 0, elapsedMs: 0, status: queued(undefined, 10) }, options)).toBe(100)
    expect(nextPollDelay({ attempt: 0, elapsedMs: 0, status: queued(undefined, 60_000) }, options)).toBe(5_000)
  })

  it('waits longer the further back in the queue the job is', () => {
    expect(nextPollDelay({ attempt: 0, elapsedMs: 0, status: queued(1) }, options)).toBe(500)
    expect(nextPollDelay({ attempt: 0, elapsedMs: 0, status: queued(4) }, options)).toBe(1_250)
    expect(nextPollDelay({ attempt: 0, elapsedMs: 0, status: queued(100) }, options)).toBe(5_000)
    // Position 0 is next in line: no queue penalty, the usual backoff applies.
    expect(nextPollDelay({ attempt: 0, elapsedMs: 0, status: queued(0) }, options)).toBe(250)
  })

  it('grows geometrically while nothing is known, capped at the max', () => {
    const delays = [0, 1, 2, 3, 4, 10].map((attempt) =>
      nextPollDelay({ attempt, elapsedMs: 0, status: running }, options),
    )
    expect(delays).toEqual([250, 375, 562.5, 843.75, 1_265.625, 5_000])
  })

  it('sleeps towards the expected end of a job, then polls finely', () => {
    const expected = 8_000
    // Far from the end: half of what is left, at most the max interval.
    expect(
      nextPollDelay({ attempt: 0, elapsedMs: 0, status: runningBlind, expectedDurationMs: expected }, options),
    ).toBe(4_000)
    expect(
      nextPollDelay({ attempt: 1, elapsedMs: 4_000, status: runningBlind, expectedDurationMs: expected }, options),
    ).toBe(2_000)
    // Close to the end: just past it, so the job is done when the poll arrives.
    expect(
      nextPollDelay({ attempt: 6, elapsedMs: 7_800, status: runningBlind, expectedDurationMs: expected }, options),
    ).toBe(200 + FINISH_MARGIN_MS)
    // At and just past the expected end: the minimum interval, growing with the overrun.
    expect(
      nextPollDelay({ attempt: 7, elapsedMs: 8_000, status: runningBlind, expectedDurationMs: expected }, options),
    ).toBe(100)
    expect(
      nextPollDelay({ attempt: 8, elapsedMs: 8_400, status: runningBlind, expectedDurationMs: expected }, options),
    ).toBe(200)
    expect(
      nextPollDelay({ attempt: 9, elapsedMs: 60_000, status: runningBlind, expectedDurationMs: expected }, options),
    ).toBe(5_000)
  })

  it('never exceeds the max for a long expected job', () => {
    expect(nextPollDelay({ attempt: 0, elapsedMs: 0, expectedDurationMs: 120_000 }, options)).toBe(5_000)
  })

  it('walks a job to its expected end in a few polls', () => {
    const expected = 10_000
    let elapsedMs = 0
    const waits: number[] = []
    for (let attempt = 0; elapsedMs < expected; attempt++) {
      const wait = nextPollDelay({ attempt, elapsedMs, status: runningBlind, expectedDurationMs: expected }, options)
      waits.push(wait)
      elapsedMs += wait
    }
    expect(waits).toEqual([5_000, 2_500, 1_250, 843.75, 406.25 + FINISH_MARGIN_MS])
    expect(elapsedMs).toBe(expected + FINISH_MARGIN_MS)
  })

  it('polls just after the end that the reported progress extrapolates to', () => {
    // 40 % after 1 200 ms: 1 800 ms to go, less than the geometric 1 898 ms: approach it, refining on the way.
    expect(
      nextPollDelay(
        { attempt: 5, elapsedMs: 1_200, status: { state: 'pending', phase: 'running', progress: 0.4 } },
        options,
      ),
    ).toBe(1_350)
    // 80 % after 1 200 ms: 300 ms to go, so poll just after the predicted end.
    expect(
      nextPollDelay(
        { attempt: 5, elapsedMs: 1_200, status: { state: 'pending', phase: 'running', progress: 0.8 } },
        options,
      ),
    ).toBeCloseTo(300 + FINISH_MARGIN_MS, 6)
    // A predicted end beyond the next scheduled poll changes nothing.
    expect(
      nextPollDelay(
        { attempt: 1, elapsedMs: 1_200, status: { state: 'pending', phase: 'running', progress: 0.4 } },
        options,
      ),
    ).toBe(375)
    // Too early to extrapolate, or no progress at all: the schedule.
    expect(
      nextPollDelay(
        { attempt: 1, elapsedMs: 250, status: { state: 'pending', phase: 'running', progress: 0.5 } },
        options,
      ),
    ).toBe(375)
    expect(
      nextPollDelay(
        { attempt: 5, elapsedMs: 1_200, status: { state: 'pending', phase: 'running', progress: 0 } },
        options,
      ),
    ).toBe(1_898.4375)
  })

  it('lets progress overrule an expected duration in both directions', () => {
    const runningAt = (progress: number): JobStatus => ({ state: 'pending', phase: 'running', progress })
    // Expected 10 s, but 90 % done after 2 s: poll at the extrapolated end, not in 4 s.
    expect(
      nextPollDelay({ attempt: 1, elapsedMs: 2_000, status: runningAt(0.9), expectedDurationMs: 10_000 }, options),
    ).toBeCloseTo(222.2 + FINISH_MARGIN_MS, 1)
    // Expected 2 s, 3 s elapsed, only half done: no fine polling, the schedule (and progress) lead.
    expect(
      nextPollDelay({ attempt: 4, elapsedMs: 3_000, status: runningAt(0.5), expectedDurationMs: 2_000 }, options),
    ).toBe(1_265.625)
    // Past the expected end without progress: fine polls, growing with the overrun.
    expect(
      nextPollDelay(
        { attempt: 4, elapsedMs: 3_000, status: { state: 'pending', phase: 'running' }, expectedDurationMs: 2_000 },
        options,
      ),
    ).toBe(350)
  })

  it('finishes a 3 s job with linear progress within the margin, in fewer polls than a fixed 500 ms poll', () => {
    for (const queueMs of [0, 300]) {
      const { polls, overshootMs } = simulate({ queueMs, runMs: 3_000 - queueMs })
      // Progress is reported in whole percent, as the emulators and real APIs do, so the estimate lags a little.
      expect(overshootMs).toBeLessThanOrEqual(100)
      expect(polls).toBeLessThanOrEqual(7)
    }
    // With a learned duration the loop goes almost straight to the end.
    expect(simulate({ queueMs: 0, runMs: 3_000, expectedDurationMs: 3_000 })).toEqual({
      polls: 4,
      overshootMs: FINISH_MARGIN_MS,
    })
    // An expected duration far too long costs latency: catalogs should err low.
    expect(simulate({ queueMs: 0, runMs: 3_000, expectedDurationMs: 15_000 }).overshootMs).toBe(2_000)
  })
})

/** Runs the loop against a job whose progress grows linearly after its queue time; returns polls and overshoot. */
function simulate(
  job: { queueMs: number; runMs: number; expectedDurationMs?: number },
  poll: Required<PollOptions> = options,
) {
  const end = job.queueMs + job.runMs
  let elapsedMs = 0
  let status: JobStatus | undefined
  for (let attempt = 0; ; attempt++) {
    elapsedMs += nextPollDelay({ attempt, elapsedMs, status, expectedDurationMs: job.expectedDurationMs }, poll)
    if (elapsedMs >= end) return { polls: attempt + 1, overshootMs: elapsedMs - end }
    status =
      elapsedMs < job.queueMs
        ? { state: 'pending', phase: 'queued' }
        : {
            state: 'pending',
            phase: 'running',
            progress: Math.floor(((elapsedMs - job.queueMs) / job.runMs) * 100) / 100,
          }
  }
}

describe('nextPollDelay with progress that stalls near the end', () => {
  it('polls ever less often instead of at the minimum interval', () => {
    const stalled: JobStatus = { state: 'pending', phase: 'running', progress: 0.99 }
    const waits = [10_000, 20_000, 60_000].map((elapsedMs) =>
      nextPollDelay({ attempt: 20, elapsedMs, status: stalled }, options),
    )
    expect(waits).toEqual([500, 1_000, 3_000])
  })
})
