import { HttpClient } from '../http/http-client'
import { BoundHttp } from '../call/bound-http'
import { CallContext, type CallOutcome, type Emit } from '../call/call-context'
import { CallScope } from '../call/call-scope'
import { progressStream } from '../call/progress-stream'
import { finishImages } from '../call/finish-images'
import type { ImageProgressEvent } from '../call/progress-event'
import type { JobLifecycle } from '../poll/job-lifecycle'
import type { ImageJob } from '../provider/image-job'
import type { ImageCall, ImageProvider } from '../provider/image-provider'
import { ImageGenerationRequest } from '../request/image-generation-request'
import type { ImageGenerationResponse } from '../response/image-generation-response'
import { DEFAULT_RETRY, type RetryOptions } from '../retry/retry-policy'
import { systemClock, type Clock } from '../util/clock'
import { mapBounded } from '../util/map-bounded'
import {
  emitWarningOnce,
  optionsFromEnv,
  type FromEnvOptions,
  type GenerateOptions,
  type LLMKitClientOptions,
} from './client-options'
import { ModelRegistry, type ModelListing } from './model-registry'
import { planCalls } from './plan-calls'
import { respond } from './respond'

const DEFAULT_TIMEOUT_MS = 300_000

/**
 * The client: register providers, then `generateImage(request)`.
 *
 * ```ts
 * const client = LLMKitClient.fromEnv()
 * const response = await client.generateImage(new ImageGenerationRequest('dall-e-3', 'A lighthouse'))
 * ```
 */
export class LLMKitClient {
  private readonly registry: ModelRegistry
  private readonly http: HttpClient
  private readonly clock: Clock
  private readonly env: Readonly<Record<string, string | undefined>>
  private readonly settings: LLMKitClientOptions
  private readonly retry: Required<RetryOptions>
  private jobs: Promise<JobLifecycle> | undefined = undefined

  constructor(options: LLMKitClientOptions = {}) {
    this.settings = options
    this.clock = options.clock ?? systemClock
    // A plain copy: reading process.env is a system call per variable, and the providers read it on every call.
    this.env = options.env ?? { ...globalThis.process?.env }
    this.http = options.http ?? new HttpClient({ env: this.env, ...options.httpOptions })
    this.retry = { ...DEFAULT_RETRY, ...options.retry, stages: { ...options.retry?.stages } }
    this.registry = new ModelRegistry(options.hints, options.onWarning ?? emitWarningOnce)
    for (const provider of options.providers ?? []) this.register(provider)
  }

  /**
   * A client with every given provider whose key is in the environment
   * (`OPENAI_API_KEY`, …). Synchronous; opens no connection.
   */
  static fromEnv(options: FromEnvOptions = {}): LLMKitClient {
    return new LLMKitClient(optionsFromEnv(options))
  }

  /**
   * Adds a provider, or replaces the one with its id (no key check: `fromEnv` does that). A bare model id
   * another provider already routes stays with the first, with a warning. Returns the client for chaining.
   */
  register(provider: ImageProvider): this {
    this.registry.register(provider)
    return this
  }

  /** The registered providers. */
  get providers(): readonly ImageProvider[] {
    return this.registry.list()
  }

  /** Every model of every registered provider, with capabilities. */
  listModels(): ModelListing[] {
    return this.registry.models()
  }

  /** Which provider and catalog entry a model id routes to (throws `unknown_model`). */
  resolveModel(modelId: string) {
    return this.registry.resolve(modelId)
  }

  /**
   * Generates images. Rejects with `LLMKitError`, or the platform's `AbortError` on abort.
   * `request` may also be a plain object of a request's fields, validated completely
   * (see `ImageGenerationRequest.from`).
   */
  async generateImage(
    request: ImageGenerationRequest,
    options: GenerateOptions = {},
  ): Promise<ImageGenerationResponse> {
    const checked = ImageGenerationRequest.from(request)
    const emit = this.emitter(options)
    const { provider, model, calls, warnings } = planCalls(checked, this.registry.resolve(checked.model))
    for (const message of warnings) emit?.({ type: 'warning', message })
    const scope = this.scope(options, `${provider.id}:${model.id}`)
    try {
      const concurrency = options.concurrency ?? this.settings.concurrency ?? 4
      const settled = await mapBounded(calls, concurrency, (call) => this.runCall(provider, call, scope, options, emit))
      // The caller's abort wins over whatever the calls made of it.
      if (scope.callerAbort) throw scope.callerAbort
      return respond({ provider: provider.id, model: model.id, calls, settled, warnings, emit })
    } finally {
      scope.dispose()
    }
  }

