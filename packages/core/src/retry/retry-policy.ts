import { LLMKitError } from '../errors/llmkit-error'
import type { HttpStage } from '../http/http-types'

/**
 * How core retries failed HTTP attempts, per stage. Defaults: `generate`, `submit`, `download`, `cancel`
 * and `auth` retry twice (`maxRetries`); `status` polls, free and safe to repeat, retry until the call's
 * deadline. `stages` overrides any of them: `{ stages: { status: 5, download: 4 } }`.
 */
export interface RetryOptions {
  /** Retries after the first attempt, for every stage without its own budget. Default 2 (three attempts in all). */
  maxRetries?: number
  /** First backoff; doubles each time, with jitter. Default 500 ms. */
  initialDelayMs?: number
  /** Longest single wait, including a provider's Retry-After. Default 30 000 ms. */
  maxDelayMs?: number
  /** Retries per stage, overriding `maxRetries`; `Infinity` retries until the deadline. */
  stages?: Partial<Record<HttpStage, number>>
}

export const DEFAULT_RETRY: Required<RetryOptions> = {
  maxRetries: 2,
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  stages: {},
}

/**
 * Stage budgets that differ from `maxRetries` by default: a status poll repeats until the deadline,
 * since a paid job is running and asking where it stands costs nothing.
 */
export const DEFAULT_STAGE_RETRIES: Readonly<Partial<Record<HttpStage, number>>> = { status: Infinity }

/** Retries allowed at a stage under these options. */
export function retriesFor(stage: HttpStage, options: Required<RetryOptions>): number {
  return options.stages[stage] ?? DEFAULT_STAGE_RETRIES[stage] ?? options.maxRetries
}

/** Statuses worth sending again at stages where repeating is harmless. */
const RETRYABLE_STATUSES = new Set([408, 409, 425, 429, 500, 502, 503, 504, 520, 522, 524, 529])

/**
 * Whether an HTTP status may be retried at a stage. A submit that starts a
 * paid job is repeated only when no job can have been created (429, 503).
 */
export function isRetryableStatus(status: number, stage: HttpStage): boolean {
  if (stage === 'submit') return status === 429 || status === 503
  return RETRYABLE_STATUSES.has(status)
}

/** Whether a transport error may be retried at a stage. */
export function isRetryableError(error: unknown, stage: HttpStage): boolean {
  if (!LLMKitError.isInstance(error) || !error.isRetryable) return false
  if (stage === 'submit') return error.notSent
  return error.code === 'network' || error.code === 'timeout'
}

/** Reads `retry-after-ms` or `Retry-After` (seconds or an HTTP date). */
export function parseRetryAfter(headers: Readonly<Record<string, string>>, now = Date.now()): number | undefined {
  const ms = Number(headers['retry-after-ms'])
  if (headers['retry-after-ms'] !== undefined && Number.isFinite(ms) && ms >= 0) return ms
  const value = headers['retry-after']
  if (value === undefined) return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** Backoff before retry number `attempt` (1-based): exponential with full jitter, or the provider's hint. */
export function backoffDelay(
  attempt: number,
  options: Required<RetryOptions>,
  retryAfterMs?: number,
  random = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, options.maxDelayMs)
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (attempt - 1))
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}
