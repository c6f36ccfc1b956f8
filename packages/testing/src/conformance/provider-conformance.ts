import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  ImageFormat,
  ImageGenerationRequest,
  LLMKitClient,
  LLMKitError,
  type ImageJob,
  type ImageProgressEvent,
  type ImageProvider,
  type LLMKitClientOptions,
} from '@llmkit/core'
import { startEmulator, type Emulator } from '../start-emulator'
import type { EmulatedProviderId } from '../providers/registry'
import type { EmulatedProvider } from '../server/emulated-provider'
import type { JobTiming } from '../server/job-store'

/** What the shared suite needs to know about a provider. */
export interface ProviderConformanceOptions {
  /** The provider, configured from the environment the emulator hands out. */
  provider: ImageProvider
  /**
   * Which emulator serves it: a built-in one by id (`'openai'`), or your own
   * `EmulatedProvider` (see "Emulate your own API" in the README). Its `id`
   * must be the provider's id: faults are armed for `provider.id`.
   */
  emulator: EmulatedProviderId | EmulatedProvider
  /** A model to exercise, ideally `provider:model`. */
  modelId: string
  /** Emulator endpoint names: `generate` for sync providers; `submit` and `status` for job providers. */
  endpoints: { generate?: string; submit?: string; status?: string; cancel?: string }
  /** Features to check (each defaults to true where the kind allows it). */
  supports?: {
    contentPolicy?: boolean
    emptyResult?: boolean
    multipleImages?: boolean
    jobFailure?: boolean
    cancel?: boolean
    authentication?: boolean
  }
  /** Name of the env variable holding the key (to test a wrong key). Not needed with `supports.authentication: false` (keyless APIs). */
  keyEnv?: string
  /** Job timing for job providers. Default: 100 ms queued, 500 ms running (a poll sees the job even on a loaded machine). */
  timing?: JobTiming
  /** The key value of `keyEnv` for the wrong-key test. */
  wrongKey?: string
}

const FAST: Pick<LLMKitClientOptions, 'retry' | 'poll'> = {
  retry: { maxRetries: 2, initialDelayMs: 5, maxDelayMs: 50 },
  poll: { initialIntervalMs: 20, minIntervalMs: 10, maxIntervalMs: 100 },
}

/**
 * The behaviour every llmkit provider shares, checked against its emulator:
 * request mapping, validation before the network, error codes, retries per
 * stage, polling, abort, deadlines and resume. Call it inside a test file.
 */
