import { LLMKitError } from '../errors/llmkit-error'
import type { AbortSource, HttpRequest } from './http-types'

/**
 * What a failed attempt becomes: the abort reason, or an LLMKitError saying where and why (secrets removed;
 * made by ./transport-failure.ts, loaded with the first failure).
 */
export async function transportFailure(
  error: unknown,
  request: HttpRequest,
  signal: AbortSource | undefined,
  timeoutMs: number,
): Promise<unknown> {
  if (LLMKitError.isInstance(error)) return error
  if (signal?.aborted) return signal.reason ?? error
  return (await import('./transport-failure')).describeFailure(error, request, timeoutMs)
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
