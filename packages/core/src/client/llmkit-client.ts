import { LLMKitError, isAbortError } from '../errors/llmkit-error'
import { HttpClient, type HttpClientOptions } from '../http/http-client'
import type { DownloadPolicy } from '../http/download'
import { isSafePathSegment, PATH_SEGMENT_GRAMMAR } from '../http/url-path'
import { DEFAULT_POLL, type PollOptions } from '../poll/poll-interval'
import { waitForJob, type FinalStatus } from '../poll/wait-for-job'
import type {
  ImageCall,
  ImageJob,
  ImageProvider,
  JobStatus,
  ProviderContext,
  StartResult,
} from '../provider/image-provider'
import { providerHint, type ProviderHint } from '../provider/provider-hint'
import { ImageGenerationRequest } from '../request/image-generation-request'
import { checkJobHandle } from '../request/job-handle'
import { ImageGenerationResponse, type CallFailure } from '../response/image-generation-response'
import { DEFAULT_RETRY, type RetryOptions } from '../retry/retry-policy'
import { systemClock, type Clock } from '../util/clock'
import { mapBounded } from '../util/map-bounded'
import { CallScope } from './call-scope'
import { finishImages } from './finish-images'
import { ModelRegistry, type ModelListing } from './model-registry'
import { planCalls } from './plan-calls'
import type { ImageProgressEvent } from './progress-event'
import { BoundHttp } from './provider-http'
import { eventStream } from './event-stream'
import { mergeUsage, reportStatus, summarizeFailures, withJob, type CallOutcome } from './aggregate'
import { CallContext, type Emit } from './call-context'

/** Settings for {@link LLMKitClient}. */
export interface LLMKitClientOptions {
  /** Providers to register. */
  providers?: readonly ImageProvider[]
  /**
   * Providers known but not registered (not installed, or without their key):
   * a model id that routes to one says what to install and set. `fromEnv` adds
   * one for each candidate provider it leaves out.
   */
  hints?: readonly ProviderHint[]
  /**
   * Receives warnings about the setup, such as two providers claiming one bare
   * model id. Default: `process.emitWarning` (type `LLMKitWarning`), each message once per process.
   */
  onWarning?: (message: string) => void
  /** A shared HTTP client; default: one made from `httpOptions`. */
  http?: HttpClient
  /** Settings for the default HTTP client (proxy, limits). */
  httpOptions?: HttpClientOptions
  /** Time source; inject one in tests. */
  clock?: Clock
  /** Environment variables providers read their keys from. Default: `process.env` as it is when the client is made. */
  env?: Record<string, string | undefined>
  /** Deadline for one `generateImage` call. Default 300 000 ms. */
  timeoutMs?: number
  /** Calls in flight at once when `n` is split. Default 4. */
  concurrency?: number
  retry?: RetryOptions
  poll?: PollOptions
  /** Cancel a job upstream when the deadline passes (else keep it for `resumeImage`). Default true. */
  cancelOnTimeout?: boolean
  /** Cancel a job upstream when the caller aborts (else keep it for `resumeImage`). Default true. */
  cancelOnAbort?: boolean
  /**
   * Where image downloads may go besides public addresses. By default a
   * provider's image URL may only reach a public address (checked after DNS,
   * on the address connected to) or the host of the provider's own API (its
   * base URL). Widen it for a gateway or emulator on a private network or
   * loopback: `{ allowHosts: ['images.internal'] }` or `{ allowPrivateNetwork: true }`.
   * Images keep the policy for later `image.bytes()` / `image.save()`.
   */
  downloads?: DownloadPolicy
}

/** Per-call settings for `generateImage`, `streamImage` and `resumeImage`. */
export interface GenerateOptions {
  signal?: AbortSignal
  /** Overrides the client's deadline for this call. */
  timeoutMs?: number
  /** Receives progress events (submitted, queued, running, downloading, image, done). */
  onProgress?: (event: ImageProgressEvent) => void
  /** Overrides the client's concurrency for this call. */
  concurrency?: number
  /** Proxy URL for this call's requests. */
  proxy?: string
  /** Overrides the client's `cancelOnAbort` for this call (a server shutting down keeps its jobs for `resumeImage`). */
  cancelOnAbort?: boolean
  /** Overrides the client's `cancelOnTimeout` for this call. */
  cancelOnTimeout?: boolean
}

/** Settings for {@link LLMKitClient.fromEnv}. */
export interface FromEnvOptions extends Omit<LLMKitClientOptions, 'providers'> {
  /** Candidate providers; each is registered when its key is in the environment. */
  providers?: readonly ImageProvider[]
}

/**
 * What `fromEnv` does before constructing: the environment (default a copy of
 * `process.env`), the candidates whose `isConfigured(env)` holds, and a hint
 * for each one left out. For clients that extend {@link LLMKitClient}.
 */
