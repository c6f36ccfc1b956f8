import { LLMKitError } from '../errors/llmkit-error'

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
  private readonly onAbort = () => this.controller!.abort(this.userSignal!.reason)

  constructor(
    private readonly userSignal: AbortSignal | undefined,
    private readonly timeoutMs: number,
    private readonly now: () => number,
    private readonly describe: () => string,
  ) {
    this.deadline = now() + timeoutMs
    if (userSignal) void this.signal
  }

  /** The combined signal (created on first use). */
  get signal(): AbortSignal {
    if (this.controller) return this.controller.signal
    const controller = (this.controller = new AbortController())
    this.timer = setTimeout(() => {
      controller.abort(new LLMKitError({ code: 'timeout', message: `${this.describe()} did not finish within ${this.timeoutMs} ms; raise timeoutMs` }))
    }, Math.max(0, this.deadline - this.now()))
    if (this.userSignal?.aborted) this.onAbort()
    else this.userSignal?.addEventListener('abort', this.onAbort, { once: true })
    return controller.signal
  }

  /** The signal if anyone made it; what HTTP requests pass along without forcing one into being. */
  get existingSignal(): AbortSignal | undefined {
    return this.controller?.signal
  }

  /** Throws the abort reason, or a timeout once the deadline has passed, without making a signal. */
  throwIfOver(): void {
    this.controller?.signal.throwIfAborted()
    if (this.now() >= this.deadline) throw new LLMKitError({ code: 'timeout', message: `${this.describe()} did not finish within ${this.timeoutMs} ms; raise timeoutMs` })
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer)
    this.userSignal?.removeEventListener('abort', this.onAbort)
  }
}

/** Combines the caller's signal with a deadline. */
export function createCallScope(userSignal: AbortSignal | undefined, timeoutMs: number, now: () => number, describe: () => string): CallScope {
  return new CallScope(userSignal, timeoutMs, now, describe)
}
