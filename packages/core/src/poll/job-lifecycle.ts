import { LLMKitError } from '../errors/llmkit-error'
import type { HttpClient } from '../http/http-client'
import type { ImageJob } from '../provider/image-job'
import type { DownloadPolicy } from '../http/image-download'
import type { ImageCall, ImageProvider, JobStatus, ProviderContext, StartResult } from '../provider/image-provider'
import type { RetryOptions } from '../retry/retry-policy'
import { BoundHttp } from '../call/bound-http'
import { CallContext, type CallOutcome } from '../call/call-context'
import { CallScope } from '../call/call-scope'
import { finishImages } from '../call/finish-images'
import { jobPolicy, type JobPolicy } from './job-policy'
import { jobHandle } from './job-handle'
import { waitForJob, type FinalStatus } from './wait-for-job'

/** How long a cancel, or the lookup of a job a cut-off submit created, may take. */
const DETACHED_TIMEOUT_MS = 5_000

/**
 * A job's life after the submit: wait for it (status stream or polls), finish
 * its images, learn how long its model takes, and on abort or deadline cancel it
 * upstream or hand its handle back so `resumeImage` can pick it up.
 */
export class JobLifecycle {
  /** Learned job durations by `provider:model` (a moving average), to pace the first polls. */
  private readonly durations = new Map<string, number>()

  constructor(
    private readonly http: HttpClient,
    private readonly retry: Required<RetryOptions>,
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly downloads: DownloadPolicy | undefined,
  ) {}

  /** A call's job policy, from its options and the client's settings (see {@link jobPolicy}). */
  readonly policy = jobPolicy

  /** Submits the call as a job and waits for it. */
  async run(provider: ImageProvider, call: ImageCall, context: CallContext, policy: JobPolicy): Promise<CallOutcome> {
    const submittedAt = context.clock.now()
    let started: StartResult
    try {
      started = await provider.start!(call, context)
    } catch (error) {
      // A submit that held its request open (Replicate's `Prefer: wait`) may have created a job before the abort
      // or the deadline cut it off: find it, so it is cancelled upstream or handed back, never left unseen.
      const job = await this.findCutOff(provider, call, submittedAt, context, error)
      if (!job) throw error
      context.emit?.({ type: 'submitted', callIndex: call.callIndex, job })
      throw await this.abandon(provider, job, context, error, policy)
    }
    const job = jobHandle(provider.id, call, started, submittedAt)
    context.emit?.({ type: 'submitted', callIndex: call.callIndex, job })
    return this.await(provider, call, job, started.status, context, policy)
  }

  /** Waits for a job (new or resumed) and returns its finished images. */
  async await(
    provider: ImageProvider,
    call: ImageCall,
    job: ImageJob,
    initialStatus: JobStatus | undefined,
    context: CallContext,
    policy: JobPolicy,
  ): Promise<CallOutcome> {
    const key = `${provider.id}:${job.model}`
    let final: FinalStatus
    try {
      final = await waitForJob({
        provider,
        job,
        context,
        initialStatus,
        poll: policy.poll,
        expectedDurationMs: this.durations.get(key) ?? call.model.typicalDurationMs,
        // A pending status is reported as progress.
        onStatus: (status) => status.state === 'pending' && context.progress(status),
        timeoutError: () => context.scope.timeoutError(),
      })
      if (final.state === 'completed') {
        this.learn(key, context.clock.now() - job.createdAt)
        const images = await finishImages(provider.id, final.images, call, context)
        return { images, usage: final.usage, warnings: [...context.warnings, ...(final.warnings ?? [])], job }
      }
    } catch (error) {
      throw await this.abandon(provider, job, context, error, policy)
    }
    // The job's own verdict: nothing is left to cancel or resume.
    throw final.error
  }

