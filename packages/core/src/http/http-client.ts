import {
  Agent,
  EnvHttpProxyAgent,
  FormData as UndiciFormData,
  ProxyAgent,
  request as undiciRequest,
  type Dispatcher,
} from 'undici'
import { LLMKitError, isAbortError } from '../errors/llmkit-error'
import { dispatchBuffered } from './buffered-dispatch'
import { assertPublicHost, publicOnlyConnector } from './address-policy'
import { excerpt, redactSecrets } from '../errors/redact'
import type { HttpRequest, HttpResponse, HttpStreamResponse } from './http-types'

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
}

const DEFAULT_TIMEOUT_MS = 120_000
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024
const REQUEST_ID_HEADERS = ['x-request-id', 'request-id', 'x-fal-request-id', 'x-amzn-requestid', 'cf-ray']
/** Per-attempt settings that override a request's own. */
export interface AttemptSettings {
  readonly signal: AbortSignal | undefined
  readonly timeoutMs: number
  readonly proxy: string | undefined
}

/** Transport failures where the request cannot have reached the server. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
])

/**
 * The one HTTP client every provider's traffic goes through: undici with a
 * keep-alive pool, optional proxy, per-attempt time limits and body size limits.
 */
export class HttpClient {
  private readonly dispatcher: Dispatcher
  private readonly isProxied: boolean
  private publicAgent: Agent | undefined = undefined
  private readonly proxies = new Map<string, ProxyAgent>()
  private readonly urlParts = new Map<string, UrlParts>()
  private readonly options: HttpClientOptions

  constructor(options: HttpClientOptions = {}) {
    this.options = options
    const env = options.env ?? process.env
    const connections = options.connections ?? 64
    this.isProxied = Boolean(options.proxy || env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy)
    if (options.proxy) this.dispatcher = proxyOrError(() => new ProxyAgent({ uri: options.proxy!, connections }))
    else if (env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy) {
      this.dispatcher = proxyOrError(
        () =>
          new EnvHttpProxyAgent({
            httpProxy: env.HTTP_PROXY ?? env.http_proxy,
            httpsProxy: env.HTTPS_PROXY ?? env.https_proxy,
            noProxy: env.NO_PROXY ?? env.no_proxy,
            connections,
          }),
      )
    } else this.dispatcher = new Agent({ connections, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000 })
  }

  /**
   * Sends a request and buffers the response body (up to the size limit).
   * `attempt` overrides the request's signal, time limit and proxy for this one
   * attempt (how core's retry loop sends, without copying the request).
   */
  send(request: HttpRequest, attempt?: AttemptSettings): Promise<HttpResponse> {
    return attempt
      ? this.sendAttempt(request, attempt.signal, attempt.proxy ?? request.proxy, attempt.timeoutMs)
      : this.sendAttempt(
          request,
          request.signal,
          request.proxy,
          request.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        )
  }

  private async sendAttempt(
    request: HttpRequest,
    signal: AbortSignal | undefined,
    proxy: string | undefined,
    timeoutMs: number,
  ): Promise<HttpResponse> {
    try {
      const { origin, path } = splitUrl(this.urlParts, request.url)
      const headers = this.headersFor(request)
      const body = encodeBody(request, headers)
      const limit = request.maxBytes ?? this.options.maxBytes ?? DEFAULT_MAX_BYTES
      const dispatcher = request.publicAddressesOnly
        ? await this.publicDispatcher(origin, proxy)
        : proxy
          ? this.proxyAgent(proxy)
          : this.dispatcher
      const result = await dispatchBuffered(
        dispatcher,
        // The attempt's limit applies to waiting for headers and to any silence in the body.
        {
          origin,
          path,
          method: methodOf(request, body),
          headers,
          body,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        },
        signal,
        limit,
        () => tooLargeError(request, limit),
      )
      return new BufferedResponse(request, result.status, flattenHeaders(result.headers), result.body)
    } catch (error) {
      throw this.failure(error, request, signal, timeoutMs)
    }
  }

  /** Sends a request and returns the body as a stream (for server-sent events). `timeoutMs` bounds the wait for headers only. */
  async stream(request: HttpRequest): Promise<HttpStreamResponse> {
    // The limit covers waiting for headers; once streaming, silence is normal (a queue can be quiet for long).
    const timeoutMs = request.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    try {
      const response = await this.dispatch(request, request.signal, request.proxy, timeoutMs, 0)
      const body = response.body
      const failure = (error: unknown) => this.failure(error, request, request.signal, timeoutMs)
      return {
        status: response.statusCode,
        ok: response.statusCode >= 200 && response.statusCode < 300,
        headers: flattenHeaders(response.headers),
        body: (async function* () {
          try {
            for await (const chunk of body) yield chunk as Buffer
          } catch (error) {
            throw failure(error)
          }
        })(),
        close: () => {
          // An unread body errors when destroyed; nobody is listening any more, so swallow it.
          body.on('error', () => undefined)
          body.destroy()
        },
      }
    } catch (error) {
      throw this.failure(error, request, request.signal, timeoutMs)
    }
  }

