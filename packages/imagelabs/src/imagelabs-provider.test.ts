import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  ImageFormat,
  ImageGenerationRequest,
  ImageSize,
  LLMKitClient,
  LLMKitError,
  type ImageJob,
  type ImageProgressEvent,
  type ImageProvider,
} from '@llmkit/core'
import { startEmulator, type Emulator } from '@llmkit/testing'
import { toJobStatus } from './imagelabs-image-model'
import { createImageLabs, IMAGELABS_BROWSER_HEADERS, imagelabs } from './index'

let emulator: Emulator
const client = (provider: ImageProvider = imagelabs, timeoutMs?: number) =>
  new LLMKitClient({
    providers: [provider],
    env: emulator.env,
    timeoutMs,
    retry: { initialDelayMs: 5, maxDelayMs: 20 },
    poll: { initialIntervalMs: 10, minIntervalMs: 5, maxIntervalMs: 40 },
  })
const request = (prompt = 'a lighthouse at dusk') =>
  new ImageGenerationRequest('imagelabs:sdxl-turbo', prompt).with_format(ImageFormat.Url)
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as LLMKitError,
  )

beforeAll(async () => {
  emulator = await startEmulator({ providers: ['imagelabs'], timing: { queueMs: 300, runMs: 300, initialPosition: 1 } })
})
afterAll(() => emulator.close())
beforeEach(() => {
  emulator.clearFaults()
  emulator.clearRequests()
})

describe('request mapping', () => {
  it('submits the documented JSON fields with browser-like headers, 1152x896 by default', async () => {
    const before = Date.now()
    const response = await client().generateImage(request())
    const after = Date.now()
    const [submit] = emulator.requestsFor('imagelabs', 'submit')
    expect(submit!.method).toBe('POST')
    expect(submit!.path).toBe('/txt2img')
    expect(submit!.headers['content-type']).toBe('application/json')
    for (const [name, value] of Object.entries(IMAGELABS_BROWSER_HEADERS)) expect(submit!.headers[name]).toBe(value)
    expect(submit!.headers.cookie).toBeUndefined()
    const body = submit!.json as Record<string, unknown>
    expect(Object.keys(body).sort()).toEqual([
      'attention',
      'height',
      'negative_prompt',
      'prompt',
      'reference_image',
      'reference_image_type',
      'reference_strength',
      'seed',
      'subseed',
      'tiling',
      'width',
    ])
    expect(body).toMatchObject({
      prompt: 'a lighthouse at dusk',
      attention: 0,
      tiling: false,
      negative_prompt: '',
      reference_image: '',
      reference_image_type: null,
      reference_strength: 30,
      width: 1152,
      height: 896,
    })
    expect(Number(body.seed)).toBeGreaterThanOrEqual(Math.floor(before / 1000))
    expect(Number(body.seed)).toBeLessThanOrEqual(Math.floor(after / 1000))
    expect(body.seed).toMatch(/^\d+$/)
    expect(Number(body.subseed)).toBeGreaterThanOrEqual(before)
    expect(Number(body.subseed)).toBeLessThanOrEqual(after)
    const polls = emulator.requestsFor('imagelabs', 'status')
    const taskId = (response.jobs[0] as ImageJob).id
    expect(
      polls.every(
        (poll) =>
          poll.method === 'POST' &&
          poll.path === '/progress' &&
          JSON.stringify(poll.json) === JSON.stringify({ task_id: taskId }),
      ),
    ).toBe(true)
    expect(polls[0]!.headers['x-requested-with']).toBe('XMLHttpRequest')
    expect(response.first()!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\/.+\.png$/)
    expect([response.first()!.width, response.first()!.height]).toEqual([1152, 896])
    expect(response.warnings).toEqual([])
  })

  it('sends the seed and negative prompt as given, and one call per image', async () => {
    const response = await client().generateImage(
      request().with_seed(777).with_negative_prompt('blurry').with_n(2).with_size(ImageSize.Square1024),
    )
    expect(response.count).toBe(2)
    const bodies = emulator.requestsFor('imagelabs', 'submit').map((r) => r.json as Record<string, unknown>)
    expect(bodies.map((b) => [b.seed, b.subseed, b.negative_prompt, b.width, b.height])).toEqual([
      ['777', '777', 'blurry', 1024, 1024],
      ['778', '778', 'blurry', 1024, 1024],
    ])
  })

  it('snaps a size the service does not take, with a warning', async () => {
    const response = await client().generateImage(request().with_size(ImageSize.Landscape1792x1024))
    const body = emulator.requestsFor('imagelabs', 'submit')[0]!.json as { width: number; height: number }
    expect(body.width % 16).toBe(0)
    expect(body.height % 16).toBe(0)
    expect(body.width * body.height).toBeLessThanOrEqual(1024 * 1024)
    expect(body.width).toBeGreaterThan(body.height)
    expect(response.warnings[0]).toContain('sdxl-turbo does not support 1792x1024')
  })

  it('merges extra headers (a browser session cookie) over the defaults', async () => {
    await client(createImageLabs({ headers: { cookie: 'session=abc' } })).generateImage(request())
    expect(emulator.requestsFor('imagelabs', 'submit')[0]!.headers.cookie).toBe('session=abc')
  })
})

