import { LLMKitError, isAbortError } from '../errors/llmkit-error'
import type { ImageJob, ImageProvider, JobStatus, ProviderContext } from '../provider/image-provider'
import { nextPollDelay, type PollOptions } from './poll-interval'

/** Inputs of {@link waitForJob}. */
export interface WaitForJobOptions {
  readonly provider: ImageProvider
  readonly job: ImageJob
  readonly context: ProviderContext
  readonly poll: Required<PollOptions>
  /** A status the submit already returned. */
  readonly initialStatus?: JobStatus
  readonly expectedDurationMs?: number
  readonly onStatus: (status: JobStatus) => void
  /** The call's timeout error (its scope decides it), thrown when the clock passes the deadline. */
  readonly timeoutError: () => LLMKitError
}

/** A job's last status: its images, or the job's own verdict that it failed (as opposed to trouble reaching it). */
export type FinalStatus = Extract<JobStatus, { state: 'completed' | 'failed' }>

type Outcome = { done: true; result: FinalStatus } | { done: false }

function settle(status: JobStatus, options: WaitForJobOptions): Outcome {
  options.onStatus(status)
  return status.state === 'pending' ? { done: false } : { done: true, result: status }
}

/**
 * The one polling loop: listens to the provider's status stream when it has
 * one, else polls with adaptive waits until the job completes, fails, or the
 * context's deadline or abort ends it. A `failed` status is returned, not
 * thrown: it is the job's verdict, and nothing is left to cancel or resume.
 */
export async function waitForJob(options: WaitForJobOptions): Promise<FinalStatus> {
  const { provider, job, context, poll } = options
  let status = options.initialStatus
  if (status) {
    const outcome = settle(status, options)
    if (outcome.done) return outcome.result
  }
  if (provider.watch) {
    const outcome = await watchJob(options)
    if (outcome.done) return outcome.result
  }
  for (let attempt = 0; ; attempt++) {
    const elapsedMs = context.clock.now() - job.createdAt
    const delay = nextPollDelay({ attempt, elapsedMs, status, expectedDurationMs: options.expectedDurationMs }, poll)
    await context.clock.sleep(Math.min(delay, Math.max(0, context.deadline - context.clock.now())), context.signal)
    if (context.clock.now() >= context.deadline) throw context.signal.reason ?? options.timeoutError()
    status = await provider.status!(job, context)
    const outcome = settle(status, options)
    if (outcome.done) return outcome.result
  }
}

/** Follows the provider's status stream; falls back to polling if the stream breaks or ends early. */
async function watchJob(options: WaitForJobOptions): Promise<Outcome> {
  const iterator = options.provider.watch!(options.job, options.context)[Symbol.asyncIterator]()
  try {
    for (;;) {
      let next: IteratorResult<JobStatus>
      try {
        next = await iterator.next()
      } catch (error) {
        if (options.context.signal.aborted) throw options.context.signal.reason
        if (isAbortError(error) || !isStreamBreak(error)) throw error
        return { done: false }
      }
      if (next.done) return { done: false }
      const outcome = settle(next.value, options)
      if (outcome.done) return outcome
    }
  } finally {
    void iterator.return?.()?.catch(() => undefined)
  }
}

/** A broken or refused stream is no verdict on the job: polling takes over. */
function isStreamBreak(error: unknown): boolean {
  return LLMKitError.isInstance(error) && ['network', 'timeout', 'provider_error', 'rate_limited'].includes(error.code)
}