  /** Closes idle connections. The client cannot be used afterwards. */
  async close(): Promise<void> {
    await Promise.all([
      this.dispatcher.close(),
      this.publicAgent?.close(),
      ...[...this.proxies.values()].map((agent) => agent.close()),
    ])
  }

  /** Streams keep undici's `request()`: its body stream is what they hand out. */
  private dispatch(
    request: HttpRequest,
    signal: AbortSignal | undefined,
    proxy: string | undefined,
    timeoutMs: number,
    bodyTimeoutMs: number,
  ) {
    const headers = this.headersFor(request)
    const body = encodeBody(request, headers)
    return undiciRequest(request.url, {
      method: methodOf(request, body),
      headers,
      body: body as never,
      signal,
      dispatcher: proxy ? this.proxyAgent(proxy) : this.dispatcher,
      headersTimeout: timeoutMs,
      bodyTimeout: bodyTimeoutMs,
    })
  }

  /** The request's headers with lower-case names, undefined ones left out, and the client's user agent. */
  private headersFor(request: HttpRequest): Record<string, string> {
    const headers: Record<string, string> = {}
    if (this.options.userAgent) headers['user-agent'] = this.options.userAgent
    const given = request.headers
    for (const name in given) {
      const value = given[name]
      if (value !== undefined) headers[name.toLowerCase()] = value
    }
    return headers
  }

  /**
   * The dispatcher for a request that may reach public addresses only. Direct
   * connections check the address connected to (after DNS); through a proxy,
   * which connects for us, the name is resolved here and checked first.
   */
  private async publicDispatcher(origin: string, proxy: string | undefined): Promise<Dispatcher> {
    if (proxy || this.isProxied) {
      await assertPublicHost(new URL(origin).hostname)
      return proxy ? this.proxyAgent(proxy) : this.dispatcher
    }
    this.publicAgent ??= new Agent({ connect: publicOnlyConnector(), keepAliveTimeout: 10_000 })
    return this.publicAgent
  }

  private proxyAgent(proxy: string): Dispatcher {
    let agent = this.proxies.get(proxy)
    if (!agent) {
      agent = proxyOrError(() => new ProxyAgent({ uri: proxy }))
      this.proxies.set(proxy, agent)
    }
    return agent
  }

  private failure(error: unknown, request: HttpRequest, signal: AbortSignal | undefined, timeoutMs: number): unknown {
    if (LLMKitError.isInstance(error)) return error
    if (signal?.aborted) return signal.reason ?? error
    const stage = request.stage ?? 'generate'
    const where = `${stage} request to ${safeUrl(request.url)}`
    const code =
      (error as { code?: string; cause?: { code?: string } }).code ??
      (error as { cause?: { code?: string } }).cause?.code
    if (code === 'UND_ERR_DESTROYED' || code === 'UND_ERR_CLOSED') {
      return new LLMKitError({
        code: 'invalid_request',
        message: `${where}: this client was closed (close() ends its connections for good); make a new client`,
        isRetryable: false,
        cause: error,
        secrets: request.secrets,
      })
    }
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      const phase = code === 'UND_ERR_HEADERS_TIMEOUT' ? 'no answer' : 'the answer stalled'
      return new LLMKitError({
        code: 'timeout',
        message: `${where}: ${phase} within ${timeoutMs} ms`,
        isRetryable: true,
        cause: error,
        secrets: request.secrets,
      })
    }
    const detail = redactSecrets(error instanceof Error ? error.message : String(error), request.secrets)
    const isBadUrl = code === 'ERR_INVALID_URL' || error instanceof TypeError
    return new LLMKitError({
      code: isBadUrl ? 'invalid_request' : 'network',
      message: redactSecrets(
        isBadUrl
          ? `${where} failed: the URL is not valid (${detail}); check the provider's base URL setting`
          : `${where} failed: ${detail}${code ? ` (${code})` : ''}. Check your network or proxy and try again`,
        request.secrets,
      ),
      isRetryable: !isBadUrl && !isAbortError(error),
      notSent: code !== undefined && NOT_SENT_CODES.has(code),
      cause: error,
      secrets: request.secrets,
    })
  }
}

