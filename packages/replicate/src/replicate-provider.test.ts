import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  ImageFormat,
  ImageGenerationRequest,
  ImageSize,
  LLMKitClient,
  LLMKitError,
  type ImageJob,
  type ImageProgressEvent,
  type LLMKitClientOptions,
  versionedBaseURL,
} from '@llmkit/core'
import { startEmulator, type Emulator } from '@llmkit/testing'
import { describeProviderConformance } from '@llmkit/testing/conformance'
import { findImageOutputs } from './replicate-api'
import { createReplicate, progressFromLogs, replicate, SDXL_VERSION } from './index'

let emulator: Emulator
const polling = createReplicate({ waitSeconds: 0 })
const FAST: LLMKitClientOptions = {
  retry: { initialDelayMs: 5, maxDelayMs: 20 },
  poll: { initialIntervalMs: 20, minIntervalMs: 10, maxIntervalMs: 100 },
}
const client = (provider = replicate, extra: LLMKitClientOptions = {}) =>
  new LLMKitClient({ providers: [provider], env: emulator.env, ...FAST, ...extra })
const schnell = (prompt = 'a red fox in the snow') =>
  new ImageGenerationRequest('replicate:black-forest-labs/flux-schnell', prompt)
const VERSION = 'a'.repeat(64)

beforeAll(async () => {
  emulator = await startEmulator({ providers: ['replicate'], timing: { queueMs: 250, runMs: 500, initialPosition: 1 } })
})
afterAll(() => emulator.close())
beforeEach(() => {
  emulator.clearFaults()
  emulator.clearRequests()
})

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  )

describe('request mapping', () => {
  it('creates an official-model prediction with Prefer: wait and needs no poll', async () => {
    const response = await client().generateImage(schnell().with_n(2).with_aspect_ratio('16:9').with_seed(7))
    const [sent] = emulator.requestsFor('replicate')
    expect(emulator.requests).toHaveLength(1)
    expect(sent!.method).toBe('POST')
    expect(sent!.path).toBe('/v1/models/black-forest-labs/flux-schnell/predictions')
    expect(sent!.headers.authorization).toBe(`Bearer ${emulator.keys.replicate}`)
    expect(sent!.headers['content-type']).toBe('application/json')
    expect(sent!.headers.prefer).toMatch(/^wait=(59|60)$/)
    expect(sent!.json).toEqual({
      input: { prompt: 'a red fox in the snow', aspect_ratio: '16:9', num_outputs: 2, seed: 7 },
    })
    expect(response.count).toBe(2)
    expect(response.first()!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\/.+\.png$/)
    expect(response.first()!.media_type).toBe('image/png')
    expect(response.warnings).toEqual([])
  })

  it('snaps a size to the nearest FLUX aspect ratio with a warning, and passes options', async () => {
    const request = schnell()
      .with_size(ImageSize.Landscape1792x1024)
      .with_provider_options('replicate', { output_format: 'png', num_inference_steps: 2, input: { go_fast: true } })
    const response = await client().generateImage(request)
    expect(emulator.requests[0]!.json).toEqual({
      input: {
        prompt: 'a red fox in the snow',
        aspect_ratio: '16:9',
        num_outputs: 1,
        output_format: 'png',
        num_inference_steps: 2,
        go_fast: true,
      },
    })
    expect(response.warnings).toEqual([
      'black-forest-labs/flux-schnell does not support 1792x1024; using aspect ratio 16:9 (supported: aspect ratios 1:1, 16:9, 21:9, 3:2, 2:3, 4:5, 5:4, 3:4, 4:3, 9:16, 9:21)',
    ])
  })

  it('creates SDXL by version with width, height and the negative prompt', async () => {
    const request = new ImageGenerationRequest('replicate:stability-ai/sdxl', 'a castle')
      .with_size(ImageSize.Square512)
      .with_negative_prompt('blurry')
      .with_seed(3)
      .with_provider_options('replicate', { guidance: 7.5 })
    await client().generateImage(request)
    const [sent] = emulator.requests
    expect(sent!.path).toBe('/v1/predictions')
    expect(sent!.json).toEqual({
      version: SDXL_VERSION,
      input: {
        prompt: 'a castle',
        width: 512,
        height: 512,
        num_outputs: 1,
        seed: 3,
        negative_prompt: 'blurry',
        guidance_scale: 7.5,
      },
    })
  })

  it('routes any owner/name and owner/name:version with the prefix only', async () => {
    await client().generateImage(new ImageGenerationRequest(`replicate:acme/painter:${VERSION}`, 'a boat'))
    await client().generateImage(
      new ImageGenerationRequest('replicate:acme/painter', 'a boat').with_size(ImageSize.Square256),
    )
    expect(emulator.requests.map((r) => [r.path, r.json])).toEqual([
      ['/v1/predictions', { version: VERSION, input: { prompt: 'a boat', width: 1024, height: 1024 } }],
      ['/v1/models/acme/painter/predictions', { input: { prompt: 'a boat', width: 256, height: 256 } }],
    ])
    expect(() => client().resolveModel('acme/painter')).toThrow(LLMKitError)
    expect(() => client().resolveModel('black-forest-labs/flux-schnell')).toThrow(
      /replicate:black-forest-labs\/flux-schnell/,
    )
  })

  it('reads the token and base URL from the environment and normalises /v1', () => {
    expect(versionedBaseURL('http://127.0.0.1:9/replicate')).toBe('http://127.0.0.1:9/replicate/v1')
    expect(versionedBaseURL('https://api.replicate.com/v1/')).toBe('https://api.replicate.com/v1')
    expect(LLMKitClient.fromEnv({ providers: [replicate], env: {} }).providers).toHaveLength(0)
    expect(
      LLMKitClient.fromEnv({ providers: [replicate], env: { REPLICATE_API_TOKEN: 'r8_x' } }).providers.map((p) => p.id),
    ).toEqual(['replicate'])
  })

  it('parses progress from Cog logs', () => {
    expect(
      progressFromLogs(
        'Using seed: 1\n  0%|          | 0/28 [00:00<?, ?it/s]\n 50%|█████     | 14/28 [00:01<00:01, 9it/s]\n',
      ),
    ).toBe(0.5)
    expect(progressFromLogs('Using seed: 1\n')).toBeUndefined()
  })
})

