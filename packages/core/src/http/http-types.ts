/**
 * The stage an HTTP request belongs to. Retries are decided per stage: a status
 * poll or a download is safe to repeat; a submit that starts a paid job is
 * repeated only when no job can have been created.
 */
export type HttpStage = 'generate' | 'submit' | 'status' | 'download' | 'cancel' | 'auth'

/** One HTTP request as a provider describes it. Exactly one body field at most. */
export interface HttpRequest {
  /** Default GET, or POST when a body is given. */
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  url: string
  headers?: Record<string, string | undefined>
  /** Sent as `application/json`. */
  json?: unknown
  /** Sent as `application/x-www-form-urlencoded`; undefined values are left out. */
  form?: Record<string, string | number | boolean | undefined>
  /** Sent as `multipart/form-data`; undefined values are left out. */
  multipart?: Record<string, string | number | boolean | Blob | undefined>
  /** A raw body, sent as given. */
  body?: string | Uint8Array
  /** Which stage this is, for retries and error messages. Default `generate`. */
  stage?: HttpStage
  /** Time limit for this one attempt, headers and body. */
  timeoutMs?: number
  /** Largest response body accepted. */
  maxBytes?: number
  signal?: AbortSignal
  /** Values to remove from any error text (API keys, tokens). */
  secrets?: readonly (string | undefined)[]
  /** Proxy URL for this request only (overrides the client's). */
  proxy?: string
  /**
   * Connect only to public addresses (checked after DNS, on the address
   * connected to): how image downloads keep away from private networks and
   * cloud metadata. Set by core's download function.
   */
  publicAddressesOnly?: boolean
  /**
   * Vetoes a retry the status alone would allow, from the body: for example an
   * OpenAI 429 that means "quota used up", which no wait will fix.
   */
  shouldRetry?: (response: HttpResponse) => boolean
}

/** A buffered HTTP response. Non-2xx statuses are returned, not thrown. */
export interface HttpResponse {
  readonly status: number
  readonly ok: boolean
  readonly url: string
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array
  /** The provider's request id, from the usual headers, when present. */
  readonly requestId?: string
  text(): string
  /** Parses the body as JSON; throws a `provider_error` when it is not JSON. */
  json<T = unknown>(): T
}

/** A response whose body is read as it arrives (server-sent events, large downloads). */
export interface HttpStreamResponse {
  readonly status: number
  readonly ok: boolean
  readonly headers: Readonly<Record<string, string>>
  readonly body: AsyncIterable<Uint8Array>
  /** Stops reading and frees the connection. */
  close(): void
  /**
   * For a refused stream (`ok` false): reads its body (at most 64 KiB: an error, not a stream), closes it and
   * returns it as an `HttpResponse`, to map with `errorFromResponse` or a provider's own error reader.
   */
  readFailure(): Promise<HttpResponse>
}

/** The HTTP client a provider sees: it retries per stage and respects the call's deadline and abort. */
export interface ProviderHttp {
  /** Sends with retries; returns the last response, successful or not (map errors with `errorFromResponse`). */
  send(request: HttpRequest): Promise<HttpResponse>
  /** Opens a streaming response (no retries: the caller falls back to polling). Headers must arrive within the stage's limit. */
  stream(request: HttpRequest): Promise<HttpStreamResponse>
}

/** Time limit for one attempt, by stage, before the deadline shortens it. */
export const STAGE_TIMEOUT_MS: Readonly<Record<HttpStage, number>> = {
  generate: 180_000,
  submit: 60_000,
  status: 30_000,
  download: 120_000,
  cancel: 10_000,
  auth: 30_000,
}

/** What a buffered HTTP attempt needs of an abort signal; an `AbortSignal` is one, and so is core's call scope. */
export interface AbortSource {
  readonly aborted: boolean
  readonly reason: unknown
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void
  removeEventListener(type: 'abort', listener: () => void): void
}