/** A proxy agent, or an `invalid_request` that names no part of the proxy URL (it may hold a password). */
function proxyOrError<T>(make: () => T): T {
  try {
    return make()
  } catch (error) {
    throw new LLMKitError({
      code: 'invalid_request',
      message:
        'The proxy URL is not valid; check httpOptions.proxy, the proxy option or HTTPS_PROXY / HTTP_PROXY (for example http://user:password@proxy.example:8080)',
      isRetryable: false,
      cause: error,
    })
  }
}

/** The body to send; sets its content type in `headers`. */
function encodeBody(
  request: HttpRequest,
  headers: Record<string, string>,
): string | Uint8Array | UndiciFormData | undefined {
  if (request.json !== undefined) {
    headers['content-type'] = 'application/json'
    return JSON.stringify(request.json)
  }
  if (request.form) {
    const params = new URLSearchParams()
    for (const [key, value] of Object.entries(request.form)) if (value !== undefined) params.append(key, String(value))
    headers['content-type'] = 'application/x-www-form-urlencoded'
    return params.toString()
  }
  if (request.multipart) {
    // undici's own FormData: Node's global one is not accepted by undici 7. It sets its own content type.
    const form = new UndiciFormData()
    for (const [key, value] of Object.entries(request.multipart)) {
      if (value === undefined) continue
      if (value instanceof Blob) form.append(key, value)
      else form.append(key, String(value))
    }
    return form
  }
  return request.body
}

/** The request's method: as given, else GET, or POST when there is a body. */
function methodOf(request: HttpRequest, body: unknown): NonNullable<HttpRequest['method']> {
  return request.method ?? (body === undefined ? 'GET' : 'POST')
}

type UrlParts = { readonly origin: string; readonly path: string }

/**
 * Origin and path of a URL, as undici's dispatchers take them. Memoised for
 * URLs without a query string: a client sends to the same few API endpoints
 * over and over, and parsing one is a measurable part of a small request.
 * Query strings (signed download links, tokens) are never kept.
 */
function splitUrl(urlParts: Map<string, UrlParts>, url: string): UrlParts {
  let parts = urlParts.get(url)
  if (parts) return parts
  const parsed = new URL(url)
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new TypeError(`unsupported protocol ${parsed.protocol} (use http: or https:)`)
  parts = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` }
  if (parsed.search || url.includes('@')) return parts
  // Bounded all the same: job status URLs carry ids.
  if (urlParts.size >= 256) urlParts.clear()
  urlParts.set(url, parts)
  return parts
}

function tooLargeError(request: HttpRequest, maxBytes: number): LLMKitError {
  return new LLMKitError({
    code: 'provider_error',
    message: `Response from ${safeUrl(request.url)} is larger than the ${maxBytes >= 1024 * 1024 ? `${Math.round(maxBytes / 1024 / 1024)} MiB` : `${maxBytes} byte`} limit; raise maxBytes if you expect images this large`,
    isRetryable: false,
  })
}

/** undici's header object with repeated headers joined (in place: each response gets its own object). */
function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  for (const name in headers) {
    const value = headers[name]
    if (value === undefined) delete headers[name]
    else if (Array.isArray(value)) headers[name] = value.join(', ')
  }
  return headers as Record<string, string>
}

/** A response read to the end. A class, so a response costs one object and no closures. */
class BufferedResponse implements HttpResponse {
  readonly url: string
  readonly ok: boolean
  readonly requestId: string | undefined
  // Truly private (not shown by console.log or JSON): only for redacting error text.
  readonly #secrets: HttpRequest['secrets']

  constructor(
    request: HttpRequest,
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly body: Buffer,
  ) {
    this.url = request.url
    this.#secrets = request.secrets
    this.ok = status >= 200 && status < 300
    this.requestId = undefined
    for (const name of REQUEST_ID_HEADERS) {
      if (headers[name]) {
        this.requestId = headers[name]
        break
      }
    }
  }

  text(): string {
    return this.body.toString('utf8')
  }

  json<T>(): T {
    const text = this.body.toString('utf8')
    try {
      return JSON.parse(text) as T
    } catch (error) {
      throw new LLMKitError({
        code: 'provider_error',
        message: `${safeUrl(this.url)} answered ${this.status} with a body that is not JSON: ${excerpt(text, this.#secrets, 200)}`,
        status: this.status,
        requestId: this.requestId,
        isRetryable: this.status >= 500,
        cause: error,
        secrets: this.#secrets,
      })
    }
  }
}

/** A URL without credentials or query string (either may carry secrets), for messages. */
export function safeUrl(url: string): string {
  const index = url.indexOf('?')
  const path = index === -1 ? url : url.slice(0, index)
  return path.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1')
}
