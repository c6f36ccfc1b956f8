import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  ImageFormat,
  ImageGenerationRequest,
  ImageSize,
  LLMKitClient,
  LLMKitError,
  type ImageJob,
  type ImageProgressEvent,
  type LLMKitClientOptions,
} from '@llmkit/core'
import { falLogsOf, falStatusSchema } from './fal-api'
import { startEmulator, type Emulator } from '@llmkit/testing'
import { describeProviderConformance } from '@llmkit/testing/conformance'
import { createFal, fal, readFalError } from './index'

let emulator: Emulator
const FAST: LLMKitClientOptions = {
  retry: { initialDelayMs: 5, maxDelayMs: 20 },
  poll: { initialIntervalMs: 20, minIntervalMs: 10, maxIntervalMs: 50 },
}
const client = (extra: LLMKitClientOptions = {}) =>
  new LLMKitClient({ providers: [fal], env: emulator.env, ...FAST, ...extra })
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as LLMKitError,
  )
const endpoints = () => emulator.requestsFor('fal').map((request) => request.endpoint)
/** Forces polling: the status stream is refused for the whole test. */
const refuseStream = () =>
  emulator.inject({ kind: 'server_error', provider: 'fal', endpoint: 'stream', status: 500, times: Infinity })

beforeAll(async () => {
  emulator = await startEmulator({ providers: ['fal'], timing: { queueMs: 40, runMs: 120, initialPosition: 1 } })
})
afterAll(() => emulator.close())
beforeEach(() => {
  emulator.clearFaults()
  emulator.clearRequests()
})

