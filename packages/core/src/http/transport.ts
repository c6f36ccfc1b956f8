import type { AbortSource } from './http-types'

/** One attempt as a transport sends it: URL checked, headers lower-case, body encoded, limits resolved. */
export interface TransportRequest {
  readonly url: URL
  readonly method: string
  readonly headers: Record<string, string>
  readonly body: string | Uint8Array | FormData | undefined
  /** Limit for waiting for headers and for any silence in the body. */
  readonly timeoutMs: number
  /** For buffered sends, an AbortSignal or core's call scope; a stream is always given an AbortSignal. */
  readonly signal: AbortSource | undefined
  readonly proxy: string | undefined
  /** Connect only to public addresses (image downloads). */
  readonly publicAddressesOnly: boolean
}

/** A response read to its end. */
export interface TransportResponse {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: Uint8Array
}

/** A response whose body is read as it arrives. */
export interface TransportStream {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: AsyncIterable<Uint8Array>
  close(): void
}

/**
 * How {@link HttpClient} reaches the network: undici's dispatcher on Node, or
 * the global `fetch` where undici is not usable (Bun, edge runtimes, browsers).
 * Both keep the same limits and fail with errors `transportFailure` maps the
 * same way (undici's error codes, which the fetch transport reuses).
 */
export interface Transport {
  readonly name: 'undici' | 'fetch'
  send(request: TransportRequest, maxBytes: number, tooLarge: () => Error): Promise<TransportResponse>
  stream(request: TransportRequest & { readonly signal: AbortSignal | undefined }): Promise<TransportStream>
  close(): Promise<void>
}

/** A transport failure with undici's code for it, so both transports map to the same LLMKitError. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'TransportError'
  }
}

/** What undici's transport takes from the client's settings. */
export interface PoolOptions {
  readonly proxy?: string | undefined
  readonly connections?: number | undefined
  readonly env: Record<string, string | undefined>
}
