import { LLMKitError, redactSecrets, type LLMKitErrorCode } from '@llmkit/core'

/** OpenAI's error envelope, which every OpenAI client parses. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; code: string | null; param: string | null }
}

/** An error answer: status, envelope and, for 429, how long to wait. */
export interface GatewayErrorAnswer {
  status: number
  body: OpenAIErrorBody
  retryAfterSeconds?: number
}

/**
 * An error the gateway itself raises (auth, limits, not found), already in
 * OpenAI's terms. Thrown from handlers and turned into the envelope in one place.
 */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string | null,
    message: string,
    readonly param: string | null = null,
    readonly retryAfterSeconds?: number,
  ) {
    super(message)
    this.name = 'GatewayError'
  }
}

/** A 400 for a body that fails its schema: the first issue, with its path as `param`. */
export function invalidBody(issues: readonly { path: readonly PropertyKey[]; message: string }[]): GatewayError {
  const issue = issues[0]
  const param = issue?.path.join('.') || null
  return new GatewayError(
    400,
    'invalid_request_error',
    'invalid_request',
    `${param ? `${param}: ` : ''}${issue?.message ?? 'invalid request'}`,
    param,
  )
}

interface Mapping {
  status: number
  type: string
  code: string
}

// A provider refusing the gateway's own credentials is the operator's problem, not the caller's
// key: 502, so an OpenAI client does not report "your API key is wrong".
const BY_CODE: Record<LLMKitErrorCode, Mapping> = {
  invalid_request: { status: 400, type: 'invalid_request_error', code: 'invalid_request' },
  unknown_model: { status: 404, type: 'invalid_request_error', code: 'model_not_found' },
  content_policy: { status: 400, type: 'invalid_request_error', code: 'content_policy_violation' },
  rate_limited: { status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded' },
  quota_exceeded: { status: 429, type: 'insufficient_quota', code: 'insufficient_quota' },
  authentication: { status: 502, type: 'upstream_error', code: 'upstream_authentication' },
  timeout: { status: 504, type: 'upstream_error', code: 'upstream_timeout' },
  aborted: { status: 502, type: 'upstream_error', code: 'upstream_cancelled' },
  provider_error: { status: 502, type: 'upstream_error', code: 'upstream_error' },
  network: { status: 502, type: 'upstream_error', code: 'upstream_unreachable' },
  no_image: { status: 502, type: 'upstream_error', code: 'no_image' },
}

const DEFAULT_RETRY_AFTER_SECONDS = { rate_limited: 1, quota_exceeded: 60 } as const

/** Status, envelope and Retry-After for any failure; unknown errors become a bare 500 (logged, never echoed). */
export function toErrorAnswer(error: unknown, secrets: readonly string[] = []): GatewayErrorAnswer {
  if (error instanceof GatewayError) {
    return {
      status: error.status,
      body: envelope(redactSecrets(error.message, secrets), error.type, error.code, error.param),
      retryAfterSeconds: error.retryAfterSeconds,
    }
  }
  if (error instanceof DOMException && error.name === 'AbortError') {
    // The client hung up (the gateway's only abort): nobody reads this answer; the log line shows it as nginx's 499.
    return {
      status: 499,
      body: envelope('The client closed the connection', 'invalid_request_error', 'client_closed_request', null),
    }
  }
  if (LLMKitError.isInstance(error)) {
    const mapping = BY_CODE[error.code] ?? BY_CODE.provider_error
    // A provider that says it is unavailable (503) is passed on as such, so load balancers back off.
    const status = error.code === 'provider_error' && error.status === 503 ? 503 : mapping.status
    const answer: GatewayErrorAnswer = {
      status,
      body: envelope(redactSecrets(error.message, secrets), mapping.type, mapping.code, null),
    }
    if (status === 429) {
      const fallback = DEFAULT_RETRY_AFTER_SECONDS[error.code as keyof typeof DEFAULT_RETRY_AFTER_SECONDS] ?? 1
      answer.retryAfterSeconds =
        error.retryAfterMs !== undefined ? Math.max(1, Math.ceil(error.retryAfterMs / 1000)) : fallback
    }
    return answer
  }
  return {
    status: 500,
    body: envelope(
      'The gateway failed unexpectedly; the request id identifies it in the logs',
      'server_error',
      'internal_error',
      null,
    ),
  }
}

function envelope(message: string, type: string, code: string | null, param: string | null): OpenAIErrorBody {
  return { error: { message, type, code, param } }
}
