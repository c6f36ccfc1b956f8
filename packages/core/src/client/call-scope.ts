import { LLMKitError } from '../errors/llmkit-error'
import type { Clock } from '../util/clock'

/**
 * The abort signal of one `generateImage` call: the caller's signal plus the
 * deadline, which aborts with a `timeout` LLMKitError. The signal (and its
 * timer) is made on first use, so a plain synchronous call, bounded by its
 * per-attempt HTTP limits, pays for none of it.
 */
export class CallScope {
  readonly deadline: number
  private controller?: AbortController
  private timer?: ReturnType<typeof setTimeout>
  private onAbort?: () => void

  constructor(
    private readonly userSignal: AbortSignal | undefined,
    private readonly timeoutMs: number,
    readonly clock: Clock,
    /** What the call is, for the timeout message (a function, so the text is only built when needed). */
    private readonly describe: () => string,
  ) {
    this.deadline = clock.now() + timeoutMs
    if (userSignal) void this.signal
  }

  /** The combined signal (created on first use). */
  get signal(): AbortSignal {
    if (this.controller) return this.controller.signal
    const controller = (this.controller = new AbortController())
    this.timer = setTimeout(() => controller.abort(this.timeoutError()), Math.max(0, this.deadline - this.clock.now()))
    const user = this.userSignal
    if (user?.aborted) controller.abort(user.reason)
    else if (user) {
      this.onAbort = () => controller.abort(user.reason)
      user.addEventListener('abort', this.onAbort, { once: true })
    }
    return controller.signal
  }

  /** The signal if anyone made it; what HTTP requests pass along without forcing one into being. */
  get existingSignal(): AbortSignal | undefined {
    return this.controller?.signal
  }

  /** Throws the abort reason, or a timeout once the deadline has passed, without making a signal. */
  throwIfOver(): void {
    this.controller?.signal.throwIfAborted()
    if (this.clock.now() >= this.deadline) throw this.timeoutError()
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer)
    if (this.onAbort) this.userSignal!.removeEventListener('abort', this.onAbort)
  }

  private timeoutError(): LLMKitError {
    return new LLMKitError({
      code: 'timeout',
      message: `${this.describe()} did not finish within ${this.timeoutMs} ms; raise timeoutMs`,
    })
  }
}