describe('request mapping', () => {
  it('submits fal-ai/flux/dev with fal auth, a preset size and the options, then streams, then fetches the result', async () => {
    const request = new ImageGenerationRequest('fal-ai/flux/dev', 'A serene mountain landscape')
      .with_seed(12345)
      .with_provider_options('fal', {
        num_inference_steps: 20,
        guidance_scale: 4,
        enable_safety_checker: true,
        output_format: 'png',
      })
    const response = await client().generateImage(request)
    const [submit, stream, result] = emulator.requestsFor('fal')
    expect(submit).toMatchObject({
      method: 'POST',
      path: '/fal-ai/flux/dev',
      headers: {
        authorization: `Key ${emulator.keys.fal}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
    })
    expect(submit!.json).toEqual({
      prompt: 'A serene mountain landscape',
      image_size: 'square_hd',
      num_images: 1,
      seed: 12345,
      num_inference_steps: 20,
      guidance_scale: 4,
      enable_safety_checker: true,
      output_format: 'png',
    })
    const id = response.jobs[0]!.id
    expect(stream).toMatchObject({
      method: 'GET',
      path: `/fal-ai/flux/requests/${id}/status/stream`,
      query: { logs: '1' },
      headers: { accept: 'text/event-stream', authorization: `Key ${emulator.keys.fal}` },
    })
    expect(result).toMatchObject({ method: 'GET', path: `/fal-ai/flux/requests/${id}`, query: {} })
    expect(endpoints()).toEqual(['submit', 'stream', 'result'])
    const image = response.first()!
    expect(image).toMatchObject({ width: 1024, height: 1024, media_type: 'image/png', seed: 12345 })
    expect(image.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\//)
    expect(response.warnings).toEqual([])
    expect(response.jobs[0]).toEqual({
      provider: 'fal',
      model: 'fal-ai/flux/dev',
      id,
      data: { app: 'fal-ai/flux' },
      createdAt: expect.any(Number),
      call: { n: 1, width: 1024, height: 1024, format: 'url', callIndex: 0, seed: 12345 },
    })
  })

  it('sends other sizes as {width, height}, n as num_images, and drops what FLUX cannot take', async () => {
    const request = new ImageGenerationRequest('fal-ai/flux/schnell', 'a red fox')
      .with_size(ImageSize.Landscape1792x1024)
      .with_n(2)
      .with_negative_prompt('blurry')
    const response = await client().generateImage(request)
    expect(emulator.requestsFor('fal', 'submit')[0]!.json).toEqual({
      prompt: 'a red fox',
      image_size: { width: 1792, height: 1024 },
      num_images: 2,
    })
    expect(response.count).toBe(2)
    expect(response.warnings).toEqual(['fal-ai/flux/schnell does not take a negative prompt; ignoring it'])
  })

  it("maps square sizes to presets and splits n above fal's 4 images per call", async () => {
    const response = await client().generateImage(
      new ImageGenerationRequest('fal-ai/flux/schnell', 'a red fox').with_size(ImageSize.Square512).with_n(6),
    )
    const bodies = emulator
      .requestsFor('fal', 'submit')
      .map((r) => r.json as { image_size: string; num_images: number })
    expect(bodies.map((b) => [b.image_size, b.num_images]).sort()).toEqual([
      ['square', 2],
      ['square', 4],
    ])
    expect(response.count).toBe(6)
  })

  it("routes fal-ai/stable-diffusion-3 to fal's stable-diffusion-v3-medium endpoint with the negative prompt", async () => {
    const request = new ImageGenerationRequest('fal-ai/stable-diffusion-3', 'a lighthouse')
      .with_size(ImageSize.Square1024)
      .with_negative_prompt('fog')
      .with_provider_options('fal', { prompt_expansion: true })
    const response = await client().generateImage(request)
    const [submit, ...rest] = emulator.requestsFor('fal')
    expect(submit).toMatchObject({
      path: '/fal-ai/stable-diffusion-v3-medium',
      json: {
        prompt: 'a lighthouse',
        negative_prompt: 'fog',
        image_size: 'square_hd',
        num_images: 1,
        prompt_expansion: true,
      },
    })
    for (const later of rest)
      expect(later.path).toMatch(new RegExp(`^/fal-ai/stable-diffusion-v3-medium/requests/${response.jobs[0]!.id}`))
    expect(response.model).toBe('fal-ai/stable-diffusion-3')
  })

  it("rejects options outside a model's limits before any request", async () => {
    const request = new ImageGenerationRequest('fal-ai/flux/schnell', 'a cat').with_provider_options('fal', {
      num_inference_steps: 13,
    })
    expect(await failureOf(client().generateImage(request))).toMatchObject({ code: 'invalid_request' })
    expect(emulator.requests).toHaveLength(0)
  })

  it('reaches other fal endpoints with the fal: prefix only, one image per call and raw input fields', async () => {
    expect(
      await failureOf(client().generateImage(new ImageGenerationRequest('fal-ai/flux/krea', 'a cat'))),
    ).toMatchObject({ code: 'unknown_model' })
    const request = new ImageGenerationRequest('fal:fal-ai/flux/krea', 'a cat')
      .with_size(ImageSize.Square512)
      .with_provider_options('fal', { input: { acceleration: 'high' } })
    const response = await client().generateImage(request)
    expect(emulator.requestsFor('fal', 'submit')[0]).toMatchObject({
      path: '/fal-ai/flux/krea',
      json: { prompt: 'a cat', image_size: 'square', acceleration: 'high' },
    })
    expect(response.count).toBe(1)
  })

  it('downloads the image when base64 is asked for, and reads sync_mode data URIs inline', async () => {
    const downloaded = await client().generateImage(
      new ImageGenerationRequest('fal-ai/flux/schnell', 'a cat')
        .with_size(ImageSize.Square256)
        .with_format(ImageFormat.B64Json),
    )
    expect(Buffer.from(downloaded.first()!.b64_json!, 'base64').readUInt32BE(16)).toBe(256)
    emulator.clearRequests()
    const inline = await client().generateImage(
      new ImageGenerationRequest('fal-ai/flux/schnell', 'a cat')
        .with_size(ImageSize.Square256)
        .with_provider_options('fal', { sync_mode: true }),
    )
    expect(inline.first()).toMatchObject({ url: undefined, media_type: 'image/png' })
    expect(inline.first()!.b64_json!.length).toBeGreaterThan(100)
  })
})

describe('errors', () => {
  it("turns fal's 422 detail list into a readable invalid_request, without resubmitting", async () => {
    const error = await failureOf(
      client().generateImage(new ImageGenerationRequest('fal:fal-ai/flux/krea', 'a cat').with_negative_prompt('dogs')),
    )
    expect(error).toMatchObject({
      code: 'invalid_request',
      status: 422,
      provider: 'fal',
      message: 'fal: 422 negative_prompt is not an input of this model',
    })
    expect(endpoints()).toEqual(['submit'])
  })

  it("reads both of fal's error envelopes", () => {
    const list = JSON.stringify({
      detail: [
        {
          loc: ['body', 'image_size', 'width'],
          msg: 'Input should be less than or equal to 2048',
          type: 'less_than_equal',
        },
        { loc: ['body', 'prompt'], msg: 'Field required', type: 'missing' },
      ],
    })
    expect(readFalError(list, 422)).toEqual({
      message: 'image_size.width must be at most 2048; prompt is required',
      code: undefined,
    })
    expect(readFalError(JSON.stringify({ detail: 'Request timed out', error_type: 'request_timeout' }), 504)).toEqual({
      message: 'Request timed out (request_timeout)',
      code: 'timeout',
    })
    expect(
      readFalError(
        JSON.stringify({ detail: [{ loc: ['body', 'prompt'], msg: 'flagged', type: 'content_policy_violation' }] }),
        422,
      ).code,
    ).toBe('content_policy')
    expect(readFalError('<html>bad gateway</html>', 502)).toEqual({})
  })

  it('maps an exhausted balance to quota_exceeded and a wrong key to authentication', async () => {
    emulator.inject({ kind: 'quota_exceeded', provider: 'fal' })
    const quota = await failureOf(client().generateImage(new ImageGenerationRequest('fal-ai/flux/schnell', 'a cat')))
    expect(quota).toMatchObject({ code: 'quota_exceeded', status: 403 })
    expect(quota!.message).toContain('quota')
    const wrongKey = 'bad-key-id:bad-key-secret-0123456789'
    const auth = await failureOf(
      client({ env: { ...emulator.env, FAL_API_KEY: wrongKey } }).generateImage(
        new ImageGenerationRequest('fal-ai/flux/schnell', 'a cat'),
      ),
    )
    expect(auth).toMatchObject({
      code: 'authentication',
      status: 401,
      message: expect.stringContaining('No user found for Key ID and Secret'),
    })
    expect(auth!.message).not.toContain(wrongKey)
  })

  it('says which variables to set without a key, and accepts FAL_KEY as well as FAL_API_KEY', async () => {
    const error = await failureOf(
      client({ env: { FAL_BASE_URL: emulator.env.FAL_BASE_URL! } }).generateImage(
        new ImageGenerationRequest('fal-ai/flux/schnell', 'a cat'),
      ),
    )
    expect(error).toMatchObject({
      code: 'authentication',
      message: 'fal: no API key. Set FAL_API_KEY or FAL_KEY, or pass apiKey to createFal()',
    })
    expect(emulator.requests).toHaveLength(0)
    const onlyFalKey = { FAL_KEY: emulator.keys.fal!, FAL_BASE_URL: emulator.env.FAL_BASE_URL! }
    expect(LLMKitClient.fromEnv({ providers: [fal], env: {} }).providers).toHaveLength(0)
    expect(
      (
        await LLMKitClient.fromEnv({ providers: [fal], env: onlyFalKey, ...FAST }).generateImage(
          new ImageGenerationRequest('fal-ai/flux/schnell', 'a cat'),
        )
      ).count,
    ).toBe(1)
  })

  it('marks images fal blacked out as content_filtered, with a warning, when only some were flagged', async () => {
    emulator.inject({ kind: 'content_policy', provider: 'fal' })
    const response = await client().generateImage(new ImageGenerationRequest('fal-ai/flux/schnell', 'a cat').with_n(2))
    expect(response.images.map((image) => image.content_filtered ?? false)).toEqual([true, false])
    expect(response.warnings).toEqual([
      'fal: 1 of 2 images were flagged as NSFW and blacked out (marked content_filtered)',
    ])
  })

  it("turns a failed run into a provider_error carrying fal's message", async () => {
    emulator.inject({ kind: 'job_fails', provider: 'fal', message: 'CUDA out of memory' })
    const error = await failureOf(client().generateImage(new ImageGenerationRequest('fal-ai/flux/schnell', 'a cat')))
    expect(error).toMatchObject({
      code: 'provider_error',
      status: 500,
      message: expect.stringContaining('fal: 500 CUDA out of memory (runner_server_error)'),
    })
    expect(emulator.requestsFor('fal', 'submit')).toHaveLength(1)
  })
})

describe('the job, step by step (manual clock)', () => {
  let manual: Emulator
  const manualClient = () => new LLMKitClient({ providers: [fal], env: manual.env, ...FAST })
  const run = (options: { signal?: AbortSignal } = {}) => {
    const events: ImageProgressEvent[] = []
    const done = manualClient().generateImage(
      new ImageGenerationRequest('fal-ai/flux/dev', 'a fox').with_size(ImageSize.Square512),
      { ...options, onProgress: (event) => events.push(event) },
    )
    const seen = (predicate: (event: ImageProgressEvent) => boolean) =>
      vi.waitFor(() => expect(events.some(predicate)).toBe(true), { timeout: 2_000, interval: 5 })
    const summary = () =>
      events
        .map((e) =>
          e.type === 'queued' ? `queued ${e.position}` : e.type === 'running' ? `running ${e.progress}` : e.type,
        )
        .filter((line, index, all) => line !== all[index - 1])
    return { done, seen, summary }
  }
  /** Walks the job through its states: queue position 2 → 1 → running 25% → 50% → completed. */
  const walk = async (seen: ReturnType<typeof run>['seen']) => {
    await seen((e) => e.type === 'queued' && e.position === 2)
    manual.advance(150)
    await seen((e) => e.type === 'queued' && e.position === 1)
    manual.advance(400)
    await seen((e) => e.type === 'running' && e.progress === 0.25)
    manual.advance(250)
    await seen((e) => e.type === 'running' && e.progress === 0.5)
    manual.advance(1_000)
  }
  const kinds = () => manual.requestsFor('fal').map((r) => r.endpoint)

  beforeAll(async () => {
    manual = await startEmulator({
      providers: ['fal'],
      clock: 'manual',
      timing: { queueMs: 300, runMs: 1_000, initialPosition: 2 },
    })
  })
  afterAll(() => manual.close())
  beforeEach(() => {
    manual.clearFaults()
    manual.clearRequests()
  })

  it('reports every state to the user as progress events, pushed by the status stream', async () => {
    const { done, seen, summary } = run()
    await walk(seen)
    await done
    expect(summary()).toEqual(['submitted', 'queued 2', 'queued 1', 'running 0.25', 'running 0.5', 'image', 'done'])
    expect(kinds()).toEqual(['submit', 'stream', 'result'])
  })

  it('carries the newest log line as the message of running events', async () => {
    const events: ImageProgressEvent[] = []
    const stream = manualClient().streamImage(
      new ImageGenerationRequest('fal-ai/flux/dev', 'a fox').with_size(ImageSize.Square512),
    )
    const consumed = (async () => {
      for await (const event of stream) events.push(event)
    })()
    await vi.waitFor(() => expect(events.some((e) => e.type === 'queued')).toBe(true), { timeout: 2_000, interval: 5 })
    manual.advance(800)
    await vi.waitFor(() => expect(events.some((e) => e.type === 'running')).toBe(true), { timeout: 2_000, interval: 5 })
    manual.advance(1_000)
    await consumed
    expect(events.find((e) => e.type === 'running')).toMatchObject({
      progress: 0.5,
      message: expect.stringMatching(/^50%\|█████ {5}\| 14\/28/),
    })
    expect(events.at(-1)!.type).toBe('done')
  })

  it('polls status when the stream is refused, with the same events', async () => {
    manual.inject({ kind: 'server_error', provider: 'fal', endpoint: 'stream', status: 500, times: Infinity })
    const { done, seen, summary } = run()
    await walk(seen)
    const response = await done
    expect(summary()).toEqual(['submitted', 'queued 2', 'queued 1', 'running 0.25', 'running 0.5', 'image', 'done'])
    const statuses = manual.requestsFor('fal', 'status')
    expect(statuses[0]).toMatchObject({
      method: 'GET',
      path: `/fal-ai/flux/requests/${response.jobs[0]!.id}/status`,
      query: { logs: '1' },
      headers: { authorization: `Key ${manual.keys.fal}` },
    })
    expect(kinds().filter((kind) => kind !== 'status')).toEqual(['submit', 'stream', 'result'])
  })

  it('falls back to polling when the stream breaks mid-way', async () => {
    manual.inject({ kind: 'reset', provider: 'fal', endpoint: 'stream' })
    const { done, seen } = run()
    await vi.waitFor(() => expect(manual.requestsFor('fal', 'status').length).toBeGreaterThan(0), {
      timeout: 2_000,
      interval: 5,
    })
    await walk(seen)
    expect((await done).count).toBe(1)
    expect(manual.requestsFor('fal', 'stream')).toHaveLength(1)
    expect(manual.requestsFor('fal', 'submit')).toHaveLength(1)
  })

  it('cancels the request upstream when the caller aborts', async () => {
    const controller = new AbortController()
    const { done, seen } = run({ signal: controller.signal })
    await seen((e) => e.type === 'queued')
    controller.abort()
    expect(await failureOf(done)).toMatchObject({ name: 'AbortError' })
    const job = manual.jobs.all().at(-1)!
    expect(manual.requestsFor('fal', 'cancel')).toEqual([
      expect.objectContaining({
        method: 'PUT',
        path: `/fal-ai/flux/requests/${job.id}/cancel`,
        headers: expect.objectContaining({ authorization: `Key ${manual.keys.fal}` }),
      }),
    ])
    expect(manual.jobs.view(job).phase).toBe('canceled')
  })
})

describe('the job, in real time', () => {
  it('polls through four 503s in a row (an outage) without submitting again', async () => {
    refuseStream()
    emulator.inject({ kind: 'server_error', provider: 'fal', endpoint: 'status', status: 503, times: 4 })
    const response = await client().generateImage(new ImageGenerationRequest('fal-ai/flux/schnell', 'a cat'))
    expect(response.count).toBe(1)
    expect(emulator.requestsFor('fal', 'submit')).toHaveLength(1)
    expect(emulator.requestsFor('fal', 'status').length).toBeGreaterThanOrEqual(5)
  })

  it('aborts mid-poll: the status wait ends at once and the job is cancelled', async () => {
    refuseStream()
    emulator.inject({ kind: 'job_never_finishes', provider: 'fal' })
    const controller = new AbortController()
    const started = Date.now()
    const run = client().generateImage(new ImageGenerationRequest('fal-ai/flux/schnell', 'a cat'), {
      signal: controller.signal,
    })
    await vi.waitFor(() => expect(emulator.requestsFor('fal', 'status').length).toBeGreaterThanOrEqual(2), {
      timeout: 4_000,
      interval: 5,
    })
    controller.abort()
    expect(await failureOf(run)).toMatchObject({ name: 'AbortError' })
    expect(Date.now() - started).toBeLessThan(5_000)
    await vi.waitFor(() => expect(emulator.requestsFor('fal', 'cancel')).toHaveLength(1))
  })

  it('times out a job that never finishes, cancelling it upstream', async () => {
    emulator.inject({ kind: 'job_never_finishes', provider: 'fal' })
    const error = await failureOf(
      client({ timeoutMs: 2_000 }).generateImage(new ImageGenerationRequest('fal-ai/flux/schnell', 'a cat')),
    )
    expect(error).toMatchObject({ code: 'timeout', message: expect.stringContaining('was cancelled') })
    expect(emulator.requestsFor('fal', 'cancel')).toHaveLength(1)
  })

  it('resumes from a JSON round-tripped handle in a new client; fal saw exactly one submit', async () => {
    let job: ImageJob | undefined
    const controller = new AbortController()
    const first = client({ cancelOnAbort: false }).generateImage(
      new ImageGenerationRequest('fal-ai/stable-diffusion-3', 'a cat').with_size(ImageSize.Square512),
      {
        signal: controller.signal,
        onProgress: (event) => {
          if (event.type !== 'submitted') return
          job = JSON.parse(JSON.stringify(event.job)) as ImageJob
          controller.abort()
        },
      },
    )
    await failureOf(first)
    expect(job).toEqual({
      provider: 'fal',
      model: 'fal-ai/stable-diffusion-3',
      id: expect.any(String),
      data: { app: 'fal-ai/stable-diffusion-v3-medium' },
      createdAt: expect.any(Number),
      call: { n: 1, width: 512, height: 512, format: 'url', callIndex: 0 },
    })
    const fresh = new LLMKitClient({ providers: [createFal()], env: emulator.env, ...FAST })
    const response = await fresh.resumeImage(job!)
    expect(response.count).toBe(1)
    expect(response.first()).toMatchObject({ width: 512, height: 512 })
    expect(emulator.requestsFor('fal', 'submit')).toHaveLength(1)
    expect(emulator.requestsFor('fal', 'cancel')).toHaveLength(0)
  })

  it('takes apiKey, baseURL and headers from settings over the environment', async () => {
    const provider = createFal({
      apiKey: emulator.keys.fal,
      baseURL: `${emulator.urls.fal}/`,
      headers: { 'x-fal-queue-priority': 'low' },
    })
    await new LLMKitClient({ providers: [provider], env: {}, ...FAST }).generateImage(
      new ImageGenerationRequest('fal-ai/flux/schnell', 'a cat'),
    )
    expect(emulator.requestsFor('fal', 'submit')[0]!.headers['x-fal-queue-priority']).toBe('low')
  })
})

describeProviderConformance({
  provider: fal,
  emulator: 'fal',
  modelId: 'fal:fal-ai/flux/schnell',
  keyEnv: 'FAL_API_KEY',
  endpoints: { submit: 'submit', status: 'status', cancel: 'cancel' },
})
describeProviderConformance({
  provider: fal,
  emulator: 'fal',
  modelId: 'fal-ai/stable-diffusion-3',
  keyEnv: 'FAL_API_KEY',
  endpoints: { submit: 'submit', status: 'status', cancel: 'cancel' },
})

describe('status logs', () => {
  it("reads logs as a list (the live API) or as one object (fal's generated schema), never failing the poll", () => {
    const messages = (logs: unknown) =>
      falLogsOf(falStatusSchema.parse({ status: 'IN_PROGRESS', logs })).map((log) => log.message)
    expect(messages([{ message: ' 50%|█████ | 2/4', level: 'INFO' }])).toEqual([' 50%|█████ | 2/4'])
    expect(messages({ message: 'loading weights', level: 'INFO' })).toEqual(['loading weights'])
    expect(messages({ 0: { message: 'a' }, 1: { message: 'b' } })).toEqual(['a', 'b'])
    expect(messages([{ level: 'INFO' }])).toEqual([undefined])
    for (const logs of [null, undefined, {}, 'text']) expect(messages(logs)).toEqual([])
    expect(falStatusSchema.safeParse({ status: 'IN_PROGRESS' }).success).toBe(true)
  })
})
