import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  ImageFormat,
  ImageGenerationRequest,
  ImageSize,
  LLMKitClient,
  LLMKitError,
  unversionedBaseURL,
} from '@llmkit/core'
import { startEmulator, type Emulator } from '@llmkit/testing'
import { describeProviderConformance } from '@llmkit/testing/conformance'
import { createStability, stability } from './index'

let emulator: Emulator
const client = (env: Record<string, string> = emulator.env) =>
  new LLMKitClient({ providers: [stability], env, retry: { maxRetries: 2, initialDelayMs: 5, maxDelayMs: 20 } })
/** Stability answers base64 only; asking for it keeps the URL warning out of the way. */
const request = (model: string, prompt: string) =>
  new ImageGenerationRequest(model, prompt).with_format(ImageFormat.B64Json)
const generated = () => emulator.requestsFor('stability', 'generate')
const failure = (image: ImageGenerationRequest) =>
  client()
    .generateImage(image)
    .then(
      () => undefined,
      (error: unknown) => error as LLMKitError,
    )

beforeAll(async () => {
  emulator = await startEmulator({ providers: ['stability'] })
})
afterAll(() => emulator.close())
beforeEach(() => {
  emulator.clearFaults()
  emulator.clearRequests()
})

describe('stable-diffusion-xl (v1 JSON)', () => {
  it('sends text_prompts with the negative prompt at weight -1, samples, seed and options', async () => {
    const sdxl = request('stability-ai/stable-diffusion-xl', 'A serene mountain landscape')
      .with_n(2)
      .with_size(ImageSize.custom(1216, 832))
      .with_negative_prompt('blurry, watermark')
      .with_seed(12345)
      .with_provider_options('stability', { cfg_scale: 9, steps: 40, sampler: 'K_EULER', style_preset: 'photographic' })
    const response = await client().generateImage(sdxl)
    const [sent] = generated()
    expect(generated()).toHaveLength(1)
    expect(sent!.method).toBe('POST')
    expect(sent!.path).toBe('/v1/generation/stable-diffusion-xl-1024-v1-0/text-to-image')
    expect(sent!.headers.authorization).toBe(`Bearer ${emulator.keys.stability}`)
    expect(sent!.headers['content-type']).toBe('application/json')
    expect(sent!.headers.accept).toBe('application/json')
    expect(sent!.json).toEqual({
      text_prompts: [
        { text: 'A serene mountain landscape', weight: 1 },
        { text: 'blurry, watermark', weight: -1 },
      ],
      width: 1216,
      height: 832,
      samples: 2,
      seed: 12345,
      cfg_scale: 9,
      steps: 40,
      sampler: 'K_EULER',
      style_preset: 'photographic',
    })
    expect(response.images.map((image) => [image.seed, image.media_type, image.width, image.height])).toEqual([
      [12345, 'image/png', 1216, 832],
      [12346, 'image/png', 1216, 832],
    ])
    expect(response.warnings).toEqual([])
  })

  it('snaps a size SDXL lacks to its nearest allowed size, with a warning', async () => {
    const response = await client().generateImage(
      new ImageGenerationRequest('stability-ai/stable-diffusion-xl', 'a cat').with_size(ImageSize.Landscape1792x1024),
    )
    expect(generated()[0]!.json).toMatchObject({ width: 1344, height: 768, samples: 1 })
    expect(response.warnings).toEqual([
      'stability-ai/stable-diffusion-xl does not support 1792x1024; using 1344x768 (supported: 1024x1024, 1152x896, 1216x832, 1344x768, 1536x640, 640x1536, 768x1344, 832x1216, 896x1152)',
      'stability-ai/stable-diffusion-xl returns base64 only; image.url is unset, use b64_json, bytes() or save()',
    ])
  })

  it('rejects options SDXL does not take before any request', async () => {
    const bad = request('stability-ai/stable-diffusion-xl', 'a cat').with_provider_options('stability', { steps: 5 })
    expect(await failure(bad)).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('steps') })
    expect(emulator.requests).toHaveLength(0)
  })

  it('turns all-blurred artifacts (CONTENT_FILTERED) into a content_policy error', async () => {
    emulator.inject({ kind: 'content_policy', provider: 'stability' })
    const error = await failure(request('stability-ai/stable-diffusion-xl', 'a cat').with_n(2))
    expect(error).toMatchObject({ code: 'content_policy', provider: 'stability', status: 200 })
    expect(error!.message).toBe(
      "stability: Stability's content filter blurred all 2 images (finish reason CONTENT_FILTERED) — rephrase the prompt",
    )
  })
})