describe('job states', () => {
  it('reports queued and running progress, then the image', async () => {
    const events: ImageProgressEvent[] = []
    await client().generateImage(request(), { onProgress: (event) => events.push(event) })
    const types = events.map((event) => event.type)
    expect(types).toContain('queued')
    const running = events.filter(
      (event): event is Extract<ImageProgressEvent, { type: 'running' }> => event.type === 'running',
    )
    expect(running.length).toBeGreaterThan(0)
    expect(
      running.every((event) => event.message === 'Processing' && event.progress! >= 0 && event.progress! < 1),
    ).toBe(true)
    expect(types.slice(-2)).toEqual(['image', 'done'])
  })

  it.each([
    ['Failed', 'imagelabs: image generation failed with status "Failed"'],
    ['Error: CUDA out of memory', 'imagelabs: image generation failed with status "Error: CUDA out of memory"'],
  ])('turns status %j into a typed failure', async (status, message) => {
    emulator.inject({ kind: 'job_fails', provider: 'imagelabs', message: status })
    const error = await failure(client().generateImage(request()))
    expect(LLMKitError.isInstance(error)).toBe(true)
    expect(error).toMatchObject({ code: 'provider_error', provider: 'imagelabs', model: 'sdxl-turbo', message })
    expect(emulator.requestsFor('imagelabs', 'submit')).toHaveLength(1)
  })

  it('maps Done without a URL to no_image', async () => {
    emulator.inject({ kind: 'empty_result', provider: 'imagelabs' })
    await expect(client().generateImage(request())).rejects.toMatchObject({ code: 'no_image' })
  })

  it('bounds polling by the deadline (the original polled forever)', async () => {
    emulator.inject({ kind: 'job_never_finishes', provider: 'imagelabs' })
    const started = Date.now()
    const error = await failure(client(imagelabs, 1_500).generateImage(request()))
    expect(error!.code).toBe('timeout')
    expect(error!.job).toMatchObject({ provider: 'imagelabs', model: 'sdxl-turbo' })
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('aborts while polling with the AbortError', async () => {
    emulator.inject({ kind: 'job_never_finishes', provider: 'imagelabs' })
    const controller = new AbortController()
    const run = client().generateImage(request(), {
      signal: controller.signal,
      onProgress: (event) => event.type === 'running' && controller.abort(),
    })
    await expect(run).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('maps the progress answers as documented', () => {
    const job = {
      provider: 'imagelabs',
      model: 'sdxl-turbo',
      id: 't',
      createdAt: 0,
      call: { n: 1, width: 1, height: 1, format: ImageFormat.Url, seed: 3, callIndex: 0 },
    }
    expect(toJobStatus({ status: 'Processing', final_image_url: 'https://x/i.png' }, job)).toMatchObject({
      state: 'completed',
      images: [{ url: 'https://x/i.png', seed: 3 }],
    })
    expect(toJobStatus({ status: 'Done' }, job)).toMatchObject({ state: 'completed', images: [] })
    expect(toJobStatus({ status: 'FAILED' }, job)).toMatchObject({ state: 'failed' })
    expect(toJobStatus({ status: 'internal error' }, job)).toMatchObject({ state: 'failed' })
    expect(toJobStatus({ status: 'Processing', progress: 0.4 }, job)).toEqual({
      state: 'pending',
      phase: 'running',
      progress: 0.4,
      message: 'Processing',
      pollAfterMs: 1000,
    })
    expect(toJobStatus({ status: 'Queued', progress: 0 }, job)).toEqual({
      state: 'pending',
      phase: 'queued',
      message: 'Queued',
      pollAfterMs: 1000,
    })
    expect(toJobStatus({ status: null }, job)).toEqual({
      state: 'pending',
      phase: 'queued',
      message: undefined,
      pollAfterMs: 1000,
    })
  })
})

describe('registration and models', () => {
  it('is unofficial and registered by fromEnv only when enabled', () => {
    expect(imagelabs.apiStatus).toBe('unofficial')
    expect(LLMKitClient.fromEnv({ providers: [imagelabs], env: {} }).providers).toHaveLength(0)
    expect(LLMKitClient.fromEnv({ providers: [imagelabs], env: { IMAGELABS_ENABLED: '0' } }).providers).toHaveLength(0)
    expect(LLMKitClient.fromEnv({ providers: [imagelabs], env: { IMAGELABS_ENABLED: '1' } }).providers).toHaveLength(1)
    expect(LLMKitClient.fromEnv({ providers: [createImageLabs({ enabled: true })], env: {} }).providers).toHaveLength(1)
    expect(new LLMKitClient({ providers: [imagelabs], env: {} }).providers).toHaveLength(1)
  })

  it('routes only with the prefix and rejects other models before any request', async () => {
    expect(() => client().resolveModel('sdxl-turbo')).toThrow(/Unknown model/)
    const error = await failure(client().generateImage(new ImageGenerationRequest('imagelabs:general', 'x')))
    expect(error!.code).toBe('unknown_model')
    expect(error!.message).toContain('sdxl-turbo')
    expect(emulator.requests).toHaveLength(0)
  })
})
