import { LLMKitError } from '../errors/llmkit-error'
import type { HttpClient } from '../http/http-client'
import {
  STAGE_TIMEOUT_MS,
  type HttpRequest,
  type HttpResponse,
  type HttpStage,
  type HttpStreamResponse,
} from '../http/http-types'
import type { ProviderHttp } from '../http/http-types'
import {
  backoffDelay,
  isRetryableError,
  isRetryableStatus,
  parseRetryAfter,
  retriesFor,
  type RetryOptions,
} from '../retry/retry-policy'
import type { CallScope } from './call-scope'

/** Binds the shared client to one call: the call's signal and deadline, and retries per stage. */
export class BoundHttp implements ProviderHttp {
  /** Origins of this call's API requests (not downloads): image downloads from their hosts are trusted. */
  private readonly apiOrigins: string[] = []

  constructor(
    private readonly client: HttpClient,
    private readonly scope: CallScope,
    private readonly retry: Required<RetryOptions>,
    /** Proxy for this call's requests. */
    private readonly proxy: string | undefined,
  ) {}

  async send(request: HttpRequest): Promise<HttpResponse> {
    const { client, scope, retry } = this
    const stage = request.stage ?? 'generate'
    const proxy = request.proxy ?? this.proxy
    const signal = scope
    const budget = retriesFor(stage, retry)
    if (stage !== 'download') this.addOrigin(request.url)
    for (let attempt = 0; ; attempt++) {
      const canRetry = attempt < budget
      try {
        const response = await client.send(request, { signal, proxy, timeoutMs: this.timeLimit(request, stage) })
        if (
          response.ok ||
          !canRetry ||
          !isRetryableStatus(response.status, stage) ||
          request.shouldRetry?.(response) === false
        )
          return response
        const delay = backoffDelay(attempt + 1, retry, parseRetryAfter(response.headers, scope.clock.now()))
        if (!(await this.waitFor(delay))) return response
      } catch (error) {
        if (signal.aborted) throw signal.reason
        if (!canRetry || !isRetryableError(error, stage)) throw error
        const delay = backoffDelay(attempt + 1, retry, LLMKitError.isInstance(error) ? error.retryAfterMs : undefined)
        if (!(await this.waitFor(delay))) throw error
      }
    }
  }

  stream(request: HttpRequest): Promise<HttpStreamResponse> {
    this.addOrigin(request.url)
    return this.client.stream(request, {
      signal: this.scope.signal,
      proxy: request.proxy ?? this.proxy,
      timeoutMs: this.timeLimit(request, request.stage ?? 'status'),
    })
  }

  /** Host names (as WHATWG URL spells them) this call's API requests went to. */
  apiHosts(): string[] {
    const hosts: string[] = []
    for (const origin of this.apiOrigins) {
      try {
        hosts.push(new URL(origin).hostname)
      } catch {
        // Not a URL: the request itself failed on it.
      }
    }
    return hosts
  }

  private addOrigin(url: string): void {
    const origin = originOf(url)
    if (!this.apiOrigins.includes(origin)) this.apiOrigins.push(origin)
  }

  /** The attempt's limit: the stage's, cut to what is left before the deadline (past it, the call's timeout). */
  private timeLimit(request: HttpRequest, stage: HttpStage): number {
    this.scope.throwIfOver()
    return Math.min(request.timeoutMs ?? STAGE_TIMEOUT_MS[stage], this.scope.deadline - this.scope.clock.now())
  }

  /** Waits before a retry; false when the deadline would pass first. */
  private async waitFor(delay: number): Promise<boolean> {
    const { clock, deadline, signal } = this.scope
    if (clock.now() + delay >= deadline) return false
    await clock.sleep(delay, signal)
    return true
  }
}

/** `scheme://authority` of a URL, without parsing it (this runs on every request). */
function originOf(url: string): string {
  const start = url.indexOf('//') + 2
  const end = url.slice(start).search(/[/?#]/)
  return end === -1 ? url : url.slice(0, start + end)
}
