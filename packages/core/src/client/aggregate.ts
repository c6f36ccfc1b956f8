import { LLMKitError } from '../errors/llmkit-error'
import type { GenerateResult, ImageJob, JobStatus } from '../provider/image-provider'
import type { Emit } from './call-context'
import type { CallFailure } from '../response/image-generation-response'

/** What one call produced. */
export interface CallOutcome extends GenerateResult {
  readonly job?: ImageJob
}

/** The error to throw when every call failed: the only one, or a summary carrying the first's code. */
export function summarizeFailures(failures: readonly CallFailure[], callCount: number): LLMKitError {
  const first = failures[0]!.error
  if (callCount === 1) return first
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

/** The same error carrying the job handle, so a caller can resume a job that may still be running (or paid for). */
export function withJob(error: unknown, job: ImageJob | undefined): unknown {
  if (!job || !LLMKitError.isInstance(error) || error.job !== undefined) return error
  const { code, message, provider, model, status, requestId, body, isRetryable, retryAfterMs } = error
  return new LLMKitError({
    code,
    message,
    provider,
    model,
    status,
    requestId,
    body,
    isRetryable,
    retryAfterMs,
    job,
    cause: error.cause,
  })
}

export function reportStatus(status: JobStatus, callIndex: number, emit: Emit | undefined): void {
  if (!emit || status.state !== 'pending') return
  if (status.phase === 'queued') emit({ type: 'queued', callIndex, position: status.position, message: status.message })
  else emit({ type: 'running', callIndex, progress: status.progress, message: status.message })
}

export function mergeUsage(outcomes: readonly CallOutcome[]): Record<string, number> | undefined {
  const usage: Record<string, number> = {}
  for (const outcome of outcomes)
    for (const [key, value] of Object.entries(outcome.usage ?? {})) usage[key] = (usage[key] ?? 0) + value
  return Object.keys(usage).length > 0 ? usage : undefined
}
