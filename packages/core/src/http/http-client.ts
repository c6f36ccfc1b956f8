import { Agent, EnvHttpProxyAgent, FormData as UndiciFormData, ProxyAgent, request as undiciRequest, type Dispatcher } from 'undici'
import { LLMKitError, isAbortError } from '../errors/llmkit-error'
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
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH'])
const notSent = new WeakSet<LLMKitError>()

/** True when a network error happened before the request reached the server (safe to resend anything). */
export function isNotSentError(error: unknown): boolean {
  return LLMKitError.isInstance(error) && notSent.has(error)
}

/**
 * The one HTTP client every provider's traffic goes through: undici with a
 * keep-alive pool, optional proxy, per-attempt time limits and body size limits.
 */
export class HttpClient {
  private readonly dispatcher: Dispatcher
  private readonly proxies = new Map<string, ProxyAgent>()
  private readonly options: HttpClientOptions

  constructor(options: HttpClientOptions = {}) {
    this.options = options
    const env = options.env ?? process.env
    const connections = options.connections ?? 64
    if (options.proxy) this.dispatcher = new ProxyAgent({ uri: options.proxy, connections })
    else if (env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy) {
      this.dispatcher = new EnvHttpProxyAgent({
        httpProxy: env.HTTP_PROXY ?? env.http_proxy,
        httpsProxy: env.HTTPS_PROXY ?? env.https_proxy,
        noProxy: env.NO_PROXY ?? env.no_proxy,
        connections,
      })
    } else this.dispatcher = new Agent({ connections, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000 })
  }

  /**
   * Sends a request and buffers the response body (up to the size limit).
   * `attempt` overrides the request's signal, time limit and proxy for this one
   * attempt (how core's retry loop sends, without copying the request).
   */
  async send(request: HttpRequest, attempt?: AttemptSettings): Promise<HttpResponse> {
    const timeoutMs = attempt?.timeoutMs ?? request.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    const signal = attempt ? attempt.signal : request.signal
    try {
      const response = await this.dispatch(request, signal, attempt?.proxy ?? request.proxy, timeoutMs)
      const limit = request.maxBytes ?? this.options.maxBytes ?? DEFAULT_MAX_BYTES
      const length = response.headers['content-length']
      // Known, acceptable length: let undici collect it in one go (much cheaper than async iteration).
      const body = typeof length === 'string' && Number(length) <= limit ? Buffer.from(await response.body.arrayBuffer()) : await readBody(response.body, limit, request)
      return toResponse(request.url, response.statusCode, response.headers, body, request)
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
    await Promise.all([this.dispatcher.close(), ...[...this.proxies.values()].map((agent) => agent.close())])
  }

  private dispatch(request: HttpRequest, signal: AbortSignal | undefined, proxy: string | undefined, timeoutMs: number, bodyTimeoutMs = timeoutMs) {
    const { body, headers: bodyHeaders } = encodeBody(request)
    const headers: Record<string, string> = {}
    if (this.options.userAgent) headers['user-agent'] = this.options.userAgent
    const given = request.headers
    for (const name in given) {
      const value = given[name]
      if (value !== undefined) headers[name.toLowerCase()] = value
    }
    for (const name in bodyHeaders) headers[name] = bodyHeaders[name]!
    return undiciRequest(request.url, {
      method: request.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body: body as never,
      signal,
      dispatcher: proxy ? this.proxyAgent(proxy) : this.dispatcher,
      // The attempt's limit applies to waiting for headers and to any silence in the body.
      headersTimeout: timeoutMs,
      bodyTimeout: bodyTimeoutMs,
    })
  }

  private proxyAgent(proxy: string): Dispatcher {
    let agent = this.proxies.get(proxy)
    if (!agent) {
      agent = new ProxyAgent({ uri: proxy })
      this.proxies.set(proxy, agent)
    }
    return agent
  }

  private failure(error: unknown, request: HttpRequest, signal: AbortSignal | undefined, timeoutMs: number): unknown {
    if (LLMKitError.isInstance(error)) return error
    if (signal?.aborted) return signal.reason ?? error
    const stage = request.stage ?? 'generate'
    const where = `${stage} request to ${safeUrl(request.url)}`
    const code = (error as { code?: string; cause?: { code?: string } }).code ?? (error as { cause?: { code?: string } }).cause?.code
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      const phase = code === 'UND_ERR_HEADERS_TIMEOUT' ? 'no answer' : 'the answer stalled'
      return new LLMKitError({ code: 'timeout', message: `${where}: ${phase} within ${timeoutMs} ms`, isRetryable: true, cause: error })
    }
    const detail = redactSecrets(error instanceof Error ? error.message : String(error), request.secrets)
    const isBadUrl = code === 'ERR_INVALID_URL' || error instanceof TypeError
    const wrapped = new LLMKitError({
      code: isBadUrl ? 'invalid_request' : 'network',
      message: redactSecrets(
        isBadUrl
          ? `${where} failed: the URL is not valid (${detail}); check the provider's base URL setting`
          : `${where} failed: ${detail}${code ? ` (${code})` : ''}. Check your network or proxy and try again`,
        request.secrets,
      ),
      isRetryable: !isBadUrl && !isAbortError(error),
      cause: error,
    })
    if (code && NOT_SENT_CODES.has(code)) notSent.add(wrapped)
    return wrapped
  }
}

