import { Agent, EnvHttpProxyAgent, ProxyAgent, type Dispatcher } from 'undici'
import { assertPublicHost, publicOnlyConnector } from './address-policy'
import { dispatchBuffered, type BufferedDispatchOptions } from './buffered-dispatch'
import { BufferedResponse, flattenHeaders } from './buffered-response'
import { proxyOrError, tooLargeError, transportFailure } from './http-failure'
import type { AbortSource, HttpRequest, HttpResponse, HttpStreamResponse } from './http-types'
import { encodeBody, methodOf } from './request-body'

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

/** Per-attempt settings that override a request's own (how core's retry loop sends, without copying the request). */
export interface AttemptSettings {
  readonly signal: AbortSource | undefined
  readonly timeoutMs: number
  readonly proxy: string | undefined
}

const DEFAULT_TIMEOUT_MS = 120_000
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024

/** One attempt, ready for undici: what buffered sends and streams share. */
interface Prepared {
  readonly dispatcher: Dispatcher
  readonly proxy: string | undefined
  readonly options: BufferedDispatchOptions
  readonly signal: AbortSource | undefined
  readonly timeoutMs: number
}

/**
 * The one HTTP client every provider's traffic goes through: undici with a
 * keep-alive pool, optional proxy, per-attempt time limits and body size limits.
 */
export class HttpClient {
  private readonly dispatcher: Dispatcher
  private readonly isProxied: boolean
  private publicAgent: Agent | undefined = undefined
  private readonly proxies = new Map<string, ProxyAgent>()
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

  /** Sends a request and buffers the response body (up to the size limit). `attempt` overrides its signal, limit and proxy. */
  async send(request: HttpRequest, attempt?: AttemptSettings): Promise<HttpResponse> {
    let prepared: Prepared | undefined
    try {
      prepared = this.prepare(request, attempt)
      const limit = request.maxBytes ?? this.options.maxBytes ?? DEFAULT_MAX_BYTES
      const { options, signal } = prepared
      const dispatcher = request.publicAddressesOnly
        ? await this.publicDispatcher(options.origin, prepared.proxy)
        : prepared.dispatcher
      const result = await dispatchBuffered(dispatcher, options, signal, limit, () => tooLargeError(request, limit))
      return new BufferedResponse(request, result.status, flattenHeaders(result.headers), result.body)
    } catch (error) {
      throw transportFailure(error, request, prepared?.signal ?? attempt?.signal, prepared?.timeoutMs ?? 0)
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
    let prepared: Prepared | undefined
    try {
      prepared = this.prepare(request, attempt)
      const { dispatcher, options, timeoutMs } = prepared
      const signal = attempt ? attempt.signal : request.signal
      const response = await dispatcher.request({ ...options, signal, bodyTimeout: 0 })
      const body = response.body
      return {
        status: response.statusCode,
        ok: response.statusCode >= 200 && response.statusCode < 300,
        headers: flattenHeaders(response.headers),
        body: (async function* () {
          try {
            for await (const chunk of body) yield chunk as Buffer
          } catch (error) {
            throw transportFailure(error, request, signal, timeoutMs)
          }
        })(),
        close: () => {
          // An unread body errors when destroyed; nobody is listening any more, so swallow it.
          body.on('error', () => undefined)
          body.destroy()
        },
      }
    } catch (error) {
      throw transportFailure(error, request, prepared?.signal ?? attempt?.signal, prepared?.timeoutMs ?? 0)
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

  /** The one preparation step: URL, headers, body, method, dispatcher, signal and the attempt's time limit. */
  private prepare(request: HttpRequest, attempt: AttemptSettings | undefined): Prepared {
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
    const proxy = attempt ? (attempt.proxy ?? request.proxy) : request.proxy
    const timeoutMs = attempt?.timeoutMs ?? request.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    return {
      dispatcher: proxy ? this.proxyAgent(proxy) : this.dispatcher,
      proxy,
      // The attempt's limit applies to waiting for headers and to any silence in the body.
      options: {
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: methodOf(request, body),
        headers,
        body: body as Dispatcher.DispatchOptions['body'],
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      },
      signal: attempt ? attempt.signal : request.signal,
      timeoutMs,
    }
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
}

export { safeUrl } from './http-failure'
