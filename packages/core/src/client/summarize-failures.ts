import { LLMKitError } from '../errors/llmkit-error'
import type { CallFailure } from '../response/image-generation-response'

/** The error to throw when every one of several calls failed: a summary carrying the first's code. */
export function summarizeFailures(failures: readonly CallFailure[], callCount: number): LLMKitError {
  const first = failures[0]!.error
  const distinct = [...new Set(failures.map((failure) => failure.error.message))]
  return new LLMKitError({
    code: first.code,
    provider: first.provider,
    model: first.model,
    status: first.status,
    requestId: first.requestId,
    isRetryable: failures.every((failure) => failure.error.isRetryable),
    retryAfterMs: first.retryAfterMs,
    job: failures.find((failure) => failure.error.job !== undefined)?.error.job,
    cause: first,
    message: `All ${callCount} calls failed: ${distinct.slice(0, 3).join(' | ')}`,
  })
}