  /**
   * The same work as `generateImage`, as an async iterable of progress events ending with `done` (which carries
   * the response). Breaking out of the loop aborts the generation.
   */
  streamImage(
    request: ImageGenerationRequest,
    options: Omit<GenerateOptions, 'onProgress'> = {},
  ): AsyncIterable<ImageProgressEvent> {
    return progressStream(options.signal, (signal, onProgress) =>
      this.generateImage(request, { ...options, signal, onProgress }),
    )
  }

  /**
   * Picks up a job started earlier (perhaps by another process) from its plain
   * handle, waits for it and returns its images, without submitting again.
   */
  async resumeImage(job: ImageJob, options: GenerateOptions = {}): Promise<ImageGenerationResponse> {
    const handle = await import('../request/job-handle')
    job = handle.checkJobHandle(job)
    const provider = handle.jobProvider(this.registry.get(job.provider), job)
    const { model } = this.registry.resolve(`${job.provider}:${job.model}`)
    const call = handle.callOfJob(job, model)
    const emit = this.emitter(options)
    const scope = this.scope(options, `${provider.id} job ${job.id}`)
    try {
      const context = this.context(scope, options, emit, call.callIndex)
      const jobs = await this.jobLifecycle()
      const policy = jobs.policy(options, this.settings)
      const settled = await Promise.allSettled([jobs.await(provider, call, job, undefined, context, policy)])
      return respond({ provider: provider.id, model: model.id, calls: [call], settled, warnings: [], emit })
    } finally {
      scope.dispose()
    }
  }

  /** Closes the HTTP connections this client opened. */
  async close(): Promise<void> {
    if (!this.settings.http) await this.http.close()
  }

  /** One provider call: a synchronous generate, or a job submitted and awaited. */
  private async runCall(
    provider: ImageProvider,
    call: ImageCall,
    scope: CallScope,
    options: GenerateOptions,
    emit: Emit | undefined,
  ): Promise<CallOutcome> {
    // An aborted call (or a split call queued behind an abort) must not reach a paid API.
    scope.throwIfOver()
    const context = this.context(scope, options, emit, call.callIndex)
    if (!provider.generate) {
      const jobs = await this.jobLifecycle()
      return jobs.run(provider, call, context, jobs.policy(options, this.settings))
    }
    const result = await provider.generate(call, context)
    const images = await finishImages(provider.id, result.images, call, context)
    return { images, usage: result.usage, warnings: [...context.warnings, ...(result.warnings ?? [])] }
  }

  /** Job polling, loaded on first use: an app whose providers answer synchronously never loads it. */
  private jobLifecycle(): Promise<JobLifecycle> {
    const { http, retry, env, settings } = this
    return (this.jobs ??= import('../poll/job-lifecycle').then(
      ({ JobLifecycle }) => new JobLifecycle(http, retry, env, settings.downloads),
    ))
  }

  private scope(options: GenerateOptions, what: string): CallScope {
    const timeoutMs = options.timeoutMs ?? this.settings.timeoutMs ?? DEFAULT_TIMEOUT_MS
    return new CallScope(options.signal, timeoutMs, this.clock, what)
  }

  private context(scope: CallScope, options: GenerateOptions, emit: Emit | undefined, callIndex: number): CallContext {
    const http = new BoundHttp(this.http, scope, this.retry, options.proxy)
    return new CallContext(http, scope, this.env, emit, callIndex, this.settings.downloads)
  }

  /** Progress events go through this; undefined when nobody listens. */
  private emitter(options: GenerateOptions): Emit | undefined {
    const listener = options.onProgress
    if (!listener) return undefined
    const startedAt = this.clock.now()
    return (event) => listener({ ...event, elapsedMs: this.clock.now() - startedAt } as ImageProgressEvent)
  }
}
