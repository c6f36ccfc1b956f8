import { LLMKitError, isAbortError } from '../errors/llmkit-error'
import { redactSecrets } from '../errors/redact'
import { safeUrl } from './http-failure'
import type { HttpRequest } from './http-types'

/** Transport failures where the request cannot have reached the server. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
])

/** The LLMKitError for a transport failure that is neither an LLMKitError nor an abort: where and why. */
export function describeFailure(error: unknown, request: HttpRequest, timeoutMs: number): LLMKitError {
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