describe('v2beta models (multipart)', () => {
  it('sends stable-diffusion-3 fields as multipart, aspect ratio snapped with a warning', async () => {
    const sd3 = request('stability-ai/stable-diffusion-3', 'a lighthouse at dusk')
      .with_size(ImageSize.Landscape1792x1024)
      .with_negative_prompt('fog')
      .with_seed(7)
      .with_provider_options('stability', { model: 'sd3.5-medium', cfg_scale: 5, output_format: 'jpeg' })
    const response = await client().generateImage(sd3)
    const [sent] = generated()
    expect(sent!.path).toBe('/v2beta/stable-image/generate/sd3')
    expect(sent!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/)
    expect(sent!.headers.accept).toBe('application/json')
    expect(sent!.headers.authorization).toBe(`Bearer ${emulator.keys.stability}`)
    expect(sent!.multipart).toEqual({
      prompt: 'a lighthouse at dusk',
      negative_prompt: 'fog',
      aspect_ratio: '16:9',
      seed: '7',
      output_format: 'jpeg',
      model: 'sd3.5-medium',
      cfg_scale: '5',
    })
    const image = response.first()!
    expect([image.width, image.height, image.seed]).toEqual([1344, 768, 7])
    expect(image.media_type).toBe('image/png') // the emulator only draws PNG: the bytes decide, not the declared type
    expect(response.warnings).toEqual([
      'stability-ai/stable-diffusion-3 does not support 1792x1024; using aspect ratio 16:9 (supported: aspect ratios 21:9, 16:9, 3:2, 5:4, 1:1, 4:5, 2:3, 9:16, 9:21)',
    ])
  })

  it('leaves the negative prompt out for turbo variants and says so', async () => {
    const turbo = request('stability-ai/stable-diffusion-3', 'a fox')
      .with_negative_prompt('fog')
      .with_provider_options('stability', { model: 'sd3.5-large-turbo' })
    const response = await client().generateImage(turbo)
    expect(generated()[0]!.multipart).toEqual({ prompt: 'a fox', aspect_ratio: '1:1', model: 'sd3.5-large-turbo' })
    expect(response.warnings).toEqual(['sd3.5-large-turbo does not take a negative prompt; ignoring it'])
  })

  it('sends the older SD3 names as their SD3.5 successors, with a note', async () => {
    const old = request('stability-ai/stable-diffusion-3', 'a fox').with_provider_options('stability', {
      model: 'sd3-medium',
    })
    const response = await client().generateImage(old)
    expect(generated()[0]!.multipart!.model).toBe('sd3.5-medium')
    expect(response.warnings).toEqual([
      'stability: sd3-medium is an older name that the API re-routes; sent as sd3.5-medium',
    ])
  })

  it('offers sd3.5-flash, webp and style presets on SD3', async () => {
    const flash = request('stability-ai/stable-diffusion-3', 'a fox').with_provider_options('stability', {
      model: 'sd3.5-flash',
      output_format: 'webp',
      style_preset: 'anime',
    })
    await client().generateImage(flash)
    expect(generated()[0]!.multipart).toEqual({
      prompt: 'a fox',
      aspect_ratio: '1:1',
      model: 'sd3.5-flash',
      output_format: 'webp',
      style_preset: 'anime',
    })
  })

  it('refuses seeds the API would read as random (0) or cannot take, before any request', async () => {
    for (const [model, seed, range] of [
      ['stability-ai/stable-diffusion-3', 4_294_967_295, '1 to 4294967294'],
      ['stability-ai/stable-image-core', 0, '1 to 4294967294'],
      ['stability-ai/stable-diffusion-xl', 0, '1 to 4294967295'],
    ] as const) {
      const error = await failure(request(model, 'a fox').with_seed(seed))
      expect(error).toMatchObject({ code: 'invalid_request' })
      expect(error!.message).toContain(`takes seeds from ${range}; got ${seed}`)
    }
    expect(generated()).toHaveLength(0)
    await client().generateImage(request('stability-ai/stable-diffusion-3', 'a fox').with_seed(4_294_967_294))
    expect(generated()[0]!.multipart!.seed).toBe('4294967294')
  })

  it('splits n into one call per image', async () => {
    const response = await client().generateImage(
      request('stability-ai/stable-diffusion-3', 'a fox').with_n(3).with_seed(10),
    )
    expect(response.count).toBe(3)
    expect(generated().map((r) => r.multipart!.seed)).toEqual(['10', '11', '12'])
  })

  it('sends core with a style preset and webp, and reports its 1.5 MP size', async () => {
    const core = request('stability-ai/stable-image-core', 'a castle')
      .with_aspect_ratio('21:9')
      .with_provider_options('stability', { style_preset: 'fantasy-art', output_format: 'webp' })
    const response = await client().generateImage(core)
    expect(generated()[0]!.path).toBe('/v2beta/stable-image/generate/core')
    expect(generated()[0]!.multipart).toEqual({
      prompt: 'a castle',
      aspect_ratio: '21:9',
      style_preset: 'fantasy-art',
      output_format: 'webp',
    })
    expect([response.first()!.width, response.first()!.height]).toEqual([2304, 960])
    expect(response.warnings).toEqual([])
  })

  it('sends ultra to its endpoint and rejects options it does not take', async () => {
    await client().generateImage(request('stable-image-ultra', 'a castle').with_aspect_ratio('2:3'))
    expect(generated()[0]!.path).toBe('/v2beta/stable-image/generate/ultra')
    expect(generated()[0]!.multipart).toEqual({ prompt: 'a castle', aspect_ratio: '2:3' })
    const bad = request('stability-ai/stable-image-ultra', 'a castle').with_provider_options('stability', {
      cfg_scale: 5,
    })
    expect(await failure(bad)).toMatchObject({ code: 'invalid_request' })
  })

  it('maps CONTENT_FILTERED and the 403 moderation refusal to content_policy', async () => {
    emulator.inject({ kind: 'content_policy', provider: 'stability' })
    expect(await failure(request('stability-ai/stable-image-core', 'x'))).toMatchObject({
      code: 'content_policy',
      status: 200,
    })
    emulator.inject({ kind: 'content_policy', provider: 'stability', status: 403 })
    const refused = await failure(request('stability-ai/stable-image-core', 'x'))
    expect(refused).toMatchObject({ code: 'content_policy', status: 403, isRetryable: false })
    expect(refused!.message).toContain(
      'stability: 403 content_moderation: Your request was flagged by our content moderation system',
    )
  })
})