describe('jobs', () => {
  it('reports every state as progress events when polling: starting → processing with progress → image → done', async () => {
    const events: ImageProgressEvent[] = []
    const response = await client(polling).generateImage(schnell(), { onProgress: (event) => events.push(event) })
    expect(response.count).toBe(1)
    const types = [...new Set(events.map((event) => event.type))]
    expect(types).toEqual(['submitted', 'queued', 'running', 'image', 'done'])
    expect(emulator.requestsFor('replicate', 'submit')[0]!.headers.prefer).toBeUndefined()
    const progress = events.flatMap((event) =>
      event.type === 'running' && event.progress !== undefined ? [event.progress] : [],
    )
    expect(progress.length).toBeGreaterThan(0)
    expect(progress).toEqual([...progress].sort((a, b) => a - b))
    expect(progress.every((value) => value >= 0 && value <= 1)).toBe(true)
  })

  it('streams the same events through streamImage', async () => {
    const types: string[] = []
    for await (const event of client(polling).streamImage(schnell())) types.push(event.type)
    expect(types[0]).toBe('submitted')
    expect(types).toContain('queued')
    expect(types.slice(-2)).toEqual(['image', 'done'])
  })

  it('polls after a Prefer: wait that runs out, from the prediction as created', async () => {
    const slow = await startEmulator({ providers: ['replicate'], timing: { queueMs: 100, runMs: 1_400 } })
    try {
      const events: string[] = []
      const response = await new LLMKitClient({
        providers: [createReplicate({ waitSeconds: 1 })],
        env: slow.env,
        ...FAST,
      }).generateImage(schnell(), { onProgress: (event) => events.push(event.type) })
      expect(response.count).toBe(1)
      expect(slow.requestsFor('replicate', 'submit')[0]!.headers.prefer).toBe('wait=1')
      expect(slow.requestsFor('replicate', 'status').length).toBeGreaterThan(0)
      expect(events).toContain('running')
    } finally {
      await slow.close()
    }
  })

  it('turns a failed prediction into provider_error and an NSFW one into content_policy', async () => {
    emulator.inject({ kind: 'job_fails', provider: 'replicate' })
    const failed = (await rejection(client().generateImage(schnell()))) as LLMKitError
    expect(failed.code).toBe('provider_error')
    expect(failed.message).toMatch(/^replicate: prediction \w+ failed: Prediction failed: CUDA error/)
    emulator.inject({ kind: 'content_policy', provider: 'replicate' })
    const refused = (await rejection(client(polling).generateImage(schnell()))) as LLMKitError
    expect(refused.code).toBe('content_policy')
    expect(refused.message).toContain('NSFW content detected')
  })

  it('maps 402 insufficient credit to quota_exceeded', async () => {
    emulator.inject({ kind: 'quota_exceeded', provider: 'replicate' })
    const error = (await rejection(client().generateImage(schnell()))) as LLMKitError
    expect(error.code).toBe('quota_exceeded')
    expect(error.status).toBe(402)
    expect(error.message).toContain('quota')
  })

  it('maps a 422 to invalid_request with the field', async () => {
    const error = (await rejection(
      client().generateImage(schnell().with_provider_options('replicate', { num_inference_steps: 9 })),
    )) as LLMKitError
    expect(error.code).toBe('invalid_request')
    expect(error.status).toBe(422)
    expect(error.message).toContain('input.num_inference_steps')
  })

  it('cancels the prediction upstream on abort', async () => {
    const controller = new AbortController()
    let id = ''
    const run = client(polling).generateImage(schnell(), {
      signal: controller.signal,
      onProgress: (event) => {
        if (event.type === 'submitted') id = event.job.id
        if (event.type === 'queued' || event.type === 'running') controller.abort()
      },
    })
    expect(((await rejection(run)) as Error).name).toBe('AbortError')
    const [cancel] = emulator.requestsFor('replicate', 'cancel')
    expect(cancel!.method).toBe('POST')
    expect(cancel!.path).toBe(`/v1/predictions/${id}/cancel`)
    expect(cancel!.headers.authorization).toBe(`Bearer ${emulator.keys.replicate}`)
    expect(emulator.jobs.view(emulator.jobs.get(id)!).phase).toBe('canceled')
  })

  it('sends Cancel-After with what is left of the deadline (none when told not to)', async () => {
    await client(replicate, { timeoutMs: 90_000 }).generateImage(schnell())
    expect(emulator.requestsFor('replicate', 'submit')[0]!.headers['cancel-after']).toMatch(/^(89|90)s$/)
    emulator.clearRequests()
    await client(createReplicate({ cancelAfterDeadline: false })).generateImage(schnell())
    expect(emulator.requestsFor('replicate', 'submit')[0]!.headers['cancel-after']).toBeUndefined()
  })

  it('times out a prediction that never finishes and cancels it', async () => {
    emulator.inject({ kind: 'job_never_finishes', provider: 'replicate' })
    const error = (await rejection(client(polling, { timeoutMs: 2_000 }).generateImage(schnell()))) as LLMKitError
    expect(error.code).toBe('timeout')
    expect(error.message).toContain('was cancelled')
    expect(emulator.requestsFor('replicate', 'cancel')).toHaveLength(1)
  })

  it('aborts mid-poll with the AbortError, leaving the job running when asked to', async () => {
    const controller = new AbortController()
    const run = client(polling, { cancelOnAbort: false }).generateImage(schnell(), {
      signal: controller.signal,
      onProgress: (event) => event.type === 'running' && controller.abort(),
    })
    expect(((await rejection(run)) as Error).name).toBe('AbortError')
    expect(emulator.requestsFor('replicate', 'status').length).toBeGreaterThan(0)
    expect(emulator.requestsFor('replicate', 'cancel')).toHaveLength(0)
  })

  it('resumes from a JSON-roundtripped handle in a new client, submitting once', async () => {
    let handle = ''
    const controller = new AbortController()
    await rejection(
      client(polling, { cancelOnAbort: false }).generateImage(schnell(), {
        signal: controller.signal,
        onProgress: (event) => {
          if (event.type !== 'submitted') return
          handle = JSON.stringify(event.job)
          controller.abort()
        },
      }),
    )
    const job = JSON.parse(handle) as ImageJob
    expect(Object.keys(job).sort()).toEqual(['call', 'createdAt', 'id', 'model', 'provider'])
    expect(handle).not.toContain(emulator.keys.replicate)
    const response = await client(polling).resumeImage(job)
    expect(response.count).toBe(1)
    expect(emulator.requestsFor('replicate', 'submit')).toHaveLength(1)
  })

  it('reports a prediction cancelled by someone else as aborted, not as a failure to retry', async () => {
    const run = client(polling).generateImage(schnell(), {
      onProgress: (event) => {
        if (event.type === 'submitted') emulator.jobs.cancel(event.job.id)
      },
    })
    const error = (await rejection(run)) as LLMKitError
    expect([error.code, error.isRetryable, error.provider]).toEqual(['aborted', false, 'replicate'])
    expect(error.message).toMatch(
      /^replicate: prediction \S+ was canceled upstream \(from another client or the dashboard\)/,
    )
    expect(emulator.requestsFor('replicate', 'submit')).toHaveLength(1)
  })

  it('retries a 5xx and a 429 on status without submitting again', async () => {
    emulator.inject({ kind: 'server_error', provider: 'replicate', endpoint: 'status', status: 502 })
    emulator.inject({ kind: 'rate_limit', provider: 'replicate', endpoint: 'status', retryAfterSeconds: 0 })
    const response = await client(polling).generateImage(schnell())
    expect(response.count).toBe(1)
    expect(emulator.requestsFor('replicate', 'submit')).toHaveLength(1)
    expect(emulator.requestsFor('replicate', 'status').length).toBeGreaterThanOrEqual(3)
  })

  it('finds image URLs anywhere in an object output ({ images: [{ url }], seed })', async () => {
    const response = await client().generateImage(
      new ImageGenerationRequest('replicate:llmkit-emulator/object-output', 'a fox').with_format(ImageFormat.B64Json),
    )
    expect(response.count).toBe(1)
    expect(response.first()!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\//)
    expect(Buffer.from(response.first()!.b64_json!, 'base64').subarray(1, 4).toString('latin1')).toBe('PNG')
  })

  it('takes data URIs in the output as images, decoded when base64 is asked for', async () => {
    const model = 'replicate:llmkit-emulator/data-uri-output'
    const asUrl = await client().generateImage(new ImageGenerationRequest(model, 'a fox'))
    expect(asUrl.first()!.url).toMatch(/^data:image\/png;base64,/)
    const asBase64 = await client().generateImage(
      new ImageGenerationRequest(model, 'a fox').with_format(ImageFormat.B64Json),
    )
    expect(asBase64.first()!.url).toBeUndefined()
    expect(asBase64.first()!.media_type).toBe('image/png')
    expect(Buffer.from(asBase64.first()!.b64_json!, 'base64').subarray(1, 4).toString('latin1')).toBe('PNG')
  })

  it('fails with no_image showing what came back when the output holds no image', async () => {
    const error = (await rejection(
      client().generateImage(new ImageGenerationRequest('replicate:llmkit-emulator/text-output', 'a fox')),
    )) as LLMKitError
    expect(error.code).toBe('no_image')
    expect(error.message).toContain(
      'holds no image URL or data URI: "No image for \\"a fox\\": this model answers in text."',
    )
    expect(emulator.requestsFor('replicate', 'submit')).toHaveLength(1)
  })

  it('reads image URLs from any JSON output shape, skipping files that are not images', async () => {
    expect(findImageOutputs('https://x.test/a.png')).toEqual(['https://x.test/a.png'])
    expect(findImageOutputs({ image: 'https://x.test/a.webp' })).toEqual(['https://x.test/a.webp'])
    expect(findImageOutputs([{ url: 'https://x.test/a' }, { url: 'https://x.test/b' }])).toEqual([
      'https://x.test/a',
      'https://x.test/b',
    ])
    expect(
      findImageOutputs({ result: { files: ['https://x.test/meta.json', 'data:image/webp;base64,AAAA'] }, seed: 3 }),
    ).toEqual(['data:image/webp;base64,AAAA'])
    expect(findImageOutputs({ text: 'hello', url: 'ftp://x.test/a.png' })).toEqual([])
    expect(findImageOutputs(null)).toEqual([])
  })

  it('downloads the URLs when base64 is asked for', async () => {
    const response = await client().generateImage(schnell().with_format(ImageFormat.B64Json))
    expect(Buffer.from(response.first()!.b64_json!, 'base64').subarray(1, 4).toString('latin1')).toBe('PNG')
  })
})

const conformance = {
  emulator: 'replicate',
  keyEnv: 'REPLICATE_API_TOKEN',
  endpoints: { submit: 'submit', status: 'status', cancel: 'cancel' },
} as const
// Polling mode: with Prefer: wait a short job finishes inside the create request, so there is no queued/running event to check.
describeProviderConformance({ ...conformance, provider: polling, modelId: 'replicate:black-forest-labs/flux-schnell' })
describeProviderConformance({
  ...conformance,
  provider: polling,
  modelId: `replicate:stability-ai/sdxl:${SDXL_VERSION}`,
})

describe('a create request held open by Prefer: wait', { timeout: 20_000 }, () => {
  let slow: Emulator
  beforeAll(async () => {
    // Predictions that take 6 s: the create request is held while the caller gives up.
    slow = await startEmulator({ providers: ['replicate'], timing: { queueMs: 100, runMs: 6_000, initialPosition: 0 } })
  })
  afterAll(() => slow.close())
  beforeEach(() => slow.clearRequests())
  const held = (extra: LLMKitClientOptions = {}) =>
    new LLMKitClient({ providers: [replicate], env: slow.env, ...FAST, ...extra })
  const phaseOf = (id: string) => slow.jobs.view(slow.jobs.get(id)!).phase

  it('an abort during the hold finds the prediction, reports it submitted, and cancels it upstream', async () => {
    const controller = new AbortController()
    const submitted: ImageJob[] = []
    const run = held().generateImage(schnell('held then aborted'), {
      signal: controller.signal,
      onProgress: (event) => event.type === 'submitted' && submitted.push(event.job),
    })
    for (let waited = 0; slow.requestsFor('replicate', 'submit').length === 0 && waited < 5_000; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20))
    await new Promise((resolve) => setTimeout(resolve, 300))
    controller.abort()
    expect(((await rejection(run)) as Error).name).toBe('AbortError')
    expect(slow.requestsFor('replicate', 'list')).toHaveLength(1)
    expect(submitted).toHaveLength(1)
    const [cancel] = slow.requestsFor('replicate', 'cancel')
    expect(cancel!.path).toBe(`/v1/predictions/${submitted[0]!.id}/cancel`)
    expect(phaseOf(submitted[0]!.id)).toBe('canceled')
  })

  it('a deadline during the hold cancels the prediction upstream, with a timeout error', async () => {
    const error = (await rejection(
      held({ timeoutMs: 1_500 }).generateImage(schnell('held past the deadline')),
    )) as LLMKitError
    expect(error.code).toBe('timeout')
    const [cancel] = slow.requestsFor('replicate', 'cancel')
    const id = /\/v1\/predictions\/([^/]+)\/cancel/.exec(cancel!.path)![1]!
    expect(phaseOf(id)).toBe('canceled')
  })

  it('with cancelOnTimeout: false, a deadline during the hold hands the prediction back as error.job', async () => {
    const error = (await rejection(
      new LLMKitClient({
        providers: [createReplicate({ cancelAfterDeadline: false })],
        env: slow.env,
        ...FAST,
        timeoutMs: 1_500,
        cancelOnTimeout: false,
      }).generateImage(schnell('held, kept')),
    )) as LLMKitError
    expect(error.code).toBe('timeout')
    expect(error.job).toMatchObject({ provider: 'replicate' })
    expect(slow.requestsFor('replicate', 'cancel')).toHaveLength(0)
    const resumed = await held().resumeImage(error.job as ImageJob)
    expect(resumed.count).toBe(1)
    expect(slow.requestsFor('replicate', 'submit')).toHaveLength(1)
  })

  it('two identical calls cut off at once each find their own prediction', async () => {
    const controller = new AbortController()
    const submitted: string[] = []
    const onProgress = (event: ImageProgressEvent) => event.type === 'submitted' && submitted.push(event.job.id)
    const runs = [0, 1].map(() => held().generateImage(schnell('twins'), { signal: controller.signal, onProgress }))
    for (let waited = 0; slow.requestsFor('replicate', 'submit').length < 2 && waited < 5_000; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20))
    await new Promise((resolve) => setTimeout(resolve, 300))
    controller.abort()
    await Promise.all(runs.map(rejection))
    expect(new Set(submitted).size).toBe(2)
    for (const id of submitted) expect(phaseOf(id)).toBe('canceled')
  })
})