  /** On abort or deadline, cancels the job upstream (best effort, bounded) or hands it back to resume. */
  private async abandon(
    provider: ImageProvider,
    job: ImageJob,
    context: CallContext,
    error: unknown,
    policy: JobPolicy,
  ): Promise<unknown> {
    const { scope } = context
    const isTimeout = LLMKitError.isInstance(error) && error.code === 'timeout'
    // The deadline ends a job through the scope's timer (signal) or through the clock (waitForJob's check).
    const isOver = scope.aborted || (isTimeout && scope.isOverdue)
    const shouldCancel = isOver && (isTimeout ? policy.cancelOnTimeout : policy.cancelOnAbort)
    if (shouldCancel && provider.cancel) await this.cancel(provider, job, scope.clock)
    // A job that was not cancelled (by choice, or because the API cannot) may still finish and be paid for: hand it back.
    const kept = !shouldCancel || !provider.cancel ? job : undefined
    return isTimeout ? jobTimeoutError(provider.id, job, kept, error) : withJob(error, kept)
  }

  /** The job a submit cut off by abort or deadline created, where the provider can look it up. */
  private async findCutOff(
    provider: ImageProvider,
    call: ImageCall,
    submittedAt: number,
    context: CallContext,
    error: unknown,
  ): Promise<ImageJob | undefined> {
    const isTimeout = LLMKitError.isInstance(error) && error.code === 'timeout'
    if (!provider.findSubmitted || !(context.scope.aborted || isTimeout)) return undefined
    return this.detached(provider, call.callIndex, `lookup of a ${provider.id} job`, context.clock, (detached) =>
      provider.findSubmitted!(call, submittedAt, detached),
    )
      .then((found) => found && jobHandle(provider.id, call, found, submittedAt))
      .catch(() => undefined)
  }

  private async cancel(provider: ImageProvider, job: ImageJob, clock: CallScope['clock']): Promise<void> {
    const what = `cancel of ${provider.id} job ${job.id}`
    // Cancelling is a courtesy; the original failure is what the caller needs to see.
    await this.detached(provider, job.call.callIndex, what, clock, (detached) => provider.cancel!(job, detached)).catch(
      () => undefined,
    )
  }

  /** Runs `work` with a context of its own (not the caller's aborted signal), bounded in time. */
  private async detached<T>(
    provider: ImageProvider,
    callIndex: number,
    what: string,
    clock: CallScope['clock'],
    work: (context: ProviderContext) => Promise<T>,
  ): Promise<T> {
    const scope = new CallScope(undefined, DETACHED_TIMEOUT_MS, clock, what)
    try {
      const http = new BoundHttp(this.http, scope, this.retry, undefined)
      return await work(new CallContext(http, scope, this.env, undefined, callIndex, this.downloads))
    } finally {
      scope.dispose()
    }
  }

  private learn(key: string, durationMs: number): void {
    const previous = this.durations.get(key)
    this.durations.set(key, previous === undefined ? durationMs : previous * 0.7 + durationMs * 0.3)
  }
}

/** The same error carrying the job handle, so a caller can resume a job that may still be running (or paid for). */
function withJob(error: unknown, job: ImageJob | undefined): unknown {
  if (!job || !LLMKitError.isInstance(error) || error.job !== undefined) return error
  const { code, message, provider, model, status, requestId, body, isRetryable, retryAfterMs, notSent } = error
  return new LLMKitError({
    ...{ code, message, provider, model, status, requestId, body, isRetryable, retryAfterMs, notSent },
    job,
    cause: error.cause,
  })
}

/** The deadline's error for a job: it says whether the job was kept (then `error.job` holds it) or cancelled. */
function jobTimeoutError(provider: string, job: ImageJob, kept: ImageJob | undefined, cause: unknown): LLMKitError {
  return new LLMKitError({
    code: 'timeout',
    provider,
    model: job.model,
    job: kept,
    cause,
    message: `${provider}: job ${job.id} did not finish in time${kept ? '; it may still finish: keep the job handle (error.job) and call resumeImage(job)' : ' and was cancelled; raise timeoutMs'}`,
  })
}
