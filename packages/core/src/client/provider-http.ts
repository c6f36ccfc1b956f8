import { LLMKitError } from '../errors/llmkit-error'
import type { HttpClient } from '../http/http-client'
import {
  STAGE_TIMEOUT_MS,
  type HttpRequest,
  type HttpResponse,
  type HttpStage,
  type HttpStreamResponse,
  type ProviderHttp,
} from '../http/http-types'
import {
  backoffDelay,
  isRetryableError,
  isRetryableStatus,
  parseRetryAfter,
  retriesFor,
  type RetryOptions,
} from '../retry/retry-policy'
import type { CallScope } from './call-scope'

/** Binds the shared client to one call (its scope: deadline and abort): retries per stage. */
export class BoundHttp implements ProviderHttp {
  /** Origins of this call's API requests (not downloads): image downloads from their hosts are trusted. */
  private readonly apiOrigins = new Set<string>()

  constructor(
    private readonly client: HttpClient,
    private readonly scope: CallScope,
    private readonly retry: Required<RetryOptions>,
    /** Proxy for this call's requests. */
    private readonly proxy: string | undefined,
  ) {}

  async send(request: HttpRequest): Promise<HttpResponse> {
    const { client, scope, retry } = this
    const clock = scope.clock
    const stage = request.stage ?? 'generate'
    const proxy = request.proxy ?? this.proxy
    if (stage !== 'download') this.apiOrigins.add(originOf(request.url))
    const budget = retriesFor(stage, retry)
    for (let attempt = 0; ; attempt++) {
      const canRetry = attempt < budget
      // Sends are bounded by their own time limits, so they do not force the call's signal into being.
      const signal = scope.existingSignal
      try {
        const response = await client.send(request, { signal, proxy, timeoutMs: this.remaining(request, stage) })
        if (
          response.ok ||
          !canRetry ||
          !isRetryableStatus(response.status, stage) ||
          request.shouldRetry?.(response) === false
        )
          return response
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
    this.apiOrigins.add(originOf(request.url))
    // Streams have no time limit of their own once open, so they always get the call's signal.
    return this.client.stream({
      ...request,
      signal: this.scope.signal,
      proxy: request.proxy ?? this.proxy,
      timeoutMs: this.remaining(request, request.stage ?? 'status'),
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

  private remaining(request: HttpRequest, stage: HttpStage): number {
    const left = this.scope.deadline - this.scope.clock.now()
    if (left <= 0) throw deadlineError(request)
    return Math.min(request.timeoutMs ?? STAGE_TIMEOUT_MS[stage], left)
  }

  private async waitFor(delay: number, signal: AbortSignal | undefined): Promise<boolean> {
    const { clock, deadline } = this.scope
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

function deadlineError(request: HttpRequest): LLMKitError {
  return new LLMKitError({
    code: 'timeout',
    message: `The deadline passed before the ${request.stage ?? 'generate'} request could be sent; raise timeoutMs`,
  })
}
