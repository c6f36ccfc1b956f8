import { redactSecrets } from './redact'
const MARKER = Symbol.for('llmkit.error')

/** The closed set of failure kinds. Branch on `error.code`, never on the message. */
export type LLMKitErrorCode =
  | 'invalid_request'
  | 'authentication'
  | 'rate_limited'
  | 'quota_exceeded'
  | 'content_policy'
  | 'timeout'
  /** A job was cancelled upstream by something else (another client, a dashboard). The caller's own abort rethrows its AbortError instead. */
  | 'aborted'
  | 'provider_error'
  | 'network'
  | 'no_image'
  | 'unknown_model'

/** Everything an {@link LLMKitError} can carry besides its code and message. */
export interface LLMKitErrorOptions {
  code: LLMKitErrorCode
  message: string
  /** Provider id (`openai`, `fal`, …) when the failure came from one. */
  provider?: string
  /** Model id the request was for. */
  model?: string
  /** HTTP status of the provider's answer. */
  status?: number
  /** The provider's request id, for support tickets. */
  requestId?: string
  /** A short excerpt of the provider's response body, secrets removed. */
  body?: string
  /** Whether the same request may succeed if sent again later. Defaults by code. */
  isRetryable?: boolean
  /** How long the provider asked us to wait before retrying. */
  retryAfterMs?: number
  /** A job handle, when the failure left a paid job that can still be resumed. */
  job?: unknown
  /** True when the request cannot have reached the server (refused, no DNS): safe to send again, even a paid submit. */
  notSent?: boolean
  cause?: unknown
  /** Values to remove from the cause chain (API keys, tokens); never stored. Credential-shaped text is removed anyway. */
  secrets?: readonly (string | undefined)[]
}

const RETRYABLE_BY_DEFAULT: ReadonlySet<LLMKitErrorCode> = new Set(['rate_limited', 'network'])

/**
 * The one error type llmkit throws (apart from the platform's `AbortError` on abort).
 * Messages are written for a person and never contain an API key or token.
 */
export class LLMKitError extends Error {
  readonly [MARKER] = true
  // Declared, not defined: the constructor assigns each field, in this order (a smaller build, the same object).
  declare readonly code: LLMKitErrorCode
  declare readonly provider?: string
  declare readonly model?: string
  declare readonly status?: number
  declare readonly requestId?: string
  declare readonly body?: string
  declare readonly isRetryable: boolean
  declare readonly retryAfterMs?: number
  declare readonly job?: unknown
  /** True when the request cannot have reached the server (refused, no DNS): safe to send again, even a paid submit. */
  declare readonly notSent: boolean

  constructor(options: LLMKitErrorOptions) {
    super(
      options.message,
      options.cause === undefined ? undefined : { cause: scrubCause(options.cause, options.secrets) },
    )
    this.code = options.code
    this.provider = options.provider
    this.model = options.model
    this.status = options.status
    this.requestId = options.requestId
    this.body = options.body
    this.isRetryable = options.isRetryable ?? RETRYABLE_BY_DEFAULT.has(options.code)
    this.retryAfterMs = options.retryAfterMs
    this.job = options.job
    this.notSent = options.notSent ?? false
    this.name = 'LLMKitError'
  }

  /** True for any llmkit error, even one made by another copy of this package. */
  static isInstance(value: unknown): value is LLMKitError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true
  }

  /** A plain object for logs and `--json` output (no stack, no cause). */
  toJSON(): Record<string, unknown> {
    const { code, message, provider, model, status, requestId, isRetryable, retryAfterMs } = this
    return { name: this.name, code, message, provider, model, status, requestId, isRetryable, retryAfterMs }
  }
}

/** Properties of a platform error that never hold a secret; everything else (undici's `input`, a URL) is dropped. */
const SAFE_KEYS = new Set(['code', 'errno', 'syscall', 'name', 'status', 'statusCode'])
const MAX_CAUSE_DEPTH = 6

/**
 * The cause as it may be shown (`console.error(error)`, `util.inspect`): kept
 * as is when nothing in its chain could hold a secret, else a copy with
 * messages and stacks redacted and every property but a few known-safe ones
 * (code, errno, syscall) left out. Node's `TypeError: Invalid URL` carries the
 * whole URL, query key included, in `input`; a proxy error, its password.
 */
function scrubCause(cause: unknown, secrets: readonly (string | undefined)[] = [], depth = 0): unknown {
  if (typeof cause === 'string') return redactSecrets(cause, secrets)
  if (typeof cause !== 'object' || cause === null || LLMKitError.isInstance(cause)) return cause
  if (depth >= MAX_CAUSE_DEPTH) return undefined
  const source = cause as Error & Record<string, unknown>
  const message = typeof source.message === 'string' ? source.message : ''
  const inner = 'cause' in source ? scrubCause(source.cause, secrets, depth + 1) : undefined
  const isClean =
    source instanceof Error &&
    Object.keys(source).every((key) => SAFE_KEYS.has(key)) &&
    redactSecrets(message, secrets) === message &&
    redactSecrets(source.stack ?? '', secrets) === (source.stack ?? '') &&
    inner === source.cause
  if (isClean) return cause
  const copy = new Error(redactSecrets(message, secrets), inner === undefined ? undefined : { cause: inner })
  copy.name = typeof source.name === 'string' ? source.name : 'Error'
  copy.stack = redactSecrets(source.stack ?? `${copy.name}: ${copy.message}`, secrets)
  for (const key of SAFE_KEYS) {
    const value = source[key]
    if (key !== 'name' && (typeof value === 'string' || typeof value === 'number'))
      (copy as unknown as Record<string, unknown>)[key] =
        typeof value === 'string' ? redactSecrets(value, secrets) : value
  }
  return copy
}

/** Shorthand for the most common error: bad input caught before any network call. */
export function invalidRequest(message: string, extra: Partial<LLMKitErrorOptions> = {}): LLMKitError {
  return new LLMKitError({ ...extra, code: 'invalid_request', message })
}

/** True when `error` is the platform's abort error (or undici's equivalent). */
export function isAbortError(error: unknown): boolean {
  return (
    error instanceof Error && (error.name === 'AbortError' || (error as { code?: string }).code === 'UND_ERR_ABORTED')
  )
}
