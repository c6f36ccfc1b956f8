import { LLMKitError } from '../errors/llmkit-error'
import { TransportError, type TransportRequest } from './transport'

/** One request's abort wiring and time limit: the caller's signal and the timer both end the fetch. */
export class Attempt {
  readonly controller = new AbortController()
  private timer: ReturnType<typeof setTimeout> | undefined = undefined
  private timedOut: TransportError | undefined = undefined
  private readonly onAbort: (() => void) | undefined = undefined

  constructor(private readonly request: TransportRequest) {
    const { signal } = request
    if (signal) {
      if (signal.aborted) this.controller.abort(signal.reason)
      this.onAbort = () => this.controller.abort(signal.reason)
      signal.addEventListener('abort', this.onAbort, { once: true })
    }
    this.arm('UND_ERR_HEADERS_TIMEOUT')
  }

  /** (Re)starts the time limit: for the headers, then for each silence in the body. */
  arm(code: 'UND_ERR_HEADERS_TIMEOUT' | 'UND_ERR_BODY_TIMEOUT'): void {
    this.disarm()
    const { timeoutMs } = this.request
    if (!(timeoutMs > 0 && timeoutMs < 2 ** 31)) return
    this.timer = setTimeout(() => {
      this.timedOut = new TransportError(`no answer within ${timeoutMs} ms`, code)
      this.controller.abort(this.timedOut)
    }, timeoutMs)
  }

  disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
  }

  finish(): void {
    this.disarm()
    if (this.onAbort) this.request.signal!.removeEventListener('abort', this.onAbort)
  }

  /** What a failure becomes: the caller's abort reason, the timeout, or a network error with its system code. */
  fail(error: unknown): unknown {
    // Whatever happened, stop the request (a body over the limit, a reader that threw).
    if (!this.controller.signal.aborted) this.controller.abort(error)
    if (this.request.signal?.aborted) return this.request.signal.reason
    if (this.timedOut) return this.timedOut
    if (LLMKitError.isInstance(error) || error instanceof TransportError) return error
    // fetch rejects network failures with a TypeError; Node and Deno put the system error in its cause.
    const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause
    const rawCode = (typeof cause?.code === 'string' ? cause.code : undefined) ?? (error as { code?: unknown })?.code
    const message =
      typeof cause?.message === 'string' ? cause.message : error instanceof Error ? error.message : String(error)
    return new TransportError(message, systemCode(typeof rawCode === 'string' ? rawCode : undefined), { cause: error })
  }
}

/** Bun names its connection errors differently; the ones retries care about, as Node's codes. */
const BUN_CODES: Record<string, string> = {
  ConnectionRefused: 'ECONNREFUSED',
  ConnectionReset: 'ECONNRESET',
  ConnectionClosed: 'ECONNRESET',
  FailedToOpenSocket: 'ECONNREFUSED',
}

function systemCode(code: string | undefined): string {
  return (code && (BUN_CODES[code] ?? code)) || 'UND_ERR_SOCKET'
}