export function describeProviderConformance(options: ProviderConformanceOptions): void {
  const emulatorId = typeof options.emulator === 'string' ? options.emulator : options.emulator.id
  if (emulatorId !== options.provider.id)
    throw new Error(
      `describeProviderConformance: the emulator "${emulatorId}" must have the provider's id "${options.provider.id}" (faults are armed for it)`,
    )
  const isJob = Boolean(options.provider.start)
  const first = isJob ? options.endpoints.submit! : options.endpoints.generate!
  const supports = {
    contentPolicy: true,
    emptyResult: true,
    multipleImages: true,
    jobFailure: isJob,
    cancel: Boolean(options.provider.cancel),
    authentication: true,
    ...options.supports,
  }
  let emulator: Emulator
  const client = (extra: LLMKitClientOptions = {}) =>
    new LLMKitClient({ providers: [options.provider], env: emulator.env, ...FAST, ...extra })
  const request = () =>
    new ImageGenerationRequest(options.modelId, 'a lighthouse on a cliff at dawn, sea below').with_format(
      ImageFormat.B64Json,
    )

  describe(`${options.provider.id} conformance (${options.modelId})`, () => {
    beforeAll(async () => {
      emulator = await startEmulator({
        providers: [options.emulator],
        timing: options.timing ?? { queueMs: 100, runMs: 500, initialPosition: 1 },
      })
    })
    afterAll(() => emulator.close())
    beforeEach(() => {
      emulator.clearFaults()
      emulator.clearRequests()
    })

    it('returns real images of the requested count', async () => {
      const n = supports.multipleImages ? 2 : 1
      const response = await client().generateImage(request().with_n(n))
      expect(response.count).toBe(n)
      expect(response.provider).toBe(options.provider.id)
      for (const image of response.images) {
        expect(image.b64_json?.length).toBeGreaterThan(100)
        expect(['image/png', 'image/jpeg', 'image/webp', 'image/svg+xml']).toContain(image.media_type)
      }
      expect(response.total_size).toBeGreaterThan(0)
      expect(emulator.requestsFor(options.provider.id, first)).toHaveLength(
        Math.ceil(n / Math.max(1, client().resolveModel(options.modelId).model.maxImagesPerCall)),
      )
    })

    it('rejects bad provider options before any network call', async () => {
      const bad = request().with_provider_options(options.provider.id, { definitely_not_an_option: 1 })
      await expect(client().generateImage(bad)).rejects.toMatchObject({ code: 'invalid_request' })
      expect(emulator.requests).toHaveLength(0)
    })

    if (supports.authentication) {
      it('maps a wrong key to authentication without leaking it', async () => {
        const wrongKey = options.wrongKey ?? 'wrong-key-0123456789abcdefXYZ'
        const error = await client({ env: { ...emulator.env, [options.keyEnv!]: wrongKey } })
          .generateImage(request())
          .catch((e: unknown) => e)
        expect(LLMKitError.isInstance(error)).toBe(true)
        expect((error as LLMKitError).code).toBe('authentication')
        expect((error as LLMKitError).message).not.toContain(wrongKey)
        expect((error as LLMKitError).body ?? '').not.toContain(wrongKey)
      })
    }

    it('retries a 429 honouring Retry-After, then succeeds', async () => {
      emulator.inject({ kind: 'rate_limit', provider: options.provider.id, endpoint: first, retryAfterSeconds: 0 })
      const response = await client().generateImage(request())
      expect(response.count).toBe(1)
      expect(emulator.requestsFor(options.provider.id, first)).toHaveLength(2)
    })

    it('gives up on a persistent rate limit with a rate-limit error', async () => {
      emulator.inject({
        kind: 'rate_limit',
        provider: options.provider.id,
        endpoint: first,
        retryAfterSeconds: 0,
        times: Infinity,
      })
      const error = (await client()
        .generateImage(request())
        .catch((e: unknown) => e)) as LLMKitError
      expect(error.code).toBe('rate_limited')
      expect(error.message.toLowerCase()).toContain('rate limit')
      expect(emulator.requestsFor(options.provider.id, first)).toHaveLength(3)
    })

    it('stops a stalled call with a timeout error', async () => {
      emulator.inject({ kind: 'stall', provider: options.provider.id, endpoint: first })
      const started = Date.now()
      const error = (await client({ timeoutMs: 300 })
        .generateImage(request())
        .catch((e: unknown) => e)) as LLMKitError
      expect(error.code).toBe('timeout')
      expect(Date.now() - started).toBeLessThan(3_000)
    })

    it('rejects with the AbortError when aborted', async () => {
      emulator.inject({ kind: 'latency', provider: options.provider.id, endpoint: first, delayMs: 2_000 })
      const controller = new AbortController()
      const run = client()
        .generateImage(request(), { signal: controller.signal })
        .catch((e: unknown) => e)
      // Abort once the request is at the server: a request still connecting when aborted could arrive later, in
      // another test, and use up that test's fault.
      await vi.waitFor(() => expect(emulator.requestsFor(options.provider.id, first)).toHaveLength(1), {
        timeout: 5_000,
        interval: 5,
      })
      controller.abort()
      expect(((await run) as Error).name).toBe('AbortError')
    })

    if (supports.contentPolicy) {
      it('maps a content-policy refusal to content_policy', async () => {
        emulator.inject({ kind: 'content_policy', provider: options.provider.id })
        await expect(client().generateImage(request())).rejects.toMatchObject({ code: 'content_policy' })
      })
    }

    if (supports.emptyResult) {
      it('maps an empty result to no_image', async () => {
        emulator.inject({ kind: 'empty_result', provider: options.provider.id })
        await expect(client().generateImage(request())).rejects.toMatchObject({ code: 'no_image' })
      })
    }

    if (!isJob) {
      it('retries a 500 on a synchronous call', async () => {
        emulator.inject({ kind: 'server_error', provider: options.provider.id, endpoint: first, status: 500 })
        const response = await client().generateImage(request())
        expect(response.count).toBe(1)
        expect(emulator.requestsFor(options.provider.id, first)).toHaveLength(2)
      })
    }

    if (isJob) describeJobBehaviour(options, supports, () => emulator, client, request)
  })
}

