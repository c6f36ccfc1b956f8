import { LLMKitError } from '../errors/llmkit-error'
import { safeParseWith, type ZodSchema } from '../util/zod-schema'

/** Whose answer {@link parseResponse} reads, for the error it throws. */
export interface AnswerSource {
  readonly provider: string
  readonly model: string
  /** What was read, for the message. Default `response shape`. */
  readonly what?: string
  /** Appended to the message (`the unofficial API may have changed`). */
  readonly hint?: string
}

/**
 * A hand-written check, for an answer read on every call (where a zod parse costs a few
 * microseconds): undefined when `value` is a `T`, else the first problem
 * (`data.0.url: expected string, received number`).
 */
export type AnswerCheck<T> = (value: unknown) => string | undefined

/**
 * Parses a provider's answer with a zod schema (or an {@link AnswerCheck}), or throws `provider_error`
 * (`<provider>: unexpected <what>: <first issue>`) with the answer's status and
 * request id. The answer is an `HttpResponse` (its JSON body is read) or anything
 * with `json()`, such as an event of a status stream.
 */
export function parseResponse<T>(
  schema: ZodSchema<T> | AnswerCheck<T>,
  response: { json(): unknown; readonly status?: number; readonly requestId?: string },
  source: AnswerSource,
): T {
  const value = response.json()
  let detail: string | undefined
  if (typeof schema === 'function') {
    detail = schema(value)
    if (detail === undefined) return value as T
  } else {
    const parsed = safeParseWith(schema, value)
    if (parsed.success) return parsed.data
    const issue = parsed.error.issues[0]
    detail = issue ? `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}` : 'not valid'
  }
  throw new LLMKitError({
    code: 'provider_error',
    provider: source.provider,
    model: source.model,
    status: response.status,
    requestId: response.requestId,
    message: `${source.provider}: unexpected ${source.what ?? 'response shape'}: ${detail}${source.hint ? `; ${source.hint}` : ''}`,
  })
}
