import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  ImageGenerationRequest,
  ImageSize,
  LLMKitClient,
  type ImageJob,
  type ImageProgressEvent,
  type LLMKitClientOptions,
  type LLMKitError,
  unversionedBaseURL,
} from '@llmkit/core'
import { startEmulator, type Emulator } from '@llmkit/testing'
import { describeProviderConformance } from '@llmkit/testing/conformance'
import { createRunway, runway } from './index'

let emulator: Emulator
const FAST: LLMKitClientOptions = {
  retry: { initialDelayMs: 5, maxDelayMs: 20 },
  poll: { initialIntervalMs: 20, minIntervalMs: 10, maxIntervalMs: 100 },
}
const client = (extra: LLMKitClientOptions = {}) =>
  new LLMKitClient({ providers: [runway], env: emulator.env, ...FAST, ...extra })
const gen4 = (prompt = 'a lighthouse at dusk') => new ImageGenerationRequest('runway:gen4_image', prompt)
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  )

beforeAll(async () => {
  emulator = await startEmulator({ providers: ['runway'], timing: { queueMs: 200, runMs: 400, initialPosition: 1 } })
})
afterAll(() => emulator.close())
beforeEach(() => {
  emulator.clearFaults()
  emulator.clearRequests()
})

describe('request mapping', () => {
  it('submits a task with the version header, then polls the task', async () => {
    const response = await client().generateImage(gen4().with_size(ImageSize.Square1024).with_seed(42))
    const [submit, ...polls] = emulator.requestsFor('runway')
    expect(submit!.method).toBe('POST')
    expect(submit!.path).toBe('/v1/text_to_image')
    expect(submit!.headers.authorization).toBe(`Bearer ${emulator.keys.runway}`)
    expect(submit!.headers['x-runway-version']).toBe('2024-11-06')
    expect(submit!.headers['content-type']).toBe('application/json')
    expect(submit!.json).toEqual({
      model: 'gen4_image',
      promptText: 'a lighthouse at dusk',
      ratio: '1024:1024',
      seed: 42,
    })
    const id = emulator.jobs.all()[emulator.jobs.all().length - 1]!.id
    expect(polls.length).toBeGreaterThan(0)
    for (const poll of polls) {
      expect([poll.method, poll.path, poll.headers['x-runway-version']]).toEqual([
        'GET',
        `/v1/tasks/${id}`,
        '2024-11-06',
      ])
    }
    expect(response.first()!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\//)
    expect([response.first()!.width, response.first()!.height]).toEqual([1024, 1024])
  })

  it("snaps sizes to Runway's resolutions with a warning and passes options", async () => {
    const request = gen4()
      .with_size(ImageSize.Landscape1792x1024)
      .with_provider_options('runway', { publicFigureThreshold: 'low' })
    const response = await client().generateImage(request)
    expect(emulator.requestsFor('runway', 'submit')[0]!.json).toEqual({
      model: 'gen4_image',
      promptText: 'a lighthouse at dusk',
      ratio: '1920:1080',
      contentModeration: { publicFigureThreshold: 'low' },
    })
    expect(response.warnings[0]).toMatch(
      /^gen4_image does not support 1792x1024; using 1920x1080 \(supported: 1024x1024, 1080x1080, /,
    )
  })

  it('splits n into one task per image', async () => {
    const response = await client().generateImage(gen4().with_n(2).with_seed(1))
    expect(response.count).toBe(2)
    expect(emulator.requestsFor('runway', 'submit').map((r) => (r.json as { seed: number }).seed)).toEqual([1, 2])
  })

  it('refuses gen4_image_turbo without reference images before any request, and rejects long prompts', async () => {
    await expect(
      client().generateImage(new ImageGenerationRequest('runway:gen4_image_turbo', 'a cat')),
    ).rejects.toMatchObject({ code: 'invalid_request' })
    await expect(client().generateImage(gen4('x'.repeat(1001)))).rejects.toMatchObject({ code: 'invalid_request' })
    expect(emulator.requests).toHaveLength(0)
  })

  it('sends a local reference image as a data URI well past 2,048 characters (gen4_image_turbo)', async () => {
    const pixels = Buffer.alloc(200_000, 7).toString('base64')
    const uri = `data:image/png;base64,${pixels}`
    const request = new ImageGenerationRequest('runway:gen4_image_turbo', '@fox in the snow').with_provider_options(
      'runway',
      { referenceImages: [{ uri, tag: 'fox' }] },
    )
    const response = await client().generateImage(request)
    expect(response.count).toBe(1)
    expect((emulator.requestsFor('runway', 'submit')[0]!.json as { referenceImages: unknown }).referenceImages).toEqual(
      [{ uri, tag: 'fox' }],
    )
  })

  it.each([
    ['http://example.com/a.png', 'must be an https:// URL'],
    [`https://example.com/${'a'.repeat(2048)}`, 'URLs are limited to 2048 characters'],
    [`data:image/png;base64,${'A'.repeat(7_200_000)}`, 'limited to 5 MB'],
    ['data:text/plain,hello', 'base64 image data URI'],
  ])('refuses reference image %#  before any request', async (uri, problem) => {
    const request = gen4().with_provider_options('runway', { referenceImages: [{ uri }] })
    const error = (await rejection(client().generateImage(request))) as LLMKitError
    expect(error.code).toBe('invalid_request')
    expect(error.message).toContain(problem)
    expect(emulator.requests).toHaveLength(0)
  })

  it('takes the base URL with or without /v1, and registers from RUNWAYML_API_SECRET', () => {
    expect(unversionedBaseURL('https://api.dev.runwayml.com/v1/')).toBe('https://api.dev.runwayml.com')
    expect(LLMKitClient.fromEnv({ providers: [runway], env: {} }).providers).toHaveLength(0)
    expect(
      LLMKitClient.fromEnv({ providers: [runway], env: { RUNWAYML_API_SECRET: 'key_x' } }).providers.map((p) => p.id),
    ).toEqual(['runway'])
  })

  it('maps a wrong API version to invalid_request with the API message', async () => {
    const error = (await rejection(
      new LLMKitClient({ providers: [createRunway({ runwayVersion: '2020-01-01' })], env: emulator.env }).generateImage(
        gen4(),
      ),
    )) as LLMKitError
    expect(error.code).toBe('invalid_request')
    expect(error.message).toContain('Invalid API version')
  })
})

describe('tasks', () => {
  it('reports PENDING, THROTTLED, RUNNING with progress, then the image and done', async () => {
    // A manual clock: each event the client reports moves the emulated task one step on, so every state is seen however slow the machine.
    const stepped = await startEmulator({
      providers: ['runway'],
      clock: 'manual',
      timing: { queueMs: 300, runMs: 400, initialPosition: 3 },
    })
    try {
      const events: ImageProgressEvent[] = []
      const onProgress = (event: ImageProgressEvent) => {
        events.push(event)
        if (event.type === 'submitted' || event.type === 'queued') stepped.advance(100)
        if (event.type === 'running') stepped.advance(200)
      }
      await new LLMKitClient({ providers: [runway], env: stepped.env, ...FAST }).generateImage(gen4(), { onProgress })
      const summary = events.map((event) => (event.type === 'queued' ? `queued:${event.message ?? ''}` : event.type))
      expect(summary).toEqual([
        'submitted',
        'queued:throttled: waiting for a free slot under your concurrency limit',
        'queued:',
        'running',
        'running',
        'image',
        'done',
      ])
      expect(events.flatMap((event) => (event.type === 'running' ? [event.progress] : []))).toEqual([0, 0.5])
    } finally {
      await stepped.close()
    }
  })

  it('streams the same events through streamImage', async () => {
    const types: string[] = []
    for await (const event of client().streamImage(gen4())) types.push(event.type)
    expect([...new Set(types)]).toEqual(['submitted', 'queued', 'running', 'image', 'done'])
  })

  it('maps failure codes: moderation to content_policy, bad output to a retryable provider_error', async () => {
    emulator.inject({ kind: 'content_policy', provider: 'runway' })
    const refused = (await rejection(client().generateImage(gen4()))) as LLMKitError
    expect([refused.code, refused.isRetryable]).toEqual(['content_policy', false])
    expect(refused.message).toContain('(SAFETY.INPUT.TEXT)')
    emulator.inject({ kind: 'job_fails', provider: 'runway' })
    const failed = (await rejection(client().generateImage(gen4()))) as LLMKitError
    expect([failed.code, failed.isRetryable]).toEqual(['provider_error', true])
    expect(failed.message).toMatch(/^runway: task [\w-]+ failed: .+\(INTERNAL\.BAD_OUTPUT\.CODE01\)$/)
  })

  it('maps running out of credits to quota_exceeded', async () => {
    emulator.inject({ kind: 'quota_exceeded', provider: 'runway' })
    const error = (await rejection(client().generateImage(gen4()))) as LLMKitError
    expect([error.code, error.status]).toEqual(['quota_exceeded', 400])
    expect(error.message).toContain('quota')
  })

  it('cancels the task upstream (DELETE) on abort', async () => {
    const controller = new AbortController()
    let id = ''
    const run = client().generateImage(gen4(), {
      signal: controller.signal,
      onProgress: (event) => {
        if (event.type === 'submitted') id = event.job.id
        if (event.type === 'queued') controller.abort()
      },
    })
    expect(((await rejection(run)) as Error).name).toBe('AbortError')
    const [cancel] = emulator.requestsFor('runway', 'cancel')
    expect([cancel!.method, cancel!.path, cancel!.headers['x-runway-version']]).toEqual([
      'DELETE',
      `/v1/tasks/${id}`,
      '2024-11-06',
    ])
    expect(emulator.jobs.view(emulator.jobs.get(id)!).phase).toBe('canceled')
  })

  it('reports a task cancelled by someone else as aborted', async () => {
    const run = client().generateImage(gen4(), {
      onProgress: (event) => {
        if (event.type === 'submitted') emulator.jobs.cancel(event.job.id)
      },
    })
    const error = (await rejection(run)) as LLMKitError
    expect([error.code, error.isRetryable, error.provider]).toEqual(['aborted', false, 'runway'])
    expect(error.message).toContain('was cancelled or deleted upstream (from another client or the dashboard)')
    expect(emulator.requestsFor('runway', 'submit')).toHaveLength(1)
  })

  it('times out a task that never finishes, and cancels it', async () => {
    emulator.inject({ kind: 'job_never_finishes', provider: 'runway' })
    const error = (await rejection(client({ timeoutMs: 2_000 }).generateImage(gen4()))) as LLMKitError
    expect(error.code).toBe('timeout')
    expect(emulator.requestsFor('runway', 'cancel')).toHaveLength(1)
  })

  it('aborts mid-poll with the AbortError', async () => {
    const stepped = await startEmulator({
      providers: ['runway'],
      clock: 'manual',
      timing: { queueMs: 100, runMs: 400 },
    })
    try {
      const controller = new AbortController()
      const onProgress = (event: ImageProgressEvent) => {
        if (event.type === 'submitted') stepped.advance(150)
        if (event.type === 'running') controller.abort()
      }
      const run = new LLMKitClient({
        providers: [runway],
        env: stepped.env,
        ...FAST,
        cancelOnAbort: false,
      }).generateImage(gen4(), { signal: controller.signal, onProgress })
      expect(((await rejection(run)) as Error).name).toBe('AbortError')
      expect(stepped.requestsFor('runway', 'cancel')).toHaveLength(0)
      expect(stepped.requestsFor('runway', 'submit')).toHaveLength(1)
    } finally {
      await stepped.close()
    }
  })

  it('resumes from a JSON-roundtripped handle in a new client, submitting once', async () => {
    let handle = ''
    const controller = new AbortController()
    await rejection(
      client({ cancelOnAbort: false }).generateImage(gen4(), {
        signal: controller.signal,
        onProgress: (event) => {
          if (event.type !== 'submitted') return
          handle = JSON.stringify(event.job)
          controller.abort()
        },
      }),
    )
    expect(handle).not.toContain(emulator.keys.runway)
    const response = await client().resumeImage(JSON.parse(handle) as ImageJob)
    expect(response.count).toBe(1)
    expect(emulator.requestsFor('runway', 'submit')).toHaveLength(1)
  })

  it('retries a 5xx and a 429 on status without submitting again', async () => {
    emulator.inject({ kind: 'server_error', provider: 'runway', endpoint: 'status', status: 503 })
    emulator.inject({ kind: 'rate_limit', provider: 'runway', endpoint: 'status', retryAfterSeconds: 0 })
    const response = await client().generateImage(gen4())
    expect(response.count).toBe(1)
    expect(emulator.requestsFor('runway', 'submit')).toHaveLength(1)
  })
})

describeProviderConformance({
  provider: runway,
  emulator: 'runway',
  modelId: 'runway:gen4_image',
  keyEnv: 'RUNWAYML_API_SECRET',
  endpoints: { submit: 'submit', status: 'status', cancel: 'cancel' },
})
