import { AsyncLocalStorage } from 'node:async_hooks'
import {
  jobHandle,
  LLMKitError,
  parseRetryAfter,
  type HttpRequest,
  type HttpResponse,
  type ImageProvider,
  type LLMKitClient,
  type ProviderContext,
  type ProviderHttp,
} from '@llmkit/core'
import type { ItemLedger, PaidRequestKind } from './item-ledger'
import type { SharedRate } from './shared-rate'

/** What a worker's item run shares with the gated providers below it. */
export interface GateScope {
  itemId: string
  rate: SharedRate
  ledger: ItemLedger
  /** 429s answered to one submit before it fails (each pauses the provider for every worker). */
  maxRateLimitRetries: number
  /** The BullMQ job lock this run holds: paid requests are sent only while it is still ours. */
  lock?: { key: string; token: string }
}

const scopes = new AsyncLocalStorage<GateScope>()
const GATED = Symbol.for('llmkit.queue.gated')
/** Pause when a 429 names no Retry-After. */
const DEFAULT_PAUSE_MS = 1_000

/** Runs `work` as one item of a worker: paid requests below it go through the shared gate and the ledger. */
export function runGated<T>(scope: GateScope, work: () => Promise<T>): Promise<T> {
  return scopes.run(scope, work)
}

/**
 * Replaces each provider of the client by a gated copy. Outside `runGated`
 * the copies behave exactly like the originals.
 */
export function gateClient(client: LLMKitClient): void {
  for (const provider of client.providers) {
    if (!(provider as { [GATED]?: boolean })[GATED]) client.register(gateProvider(provider))
  }
}

function gateProvider(provider: ImageProvider): ImageProvider {
  const gated = Object.create(provider) as ImageProvider & { [GATED]: boolean }
  gated[GATED] = true
  const { start, generate } = provider
  if (start) {
    Object.assign(gated, {
      async start(call: Parameters<typeof start>[0], context: ProviderContext) {
        const scope = scopes.getStore()
        if (!scope) return start.call(provider, call, context)
        const paid = new PaidRequest(scope, provider.id, 'submitting')
        try {
          const submittedAt = context.clock.now()
          const started = await start.call(provider, call, paid.wrap(context))
          // Before anything else (no poll yet): the handle, so a worker that picks the item up resumes it. It is
          // the handle core builds from the same answer (core takes the submit time just before this `start`).
          const job = jobHandle(provider.id, call, started, submittedAt)
          await scope.ledger.recordHandle(scope.itemId, job, paid.isCounted)
          return started
        } catch (error) {
          await paid.settle(error)
          throw error
        }
      },
    })
  }
  if (generate) {
    Object.assign(gated, {
      async generate(call: Parameters<typeof generate>[0], context: ProviderContext) {
        const scope = scopes.getStore()
        if (!scope) return generate.call(provider, call, context)
        const paid = new PaidRequest(scope, provider.id, 'syncRequests')
        try {
          const result = await generate.call(provider, call, paid.wrap(context))
          await paid.settle(undefined)
          return result
        } catch (error) {
          await paid.settle(error)
          throw error
        }
      },
    })
  }
  return gated
}

/** One provider call's paid requests (the submit, or the synchronous request): permit, ledger entry, shared 429 pauses. */
class PaidRequest {
  isCounted = false

  constructor(
    private readonly scope: GateScope,
    private readonly provider: string,
    private readonly kind: PaidRequestKind,
  ) {}

  /** The provider's context with an http that gates paid stages. */
  wrap(context: ProviderContext): ProviderContext {
    const http: ProviderHttp = {
      send: (request) => (isPaidStage(request) ? this.send(context, request) : context.http.send(request)),
      stream: (request) => context.http.stream(request),
    }
    return Object.create(context, { http: { value: http } }) as ProviderContext
  }

  /** After the call: an answer that created nothing (or success of a synchronous call) lowers the counter again. */
  async settle(error: unknown): Promise<void> {
    if (!this.isCounted) return
    const answered = error === undefined || (LLMKitError.isInstance(error) && (error.status ?? 0) >= 400)
    if (answered) await this.scope.ledger.end(this.scope.itemId, this.kind)
  }

  private async send(context: ProviderContext, request: HttpRequest): Promise<HttpResponse> {
    const { scope, provider } = this
    const original = request.shouldRetry
    // 429s come back here instead of being retried inside core, so every attempt takes a permit and pauses the others.
    const gatedRequest: HttpRequest = {
      ...request,
      shouldRetry: (response) => response.status !== 429 && (original?.(response) ?? true),
    }
    for (let attempt = 0; ; attempt++) {
      const permit = await scope.rate.acquire(provider, context.signal)
      if (!this.isCounted) {
        await scope.ledger.begin(scope.itemId, this.kind, scope.lock)
        this.isCounted = true
      }
      let response: HttpResponse
      try {
        response = await context.http.send(gatedRequest)
      } finally {
        await scope.rate.finish(provider, permit)
      }
      if (response.status !== 429) return response
      await scope.rate.pause(provider, parseRetryAfter(response.headers) ?? DEFAULT_PAUSE_MS)
      if (attempt >= scope.maxRateLimitRetries) return response
    }
  }
}

function isPaidStage(request: HttpRequest): boolean {
  const stage = request.stage ?? 'generate'
  return stage === 'submit' || stage === 'generate'
}
