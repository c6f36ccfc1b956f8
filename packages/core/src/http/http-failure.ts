import { LLMKitError, isAbortError } from '../errors/llmkit-error'
import { redactSecrets } from '../errors/redact'
import type { AbortSource, HttpRequest } from './http-types'

/** Transport failures where the request cannot have reached the server. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
])

/** What a failed attempt becomes: the abort reason, or an LLMKitError saying where and why (secrets removed). */
export function transportFailure(
  error: unknown,
  request: HttpRequest,
  signal: AbortSource | undefined,
  timeoutMs: number,
): unknown {
  if (LLMKitError.isInstance(error)) return error
  if (signal?.aborted) return signal.reason ?? error
  const stage = request.stage ?? 'generate'
  const where = `${stage} request to ${safeUrl(request.url)}`
  const code =
    (error as { code?: string; cause?: { code?: string } }).code ?? (error as { cause?: { code?: string } }).cause?.code
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

export function tooLargeError(request: HttpRequest, maxBytes: number): LLMKitError {
  return new LLMKitError({
    code: 'provider_error',
    message: `Response from ${safeUrl(request.url)} is larger than the ${maxBytes >= 1024 * 1024 ? `${Math.round(maxBytes / 1024 / 1024)} MiB` : `${maxBytes} byte`} limit; raise maxBytes if you expect images this large`,
    isRetryable: false,
  })
}

/** A URL without credentials or query string (either may carry secrets), for messages. */
export function safeUrl(url: string): string {
  const index = url.indexOf('?')
  const path = index === -1 ? url : url.slice(0, index)
  return path.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1')
}

/** A proxy agent, or an `invalid_request` that names no part of the proxy URL (it may hold a password). */
export function proxyOrError<T>(make: () => T): T {
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
