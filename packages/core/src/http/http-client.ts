import { invalidRequest } from '../errors/llmkit-error'
import { fetchFallback } from './fetch-fallback'
import { BufferedResponse } from './buffered-response'
import { tooLargeError, transportFailure } from './http-failure'
import type { AbortSource, HttpRequest, HttpResponse, HttpStreamResponse } from './http-types'
import { encodeBody, methodOf } from './request-body'
import type { Transport, TransportRequest } from './transport'
import { platform } from '../platform/node'

/** Settings for {@link HttpClient}. */
export interface HttpClientOptions {
  /** Proxy URL for every request. Default: `HTTPS_PROXY` / `HTTP_PROXY` (with `NO_PROXY`) from the environment. */
  proxy?: string
  /** Time limit for one attempt when the request sets none. Default 120 000 ms. */
  timeoutMs?: number
  /** Largest response body accepted when the request sets none. Default 64 MiB. */
  maxBytes?: number
  /** Open connections per origin. Default 64. */
  connections?: number
  /** Sent as `User-Agent` unless a request sets its own. */
  userAgent?: string
  /** Environment to read proxy variables from. Default `process.env`. */
  env?: Record<string, string | undefined>
  /**
   * How requests reach the network. `undici` (Node, Deno): a keep-alive pool,
   * proxies, downloads checked on the address connected to. `fetch`: the
   * runtime's global `fetch` with the same limits and errors, but no proxy per
   * client or request and host names of downloads checked by a DNS lookup
   * before the request (or refused where the runtime has no DNS; see the
   * README). Default: `undici` where its dispatcher works, else `fetch`
   * (Bun, edge runtimes, browsers).
   */
  transport?: 'undici' | 'fetch'
}

/** Per-attempt settings that override a request's own (how core's retry loop sends, without copying the request). */
export interface AttemptSettings {
  readonly signal: AbortSource | undefined
  readonly timeoutMs: number
  readonly proxy: string | undefined
}

const DEFAULT_TIMEOUT_MS = 120_000
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024

/**
 * The one HTTP client every provider's traffic goes through: undici's
 * keep-alive pool (or `fetch` where undici cannot run), optional proxy,
 * per-attempt time limits and body size limits.
 */
export class HttpClient {
  /** Which transport this client uses: `undici` or `fetch`. */
  readonly transport: 'undici' | 'fetch'
  private readonly sender: Transport
  private readonly options: HttpClientOptions

  constructor(options: HttpClientOptions = {}) {
    this.options = options
    const env = options.env ?? globalThis.process?.env ?? {}
    const pool = { proxy: options.proxy, connections: options.connections, env }
    const undici = options.transport === 'fetch' ? undefined : platform.undiciTransport(pool)
    if (options.transport === 'undici' && !undici)
      throw invalidRequest(
        "transport: 'undici' is not available here (undici's dispatcher needs Node or Deno); leave transport unset to use fetch",
      )
    this.sender = undici ?? fetchFallback({ assertPublicName: platform.assertPublicName })
    this.transport = this.sender.name
  }

  /** Sends a request and buffers the response body (up to the size limit). `attempt` overrides its signal, limit and proxy. */
  async send(request: HttpRequest, attempt?: AttemptSettings): Promise<HttpResponse> {
    let prepared: TransportRequest | undefined
    try {
      prepared = this.prepare(request, attempt)
      const limit = request.maxBytes ?? this.options.maxBytes ?? DEFAULT_MAX_BYTES
      if (prepared.signal?.aborted) throw prepared.signal.reason
      const result = await this.sender.send(prepared, limit, () => tooLargeError(request, limit))
      return new BufferedResponse(request, result.status, result.headers, result.body)
    } catch (error) {
      throw await transportFailure(error, request, prepared?.signal ?? attempt?.signal, prepared?.timeoutMs ?? 0)
    }
  }

  /**
   * Sends a request and returns the body as a stream (for server-sent events).
   * The time limit covers waiting for headers; once streaming, silence is normal
   * (a queue can be quiet for long).
   */
  async stream(
    request: HttpRequest,
    attempt?: AttemptSettings & { readonly signal: AbortSignal | undefined },
  ): Promise<HttpStreamResponse> {
    // Loaded with the first stream: most apps never open one.
    const { openStream } = await import('./open-stream')
    return openStream(this.sender, request, attempt, () => this.prepare(request, attempt))
  }

  /** Closes idle connections. The client cannot be used afterwards. */
  async close(): Promise<void> {
    await this.sender.close()
  }

  /** The one preparation step: URL, headers, body, method, signal and the attempt's time limit. */
  private prepare(request: HttpRequest, attempt: AttemptSettings | undefined): TransportRequest {
    const url = new URL(request.url)
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new TypeError(`unsupported protocol ${url.protocol} (use http: or https:)`)
    const headers: Record<string, string> = {}
    if (this.options.userAgent) headers['user-agent'] = this.options.userAgent
    for (const name in request.headers) {
      const value = request.headers[name]
      if (value !== undefined) headers[name.toLowerCase()] = value
    }
    const body = encodeBody(request, headers)
    return {
      url,
      method: methodOf(request, body),
      headers,
      body,
      timeoutMs: attempt?.timeoutMs ?? request.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      signal: attempt ? attempt.signal : request.signal,
      proxy: (attempt ? (attempt.proxy ?? request.proxy) : request.proxy) ?? this.fetchProxy(),
      publicAddressesOnly: request.publicAddressesOnly === true,
    }
  }

  /** A client-wide proxy given to a fetch client: passed on, so the transport refuses it with its reason. */
  private fetchProxy(): string | undefined {
    return this.sender.name === 'fetch' ? this.options.proxy : undefined
  }
}

export { safeUrl } from './http-failure'