function describeJobBehaviour(
  options: ProviderConformanceOptions,
  supports: { jobFailure: boolean; cancel: boolean },
  emulator: () => Emulator,
  client: (extra?: LLMKitClientOptions) => LLMKitClient,
  request: () => ImageGenerationRequest,
): void {
  const id = options.provider.id
  it('reports progress: submitted, queued or running, image, done', async () => {
    const events: ImageProgressEvent['type'][] = []
    await client().generateImage(request(), { onProgress: (event) => events.push(event.type) })
    expect(events[0]).toBe('submitted')
    expect(events.some((type) => type === 'queued' || type === 'running')).toBe(true)
    expect(events.slice(-2)).toEqual(['image', 'done'])
  })

  it('survives four 503s in a row on status polls (an outage) without submitting again', async () => {
    emulator().inject({
      kind: 'server_error',
      provider: id,
      endpoint: options.endpoints.status!,
      status: 503,
      times: 4,
    })
    const response = await client().generateImage(request())
    expect(response.count).toBe(1)
    expect(emulator().requestsFor(id, options.endpoints.submit!)).toHaveLength(1)
    // A provider with a status stream may finish without a poll; its own tests refuse the stream to check polls.
    if (!options.provider.watch)
      expect(emulator().requestsFor(id, options.endpoints.status!).length).toBeGreaterThanOrEqual(5)
  })

  it('keeps polling through 503s until the deadline, then fails with the job handle for resumeImage', async () => {
    emulator().inject({
      kind: 'server_error',
      provider: id,
      endpoint: options.endpoints.status!,
      status: 503,
      times: 1_000,
    })
    emulator().inject({ kind: 'job_never_finishes', provider: id })
    const started = Date.now()
    // Deadlines leave room for a sign-up and the submit on a loaded machine: the job must exist when it passes.
    const error = (await client({ timeoutMs: 1_500, cancelOnTimeout: false })
      .generateImage(request())
      .catch((e: unknown) => e)) as LLMKitError
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(LLMKitError.isInstance(error)).toBe(true)
    expect((error.job as ImageJob | undefined)?.provider).toBe(id)
    expect(emulator().requestsFor(id, options.endpoints.submit!)).toHaveLength(1)
    if (!options.provider.watch) expect(emulator().requestsFor(id, options.endpoints.status!).length).toBeGreaterThan(3)
  })

  it('does not resubmit a job after a 500 on submit', async () => {
    emulator().inject({ kind: 'server_error', provider: id, endpoint: options.endpoints.submit!, status: 500 })
    await expect(client().generateImage(request())).rejects.toMatchObject({ code: 'provider_error', status: 500 })
    expect(emulator().requestsFor(id, options.endpoints.submit!)).toHaveLength(1)
  })

  if (supports.jobFailure) {
    it('turns a failed job into a typed error', async () => {
      emulator().inject({ kind: 'job_fails', provider: id })
      const error = (await client()
        .generateImage(request())
        .catch((e: unknown) => e)) as LLMKitError
      expect(LLMKitError.isInstance(error)).toBe(true)
      expect(error.provider).toBe(id)
      expect(error.message).toContain(id)
    })
  }

  it('times out a job that never finishes, keeping the handle for resume', async () => {
    emulator().inject({ kind: 'job_never_finishes', provider: id })
    const error = (await client({ timeoutMs: 1_500, cancelOnTimeout: false })
      .generateImage(request())
      .catch((e: unknown) => e)) as LLMKitError
    expect(error.code).toBe('timeout')
    expect((error.job as ImageJob).provider).toBe(id)
  })

  it('resumes a job from its plain handle without submitting again', async () => {
    let job: ImageJob | undefined
    const controller = new AbortController()
    const first = client({ cancelOnAbort: false }).generateImage(request(), {
      signal: controller.signal,
      onProgress: (event) => {
        if (event.type === 'submitted') {
          job = JSON.parse(JSON.stringify(event.job)) as ImageJob
          controller.abort()
        }
      },
    })
    await first.catch(() => undefined)
    expect(job).toBeDefined()
    emulator().clearRequests()
    const response = await client().resumeImage(job!)
    expect(response.count).toBe(1)
    expect(emulator().requestsFor(id, options.endpoints.submit!)).toHaveLength(0)
  })

  if (supports.cancel) {
    it('cancels the job upstream on abort', async () => {
      const controller = new AbortController()
      const run = client().generateImage(request(), {
        signal: controller.signal,
        onProgress: (event) => event.type === 'submitted' && setTimeout(() => controller.abort(), 10),
      })
      await expect(run).rejects.toMatchObject({ name: 'AbortError' })
      expect(emulator().requestsFor(id, options.endpoints.cancel!).length).toBeGreaterThanOrEqual(1)
    })
  }
}