describe('errors', () => {
  const sd3 = () => request('stability-ai/stable-diffusion-3', 'a fox')

  it.each([
    [400, 'invalid_request', 1],
    [403, 'authentication', 1],
    [413, 'invalid_request', 1],
    [422, 'invalid_request', 1],
    [500, 'provider_error', 3],
  ])('maps %i to %s (%i attempts)', async (status, code, attempts) => {
    emulator.inject({
      kind: 'server_error',
      provider: 'stability',
      status,
      times: Infinity,
      message: 'something specific',
    })
    const error = await failure(sd3())
    expect(error).toMatchObject({ code, status })
    expect(error!.message).toMatch(new RegExp(`^stability: ${status} \\w+: something specific`))
    expect(generated()).toHaveLength(attempts)
  })

  it('maps 402 payment_required to quota_exceeded with "quota" in the message', async () => {
    emulator.inject({ kind: 'quota_exceeded', provider: 'stability' })
    const error = await failure(sd3())
    expect(error).toMatchObject({ code: 'quota_exceeded', status: 402 })
    expect(error!.message).toContain('payment_required: You lack sufficient credits')
    expect(error!.message).toContain('quota')
  })

  it('maps 401 to authentication and 429 to rate_limited', async () => {
    const wrong = (await client({ ...emulator.env, STABILITY_API_KEY: 'sk-wrong-key-123456' })
      .generateImage(sd3())
      .catch((e: unknown) => e)) as LLMKitError
    expect(wrong).toMatchObject({ code: 'authentication', status: 401 })
    expect(wrong.message).not.toContain('sk-wrong-key-123456')
    emulator.inject({ kind: 'rate_limit', provider: 'stability', retryAfterSeconds: 0, times: Infinity })
    expect(await failure(sd3())).toMatchObject({ code: 'rate_limited', status: 429 })
  })

  it('says which variable to set when no key is configured', async () => {
    const error = (await client({ STABILITY_BASE_URL: emulator.env.STABILITY_BASE_URL! })
      .generateImage(sd3())
      .catch((e: unknown) => e)) as LLMKitError
    expect(error.code).toBe('authentication')
    expect(error.message).toBe('stability: no API key. Set STABILITY_API_KEY, or pass apiKey to createStability()')
    expect(emulator.requests).toHaveLength(0)
  })
})

