import type { Dispatcher } from 'undici'
import type { IncomingHttpHeaders } from 'node:http'
import { flattenHeaders } from './buffered-response'
import type { AbortSource } from './http-types'
import type { TransportResponse } from './transport'

/** What {@link dispatchBuffered} sends: an already split origin and path, as undici's dispatchers take them. */
export interface BufferedDispatchOptions {
  readonly origin: string
  readonly path: string
  readonly method: Dispatcher.HttpMethod
  readonly headers: Record<string, string>
  readonly body: Dispatcher.DispatchOptions['body']
  readonly headersTimeout: number
  readonly bodyTimeout: number
}

/**
 * Sends one request through `dispatcher` and collects the response into one
 * Buffer. undici's `request()` wraps every response in a Node stream and an
 * async resource; a buffered call needs neither, and skipping them is most of
 * what makes llmkit's HTTP layer cheaper than a plain `request()`.
 *
 * `tooLarge` is called once the body passes `maxBytes` (by its declared
 * length or as it arrives); its error ends the request.
 */
export function dispatchBuffered(
  dispatcher: Dispatcher,
  options: BufferedDispatchOptions,
  signal: AbortSource | undefined,
  maxBytes: number,
  tooLarge: () => Error,
): Promise<TransportResponse> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    dispatcher.dispatch(options, new BufferingHandler(resolve, reject, signal, maxBytes, tooLarge))
  })
}

/** Bodies from this size on are copied into one buffer of their declared length as they arrive. */
const LARGE_BODY = 64 * 1024

class BufferingHandler implements Dispatcher.DispatchHandler {
  private status = 0
  private headers: IncomingHttpHeaders = {}
  private readonly chunks: Buffer[] = []
  private size = 0
  /** For a large body of declared length: one buffer it is copied into as it arrives. */
  private whole: Buffer | undefined = undefined
  private controller: Dispatcher.DispatchController | undefined = undefined
  private settled = false
  private readonly onAbort: (() => void) | undefined = undefined

  constructor(
    private readonly resolve: (result: TransportResponse) => void,
    private readonly reject: (error: unknown) => void,
    private readonly signal: AbortSource | undefined,
    private readonly maxBytes: number,
    private readonly tooLarge: () => Error,
  ) {
    if (signal) {
      this.onAbort = () => {
        if (this.controller) return this.controller.abort(signal.reason as Error)
        // Still queued for a connection: answer the caller now; onRequestStart ends the request when it gets one.
        this.settle()
        this.reject(signal.reason)
      }
      signal.addEventListener('abort', this.onAbort, { once: true })
    }
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller
    if (this.signal?.aborted) controller.abort(this.signal.reason as Error)
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    // 1xx answers are informational; the real one follows.
    if (statusCode < 200) return
    this.status = statusCode
    this.headers = headers
    const length = typeof headers['content-length'] === 'string' ? Number(headers['content-length']) : NaN
    if (length > this.maxBytes) controller.abort(this.tooLarge())
    // Copying into one buffer as data arrives holds the body once, not chunks plus their concatenation.
    else if (length >= LARGE_BODY) this.whole = Buffer.allocUnsafe(length)
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const offset = this.size
    this.size += chunk.length
    if (this.size > this.maxBytes) controller.abort(this.tooLarge())
    else if (this.whole && this.size <= this.whole.length) chunk.copy(this.whole, offset)
    else {
      // More than declared (undici normally refuses that first): fall back to collecting chunks.
      if (this.whole) this.chunks.push(this.whole.subarray(0, offset))
      this.whole = undefined
      this.chunks.push(chunk)
    }
  }

  onResponseEnd(): void {
    const { chunks, size, whole } = this
    this.settle()
    const body = whole ? whole.subarray(0, size) : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)
    this.resolve({ status: this.status, headers: flattenHeaders(this.headers), body })
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.settled) return
    this.settle()
    this.reject(error)
  }

  private settle(): void {
    this.settled = true
    if (this.onAbort) this.signal!.removeEventListener('abort', this.onAbort)
  }
}