export function optionsFromEnv(options: FromEnvOptions): LLMKitClientOptions {
  const env = options.env ?? { ...process.env }
  const candidates = options.providers ?? []
  const providers = candidates.filter((provider) => provider.isConfigured?.(env) ?? true)
  const missing = candidates.filter((provider) => !providers.includes(provider)).map(providerHint)
  return { ...options, env, providers, hints: [...(options.hints ?? []), ...missing] }
}

const warned = new Set<string>()
function emitWarningOnce(message: string): void {
  if (warned.has(message)) return
  warned.add(message)
  process.emitWarning(message, { type: 'LLMKitWarning', code: 'LLMKIT_AMBIGUOUS_MODEL' })
}

const DEFAULT_TIMEOUT_MS = 300_000
const NO_OPTIONS: GenerateOptions = Object.freeze({})

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
  private readonly learnedDurations = new Map<string, number>()
  private readonly retry: Required<RetryOptions>

  constructor(options: LLMKitClientOptions = {}) {
    this.settings = options
    this.clock = options.clock ?? systemClock
    // A plain copy: reading process.env is a system call per variable, and the providers read it on every call.
    this.env = options.env ?? { ...process.env }
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
   * Adds a provider, or replaces the one with its id; it needs no key in the
   * environment (`fromEnv` is what checks `isConfigured`). A provider that
   * serves a bare model id another one already routes gets a warning: the bare
   * id stays with the first, and `provider:model` reaches either. Returns the
   * client for chaining.
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
    options: GenerateOptions = NO_OPTIONS,
  ): Promise<ImageGenerationResponse> {
    // A plain object (or anything else from untyped code) is validated like the builder, or refused.
    const checked = ImageGenerationRequest.from(request)
    const emit = this.emitter(options)
    const plan = planCalls(checked, this.registry.resolve(checked.model))
    const { provider, model, calls, warnings } = plan
    if (emit) for (const message of warnings) emit({ type: 'warning', message })
    const scope = this.scope(options, () => `${provider.id}:${model.id}`)
    try {
      const outcomes: CallOutcome[] = []
      const failures: CallFailure[] = []
      let settled: PromiseSettledResult<CallOutcome>[] | undefined
      if (calls.length === 1) {
        // One call, the usual case: no worker pool, no settled records.
        try {
          outcomes.push(await this.runCall(provider, calls[0]!, scope, options, emit, warnings))
        } catch (error) {
          throw abortReason(scope) ?? error
        }
      } else {
        settled = await mapBounded(calls, options.concurrency ?? this.settings.concurrency ?? 4, (call) =>
          this.runCall(provider, call, scope, options, emit, warnings),
        )
      }
      // The caller's abort wins over whatever the calls made of it.
      const aborted = abortReason(scope)
      if (aborted) throw aborted
      settled?.forEach((result, index) => {
        if (result.status === 'fulfilled') outcomes.push(result.value)
        else if (isAbortError(result.reason) || !LLMKitError.isInstance(result.reason)) throw result.reason
        else failures.push({ callIndex: calls[index]!.callIndex, n: calls[index]!.n, error: result.reason })
      })
      return this.respond(provider.id, model.id, calls.length, outcomes, failures, warnings, emit)
    } finally {
      scope.dispose()
    }
  }

  /**
   * The same work as `generateImage`, as an async iterable of progress events
   * ending with `done` (which carries the response). Breaking out of the loop
   * aborts the generation.
   */
  streamImage(
    request: ImageGenerationRequest,
    options: Omit<GenerateOptions, 'onProgress'> = {},
  ): AsyncIterable<ImageProgressEvent> {
    return eventStream(options.signal, (signal, onProgress) =>
      this.generateImage(request, { ...options, signal, onProgress }),
    )
  }

  /**
   * Picks up a job started earlier (perhaps by another process) from its plain
   * handle, waits for it and returns its images, without submitting again.
   */
  async resumeImage(job: ImageJob, options: GenerateOptions = {}): Promise<ImageGenerationResponse> {
    job = checkJobHandle(job)
    const emit = this.emitter(options)
    const provider = this.registry.get(job.provider)
    if (!provider?.status) {
      throw new LLMKitError({
        code: 'unknown_model',
        provider: job.provider,
        message: `Cannot resume job ${job.id}: no job provider "${job.provider}" is registered`,
      })
    }
    const { model } = this.registry.resolve(`${job.provider}:${job.model}`)
    const call: ImageCall = {
      model,
      prompt: '',
      options: {},
      aspectRatio: `${job.call.width}:${job.call.height}`,
      ...job.call,
    }
    const warnings: string[] = []
    const scope = this.scope(options, () => `${provider.id} job ${job.id}`)
    try {
      const context = this.context(provider, scope, options, emit, warnings, call.callIndex)
      const outcome = await this.awaitJob(provider, call, job, undefined, context, emit, options)
      return this.respond(provider.id, model.id, 1, [outcome], [], warnings, emit)
    } finally {
      scope.dispose()
    }
  }

  /** Closes the HTTP connections this client opened. */
  async close(): Promise<void> {
    if (!this.settings.http) await this.http.close()
  }

  private async runCall(
    provider: ImageProvider,
    call: ImageCall,
    scope: CallScope,
    options: GenerateOptions,
    emit: Emit | undefined,
    warnings: string[],
  ): Promise<CallOutcome> {
    const context = this.context(provider, scope, options, emit, warnings, call.callIndex)
    // An aborted call (or a split call queued behind an abort) must not reach a paid API.
    scope.throwIfOver()
    if (provider.generate) {
      const result = await provider.generate(call, context)
      const images = finishImages(provider.id, result.images, call, context, emit)
      return { images: Array.isArray(images) ? images : await images, usage: result.usage, warnings: result.warnings }
    }
    const submittedAt = this.clock.now()
    let started: StartResult
    try {
      started = await provider.start!(call, context)
    } catch (error) {
      // A submit that held its request open (Replicate's `Prefer: wait`) may have created a job before the abort
      // or the deadline cut it off: find it, so it is cancelled upstream or handed back, never left unseen.
      const job = await this.findCutOff(provider, call, submittedAt, context, error)
      if (!job) throw error
      emit?.({ type: 'submitted', callIndex: call.callIndex, job })
      throw await this.abandon(provider, job, context, error, options)
    }
    // The id goes into status and cancel paths: a hostile answer must not steer them.
    if (!isSafePathSegment(started.job.id)) throw refusedJobId(provider.id, call.model.id, started.job.id)
    emit?.({ type: 'submitted', callIndex: call.callIndex, job: started.job })
    return this.awaitJob(provider, call, started.job, started.status, context, emit, options)
  }

  /** The job a submit cut off by abort or deadline created, where the provider can look it up (bounded to 5 s). */
  private async findCutOff(
    provider: ImageProvider,
    call: ImageCall,
    submittedAt: number,
    context: ProviderContext,
    error: unknown,
  ): Promise<ImageJob | undefined> {
    const isTimeout = LLMKitError.isInstance(error) && error.code === 'timeout'
    if (!provider.findSubmitted || !(context.signal.aborted || isTimeout)) return undefined
    return this.detached(provider, call.callIndex, `lookup of a ${provider.id} job`, (detached) =>
      provider.findSubmitted!(call, submittedAt, detached),
    ).catch(() => undefined)
  }

  /** Runs `work` with a context of its own (not the caller's aborted signal), bounded to 5 s. */
  private async detached<T>(
    provider: ImageProvider,
    callIndex: number,
    what: string,
    work: (context: ProviderContext) => Promise<T>,
  ): Promise<T> {
    const scope = new CallScope(undefined, 5_000, this.clock, () => what)
    try {
      return await work(
        new CallContext(
          new BoundHttp(this.http, scope, this.retry, undefined),
          scope,
          this.env,
          undefined,
          [],
          callIndex,
          this.settings.downloads,
        ),
      )
    } finally {
      scope.dispose()
    }
  }

  private async awaitJob(
    provider: ImageProvider,
    call: ImageCall,
    job: ImageJob,
    initialStatus: JobStatus | undefined,
    context: CallContext,
    emit: Emit | undefined,
    options: GenerateOptions,
  ): Promise<CallOutcome> {
    const key = `${provider.id}:${job.model}`
    let final: FinalStatus
    try {
      final = await waitForJob({
        provider,
        job,
        context,
        initialStatus,
        poll: { ...DEFAULT_POLL, ...this.settings.poll },
        expectedDurationMs: this.learnedDurations.get(key) ?? call.model.typicalDurationMs,
        onStatus: (status) => reportStatus(status, call.callIndex, emit),
      })
      if (final.state === 'completed') {
        this.learn(key, this.clock.now() - job.createdAt)
        const images = await finishImages(provider.id, final.images, call, context, emit)
        return { images, usage: final.usage, warnings: final.warnings, job }
      }
    } catch (error) {
      throw await this.abandon(provider, job, context, error, options)
    }
    // The job's own verdict: nothing is left to cancel or resume.
    throw final.error
  }

  /** On abort or deadline, cancels the job upstream (best effort, bounded) and says how to resume. */
  private async abandon(
    provider: ImageProvider,
    job: ImageJob,
    context: ProviderContext,
    error: unknown,
    options: GenerateOptions,
  ): Promise<unknown> {
    const isTimeout = LLMKitError.isInstance(error) && error.code === 'timeout'
    // The deadline ends a job through the scope's timer (signal) or through the clock (waitForJob's check).
    const isOver = context.signal.aborted || (isTimeout && this.clock.now() >= context.deadline)
    const shouldCancel =
      isOver &&
      (isTimeout
        ? (options.cancelOnTimeout ?? this.settings.cancelOnTimeout ?? true)
        : (options.cancelOnAbort ?? this.settings.cancelOnAbort ?? true))
    if (shouldCancel && provider.cancel) {
      try {
        await this.detached(provider, job.call.callIndex, `cancel of ${provider.id} job ${job.id}`, (detached) =>
          provider.cancel!(job, detached),
        )
      } catch {
        // Cancelling is a courtesy; the original failure is what the caller needs to see.
      }
    }
    // A job that was not cancelled (by choice, or because the API cannot) may still finish and be paid for: hand it back.
    const kept = !shouldCancel || !provider.cancel
    if (!isTimeout) return withJob(error, kept ? job : undefined)
    return new LLMKitError({
      code: 'timeout',
      provider: provider.id,
      model: job.model,
      job: kept ? job : undefined,
      cause: error,
      message: `${provider.id}: job ${job.id} did not finish in time${kept ? '; it may still finish: keep the job handle (error.job) and call resumeImage(job)' : ' and was cancelled; raise timeoutMs'}`,
    })
  }

  private respond(
    provider: string,
    model: string,
    callCount: number,
    outcomes: CallOutcome[],
    failures: CallFailure[],
    warnings: string[],
    emit: Emit | undefined,
  ): ImageGenerationResponse {
    if (outcomes.length === 0) throw summarizeFailures(failures, callCount)
    if (failures.length > 0) {
      const lost = failures.reduce((sum, failure) => sum + failure.n, 0)
      warnings.push(
        `${failures.length} of ${callCount} calls failed, so ${lost} image(s) are missing: ${failures[0]!.error.message}`,
      )
    }
    for (const outcome of outcomes) if (outcome.warnings?.length) warnings.push(...outcome.warnings)
    const single = outcomes.length === 1 ? outcomes[0]! : undefined
    const images = single ? single.images : outcomes.flatMap((outcome) => outcome.images)
    const usage = single ? single.usage : mergeUsage(outcomes)
    const jobs = single
      ? single.job
        ? [single.job]
        : undefined
      : outcomes.flatMap((outcome) => (outcome.job ? [outcome.job] : []))
    const response = new ImageGenerationResponse({
      images,
      model,
      provider,
      warnings: warnings.length > 1 ? [...new Set(warnings)] : warnings,
      failures,
      usage,
      jobs,
    })
    emit?.({ type: 'done', response })
    return response
  }

  private scope(options: GenerateOptions, describe: () => string): CallScope {
    return new CallScope(
      options.signal,
      options.timeoutMs ?? this.settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      this.clock,
      describe,
    )
  }

  private context(
    provider: ImageProvider,
    scope: CallScope,
    options: GenerateOptions,
    emit: Emit | undefined,
    warnings: string[],
    callIndex: number,
  ): CallContext {
    return new CallContext(
      new BoundHttp(this.http, scope, this.retry, options.proxy),
      scope,
      this.env,
      emit,
      warnings,
      callIndex,
      this.settings.downloads,
    )
  }

  /** Progress events go through this; undefined when nobody listens, so no event object is made. */
  private emitter(options: GenerateOptions): Emit | undefined {
    const listener = options.onProgress
    if (!listener) return undefined
    const startedAt = this.clock.now()
    return (event) => listener({ ...event, elapsedMs: this.clock.now() - startedAt } as ImageProgressEvent)
  }

  private learn(key: string, durationMs: number): void {
    const previous = this.learnedDurations.get(key)
    this.learnedDurations.set(key, previous === undefined ? durationMs : previous * 0.7 + durationMs * 0.3)
  }
}

/** The caller's abort reason once the call's signal fired for anything but the deadline. */
function abortReason(scope: CallScope): unknown {
  const signal = scope.existingSignal
  return signal?.aborted && !LLMKitError.isInstance(signal.reason) ? signal.reason : undefined
}

function refusedJobId(provider: string, model: string, id: unknown): LLMKitError {
  const shown = typeof id === 'string' ? JSON.stringify(id.slice(0, 80)) : String(id)
  return new LLMKitError({
    code: 'provider_error',
    provider,
    model,
    isRetryable: false,
    message: `${provider}: the API answered with job id ${shown}, which llmkit refuses to put into a request path (a job id must be ${PATH_SEGMENT_GRAMMAR})`,
  })
}