describe('configuration', () => {
  it('routes the documented ids without a prefix', () => {
    const routed = client()
    for (const id of [
      'stability-ai/stable-diffusion-xl',
      'stability-ai/stable-diffusion-3',
      'stable-image-core',
      'stability:stable-image-ultra',
    ]) {
      expect(routed.resolveModel(id).provider.id).toBe('stability')
    }
  })

  it('accepts a base URL with or without a version path, and sends client headers', async () => {
    expect(unversionedBaseURL('https://api.stability.ai/v2beta/')).toBe('https://api.stability.ai')
    expect(unversionedBaseURL('https://api.stability.ai/v1')).toBe('https://api.stability.ai')
    const provider = createStability({
      baseURL: `${emulator.env.STABILITY_BASE_URL}/v1`,
      clientId: 'my-app',
      clientVersion: '1.2.3',
    })
    await new LLMKitClient({ providers: [provider], env: emulator.env }).generateImage(
      request('stable-image-ultra', 'a cat'),
    )
    expect(generated()[0]!.headers).toMatchObject({
      'stability-client-id': 'my-app',
      'stability-client-version': '1.2.3',
    })
  })

  it('is registered by fromEnv only when the key is set', () => {
    expect(LLMKitClient.fromEnv({ providers: [stability], env: {} }).providers).toHaveLength(0)
    expect(
      LLMKitClient.fromEnv({ providers: [stability], env: { STABILITY_API_KEY: 'sk-x' } }).providers.map((p) => p.id),
    ).toEqual(['stability'])
  })
})

describeProviderConformance({
  provider: stability,
  emulator: 'stability',
  modelId: 'stability:stability-ai/stable-diffusion-xl',
  keyEnv: 'STABILITY_API_KEY',
  endpoints: { generate: 'generate' },
})
describeProviderConformance({
  provider: stability,
  emulator: 'stability',
  modelId: 'stability:stability-ai/stable-diffusion-3',
  keyEnv: 'STABILITY_API_KEY',
  endpoints: { generate: 'generate' },
})
describeProviderConformance({
  provider: stability,
  emulator: 'stability',
  modelId: 'stability:stable-image-core',
  keyEnv: 'STABILITY_API_KEY',
  endpoints: { generate: 'generate' },
})
describeProviderConformance({
  provider: stability,
  emulator: 'stability',
  modelId: 'stability:stable-image-ultra',
  keyEnv: 'STABILITY_API_KEY',
  endpoints: { generate: 'generate' },
})
