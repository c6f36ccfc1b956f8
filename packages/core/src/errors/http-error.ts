import type { HttpResponse } from '../http/http-types'
import { parseRetryAfter } from '../retry/retry-policy'
import { LLMKitError, type LLMKitErrorCode } from './llmkit-error'
import { excerpt, redactSecrets } from './redact'

/** What a provider knows about a failed response. */
export interface ResponseErrorInput {
  provider: string
  model?: string
  response: HttpResponse
  /** The provider's own message, read from its error body. */
  message?: string
  /** Overrides the code the status implies (content_policy, quota_exceeded, …). */
  code?: LLMKitErrorCode
  /** Keys and tokens to keep out of the message. */
  secrets?: readonly (string | undefined)[]
  /** What the user should do, when the provider knows better than the default. */
  advice?: string
}

/** Maps an HTTP status to the error code it usually means. */
export function codeForStatus(status: number): LLMKitErrorCode {
  if (status === 401 || status === 403) return 'authentication'
  if (status === 402) return 'quota_exceeded'
  if (status === 408 || status === 504) return 'timeout'
  if (status === 429) return 'rate_limited'
  if (status >= 500) return 'provider_error'
  return 'invalid_request'
}

const ADVICE: Partial<Record<LLMKitErrorCode, string>> = {
  authentication: 'check the API key',
  quota_exceeded: 'your quota or credit is used up; check billing with the provider',
  rate_limited: 'rate limit reached; wait and try again, or lower the concurrency',
  content_policy: 'the provider refused this prompt or image under its content policy; rephrase the prompt',
  provider_error: 'the provider failed; try again later',
  timeout: 'the provider took too long; try again later',
}

/**
 * Turns a provider's failed HTTP response into an {@link LLMKitError}:
 * `fal: 422 image_size.width must be at most 2048`.
 */
export function errorFromResponse(input: ResponseErrorInput): LLMKitError {
  const { provider, model, response, secrets = [] } = input
  const code = input.code ?? codeForStatus(response.status)
  const retryAfterMs = parseRetryAfter(response.headers)
  const detail = redactSecrets(
    input.message?.trim() || excerpt(response.text(), secrets, 300) || 'no details given',
    secrets,
  )
  const advice = input.advice ?? ADVICE[code]
  const wait =
    code === 'rate_limited' && retryAfterMs !== undefined ? ` (retry after ${Math.ceil(retryAfterMs / 1000)} s)` : ''
  return new LLMKitError({
    code,
    message: `${provider}: ${response.status} ${detail}${advice && !detail.toLowerCase().includes(advice) ? ` — ${advice}` : ''}${wait}`,
    provider,
    model,
    status: response.status,
    requestId: response.requestId,
    body: excerpt(response.text(), secrets),
    isRetryable: code === 'rate_limited' || response.status >= 500,
    retryAfterMs,
  })
}
