import { LLMKitError } from '../errors/llmkit-error'
import type { AbortSource } from '../http/http-types'
import type { Clock } from '../util/clock'

/**
 * The deadline and the one abort signal of a call: the caller's signal plus the
 * deadline, which aborts with this scope's `timeout` error. Every part of the
 * call (HTTP attempts, streams, poll waits) uses this scope or its signal and this error.
 *
 * The scope is itself an {@link AbortSource}, and its `AbortSignal` is made only
 * when something asks for it (a stream, a poll wait, a provider): making one
 * costs about 5 µs on Node 20, a tenth of the client CPU of a quick call, and a
 * buffered HTTP attempt needs only the listener below.
 */
export class CallScope implements AbortSource {
  readonly deadline: number
  private readonly timer: ReturnType<typeof setTimeout>
  private readonly onUserAbort?: () => void
  private controller: AbortController | undefined = undefined
  private abortReason: unknown = undefined
  private isAborted = false
  private listeners: (() => void)[] = []

  constructor(
    private readonly userSignal: AbortSignal | undefined,
    private readonly timeoutMs: number,
    readonly clock: Clock,
    /** What the call is, for the timeout message (`fal:flux-dev`, `fal job 123`). */
    private readonly what: string,
  ) {
    this.deadline = clock.now() + timeoutMs
    this.timer = setTimeout(() => this.abort(this.timeoutError()), timeoutMs)
    if (userSignal?.aborted) this.abort(userSignal.reason)
    else if (userSignal) {
      this.onUserAbort = () => this.abort(userSignal.reason)
      userSignal.addEventListener('abort', this.onUserAbort, { once: true })
    }
  }

  /** The call's signal: aborted by the caller's signal or, with the timeout error, by the deadline. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController()
      if (this.isAborted) this.controller.abort(this.abortReason)
    }
    return this.controller.signal
  }

  get aborted(): boolean {
    return this.isAborted
  }

  get reason(): unknown {
    return this.abortReason
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.isAborted) this.listeners.push(listener)
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const index = this.listeners.indexOf(listener)
    if (index !== -1) this.listeners.splice(index, 1)
  }

  private abort(reason: unknown): void {
    if (this.isAborted) return
    this.isAborted = true
    this.abortReason = reason
    clearTimeout(this.timer)
    this.controller?.abort(reason)
    const listeners = this.listeners
    this.listeners = []
    for (const listener of listeners) listener()
  }

  /** The call's timeout error (a job's, which says whether the job was kept, is made in poll/job-lifecycle.ts). */
  timeoutError(): LLMKitError {
    return new LLMKitError({
      code: 'timeout',
      message: `${this.what} did not finish within ${this.timeoutMs} ms; raise timeoutMs`,
    })
  }

  /** True once the deadline has passed by the call's clock (which tests may drive apart from timers). */
  get isOverdue(): boolean {
    return this.clock.now() >= this.deadline
  }

  /** Throws the abort reason, or the timeout error once the deadline has passed. */
  throwIfOver(): void {
    if (this.isAborted) throw this.abortReason
    if (this.isOverdue) throw this.timeoutError()
  }

  /** The caller's own abort reason, when the call was aborted by the caller rather than by its deadline. */
  get callerAbort(): unknown {
    return this.isAborted && !LLMKitError.isInstance(this.abortReason) ? this.abortReason : undefined
  }

  dispose(): void {
    clearTimeout(this.timer)
    if (this.onUserAbort) this.userSignal!.removeEventListener('abort', this.onUserAbort)
  }
}
