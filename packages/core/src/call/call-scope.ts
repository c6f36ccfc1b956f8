import { LLMKitError } from '../errors/llmkit-error'
import type { ImageJob } from '../provider/image-job'
import type { Clock } from '../util/clock'

/** A job that the deadline ended: cancelled upstream, or `kept` for `resumeImage`. */
export interface TimedOutJob {
  readonly provider: string
  readonly job: ImageJob
  readonly kept: ImageJob | undefined
  readonly cause: unknown
}

/**
 * The deadline and the one abort signal of a call: the caller's signal plus the
 * deadline, which aborts with this scope's `timeout` error. Every part of the
 * call (HTTP attempts, streams, poll waits) uses this signal and this error.
 */
export class CallScope {
  readonly deadline: number
  readonly signal: AbortSignal
  private readonly timer: ReturnType<typeof setTimeout>
  private readonly onAbort?: () => void

  constructor(
    private readonly userSignal: AbortSignal | undefined,
    private readonly timeoutMs: number,
    readonly clock: Clock,
    /** What the call is, for the timeout message (`fal:flux-dev`, `fal job 123`). */
    private readonly what: string,
  ) {
    this.deadline = clock.now() + timeoutMs
    const controller = new AbortController()
    this.signal = controller.signal
    this.timer = setTimeout(() => controller.abort(this.timeoutError()), timeoutMs)
    if (userSignal?.aborted) controller.abort(userSignal.reason)
    else if (userSignal) {
      this.onAbort = () => controller.abort(userSignal.reason)
      userSignal.addEventListener('abort', this.onAbort, { once: true })
    }
  }

  /**
   * The call's timeout error: the only place a deadline's error is made. For a
   * job, it says whether the job was kept (then `error.job` holds it) or cancelled.
   */
  timeoutError(job?: TimedOutJob): LLMKitError {
    if (!job) {
      return new LLMKitError({
        code: 'timeout',
        message: `${this.what} did not finish within ${this.timeoutMs} ms; raise timeoutMs`,
      })
    }
    const { provider, kept, cause } = job
    return new LLMKitError({
      code: 'timeout',
      provider,
      model: job.job.model,
      job: kept,
      cause,
      message: `${provider}: job ${job.job.id} did not finish in time${kept ? '; it may still finish: keep the job handle (error.job) and call resumeImage(job)' : ' and was cancelled; raise timeoutMs'}`,
    })
  }

  /** True once the deadline has passed by the call's clock (which tests may drive apart from timers). */
  get isOverdue(): boolean {
    return this.clock.now() >= this.deadline
  }

  /** Throws the abort reason, or the timeout error once the deadline has passed. */
  throwIfOver(): void {
    this.signal.throwIfAborted()
    if (this.isOverdue) throw this.timeoutError()
  }

  /** The caller's own abort reason, when the call was aborted by the caller rather than by its deadline. */
  get callerAbort(): unknown {
    return this.signal.aborted && !LLMKitError.isInstance(this.signal.reason) ? this.signal.reason : undefined
  }

  dispose(): void {
    clearTimeout(this.timer)
    if (this.onAbort) this.userSignal!.removeEventListener('abort', this.onAbort)
  }
}
