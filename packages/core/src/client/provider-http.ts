import { LLMKitError } from '../errors/llmkit-error'
import type { HttpClient } from '../http/http-client'
import type { HttpRequest, HttpResponse, HttpStage, HttpStreamResponse } from '../http/http-types'
import { backoffDelay, isRetryableError, isRetryableStatus, parseRetryAfter, type RetryOptions } from '../retry/retry-policy'
import type { Clock } from '../util/clock'

/** The HTTP client a provider sees: it retries per stage and respects the call's deadline and abort. */
export interface ProviderHttp {
  /** Sends with retries; returns the last response, successful or not (map errors with `errorFromResponse`). */
  send(request: HttpRequest): Promise<HttpResponse>
  /** Opens a streaming response (no retries: the caller falls back to polling). Headers must arrive within the stage's limit. */
  stream(request: HttpRequest): Promise<HttpStreamResponse>
}

/** Time limit for one attempt, by stage, before the deadline shortens it. */
export const STAGE_TIMEOUT_MS: Readonly<Record<HttpStage, number>> = {
  generate: 180_000,
  submit: 60_000,
  status: 30_000,
  download: 120_000,
  cancel: 10_000,
  auth: 30_000,
}

export interface ProviderHttpOptions {
  client: HttpClient
  clock: Clock
  /** The call's signal if it exists yet, read at each send (sends are bounded by their own time limits). */
  signal: () => AbortSignal | undefined
  /** The call's signal, made if needed: streams have no time limit of their own, so they always get one. */
  requireSignal: () => AbortSignal
  deadline: number
  retry: Required<RetryOptions>
  /** Proxy for this call's requests. */
  proxy?: string
}

/** Binds the shared client to one call: retries per stage, deadline, abort. */
export function createProviderHttp(options: ProviderHttpOptions): ProviderHttp {
  return new BoundHttp(options)
}

class BoundHttp implements ProviderHttp {
  constructor(private readonly options: ProviderHttpOptions) {}

  async send(request: HttpRequest): Promise<HttpResponse> {
    const { client, clock, retry } = this.options
    const stage = request.stage ?? 'generate'
    const proxy = request.proxy ?? this.options.proxy
    for (let attempt = 0; ; attempt++) {
      const canRetry = attempt < retry.maxRetries
      const signal = this.options.signal()
      try {
        const response = await client.send(request, { signal, proxy, timeoutMs: this.remaining(request, stage) })
        if (response.ok || !canRetry || !isRetryableStatus(response.status, stage) || request.shouldRetry?.(response) === false) return response
        const delay = backoffDelay(attempt + 1, retry, parseRetryAfter(response.headers, clock.now()))
        if (!(await this.waitFor(delay, signal))) return response
      } catch (error) {
        if (signal?.aborted) throw signal.reason
        if (!canRetry || !isRetryableError(error, stage)) throw error
        const delay = backoffDelay(attempt + 1, retry, LLMKitError.isInstance(error) ? error.retryAfterMs : undefined)
        if (!(await this.waitFor(delay, signal))) throw error
      }
    }
  }

  stream(request: HttpRequest): Promise<HttpStreamResponse> {
    const { client, proxy } = this.options
    return client.stream({ ...request, signal: this.options.requireSignal(), proxy: request.proxy ?? proxy, timeoutMs: this.remaining(request, request.stage ?? 'status') })
  }

  private remaining(request: HttpRequest, stage: HttpStage): number {
    const left = this.options.deadline - this.options.clock.now()
    if (left <= 0) throw deadlineError(request)
    return Math.min(request.timeoutMs ?? STAGE_TIMEOUT_MS[stage], left)
  }

  private async waitFor(delay: number, signal: AbortSignal | undefined): Promise<boolean> {
    if (this.options.clock.now() + delay >= this.options.deadline) return false
    await this.options.clock.sleep(delay, signal)
    return true
  }
}

function deadlineError(request: HttpRequest): LLMKitError {
  return new LLMKitError({ code: 'timeout', message: `The deadline passed before the ${request.stage ?? 'generate'} request could be sent; raise timeoutMs` })
}