function encodeBody(request: HttpRequest): { body?: string | Uint8Array | UndiciFormData; headers: Record<string, string> } {
  if (request.json !== undefined) return { body: JSON.stringify(request.json), headers: { 'content-type': 'application/json' } }
  if (request.form) {
    const params = new URLSearchParams()
    for (const [key, value] of Object.entries(request.form)) if (value !== undefined) params.append(key, String(value))
    return { body: params.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } }
  }
  if (request.multipart) {
    // undici's own FormData: Node's global one is not accepted by undici 7's request().
    const form = new UndiciFormData()
    for (const [key, value] of Object.entries(request.multipart)) {
      if (value === undefined) continue
      if (value instanceof Blob) form.append(key, value)
      else form.append(key, String(value))
    }
    return { body: form, headers: {} }
  }
  return { body: request.body, headers: {} }
}

type UndiciBody = AsyncIterable<unknown> & { destroy(): void; arrayBuffer(): Promise<ArrayBuffer> }

/** Reads a body of unknown or too-large declared length, stopping at the limit. */
async function readBody(body: UndiciBody, maxBytes: number, request: HttpRequest): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    const buffer = chunk as Buffer
    size += buffer.length
    if (size > maxBytes) {
      body.destroy()
      throw new LLMKitError({
        code: 'provider_error',
        message: `Response from ${safeUrl(request.url)} is larger than the ${maxBytes >= 1024 * 1024 ? `${Math.round(maxBytes / 1024 / 1024)} MiB` : `${maxBytes} byte`} limit; raise maxBytes if you expect images this large`,
        isRetryable: false,
      })
    }
    chunks.push(buffer)
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {}
  for (const name in headers) {
    const value = headers[name]
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return flat
}

function toResponse(url: string, status: number, rawHeaders: Record<string, string | string[] | undefined>, body: Buffer, request: HttpRequest): HttpResponse {
  const headers = flattenHeaders(rawHeaders)
  const requestId = REQUEST_ID_HEADERS.map((name) => headers[name]).find(Boolean)
  return {
    status,
    ok: status >= 200 && status < 300,
    url,
    headers,
    body,
    requestId,
    text: () => body.toString('utf8'),
    json<T>(): T {
      try {
        return JSON.parse(body.toString('utf8')) as T
      } catch (error) {
        throw new LLMKitError({
          code: 'provider_error',
          message: `${safeUrl(url)} answered ${status} with a body that is not JSON: ${excerpt(body.toString('utf8'), request.secrets, 200)}`,
          status,
          requestId,
          isRetryable: status >= 500,
          cause: error,
        })
      }
    },
  }
}

/** A URL without credentials or query string (either may carry secrets), for messages. */
export function safeUrl(url: string): string {
  const index = url.indexOf('?')
  const path = index === -1 ? url : url.slice(0, index)
  return path.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1')
}
