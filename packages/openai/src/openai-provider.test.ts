import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  ImageFormat,
  ImageGenerationRequest,
  ImageQuality,
  ImageSize,
  ImageStyle,
  LLMKitClient,
  LLMKitError,
  type ImageProgressEvent,
  versionedBaseURL,
  type ImageModelIds,
} from '@llmkit/core'
import { startEmulator, type Emulator } from '@llmkit/testing'
import { describeProviderConformance } from '@llmkit/testing/conformance'
import { createOpenAI, openai } from './index'

let emulator: Emulator
const client = (env: Record<string, string> = emulator.env) =>
  new LLMKitClient({ providers: [openai], env, retry: { initialDelayMs: 5, maxDelayMs: 20 } })

beforeAll(async () => {
  emulator = await startEmulator({ providers: ['openai'] })
})
afterAll(() => emulator.close())
beforeEach(() => {
  emulator.clearFaults()
  emulator.clearRequests()
})

describe('request mapping', () => {
  it('sends dall-e-3 settings exactly as the API takes them', async () => {
    const request = new ImageGenerationRequest('dall-e-3', 'A serene mountain landscape')
      .with_size(ImageSize.Landscape1792x1024)
      .with_quality(ImageQuality.Hd)
      .with_style(ImageStyle.Vivid)
      .with_format(ImageFormat.Url)
    const response = await client().generateImage(request)
    const [sent] = emulator.requestsFor('openai', 'generate')
    expect(sent!.method).toBe('POST')
    expect(sent!.path).toBe('/v1/images/generations')
    expect(sent!.headers.authorization).toBe(`Bearer ${emulator.keys.openai}`)
    expect(sent!.headers['content-type']).toBe('application/json')
    expect(sent!.json).toEqual({
      model: 'dall-e-3',
      prompt: 'A serene mountain landscape',
      n: 1,
      size: '1792x1024',
      quality: 'hd',
      style: 'vivid',
      response_format: 'url',
    })
    const image = response.first()!
    expect(image.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\//)
    expect(image.revised_prompt).toContain('A serene mountain landscape')
    expect([image.width, image.height]).toEqual([1792, 1024])
    expect(response.warnings).toEqual([])
  })

  it('splits n for dall-e-3 into one call per image', async () => {
    const response = await client().generateImage(
      new ImageGenerationRequest('dall-e-3', 'a red fox').with_n(3).with_format(ImageFormat.B64Json),
    )
    expect(response.count).toBe(3)
    expect(emulator.requestsFor('openai', 'generate').map((r) => (r.json as { n: number }).n)).toEqual([1, 1, 1])
  })

  it('sends dall-e-2 n in one call and warns about what it cannot honour', async () => {
    const request = new ImageGenerationRequest('dall-e-2', 'a red fox')
      .with_n(4)
      .with_size(ImageSize.Landscape1792x1024)
      .with_style(ImageStyle.Natural)
      .with_seed(3)
      .with_format(ImageFormat.B64Json)
    const response = await client().generateImage(request)
    expect(response.count).toBe(4)
    const [sent] = emulator.requestsFor('openai', 'generate')
    expect(sent!.json).toEqual({
      model: 'dall-e-2',
      prompt: 'a red fox',
      n: 4,
      size: '1024x1024',
      response_format: 'b64_json',
    })
    expect(response.warnings).toEqual([
      'dall-e-2 does not support 1792x1024; using 1024x1024 (supported: 256x256, 512x512, 1024x1024)',
      'dall-e-2 has no style setting; ignoring style "natural"',
      'dall-e-2 does not take a seed; results will not be reproducible',
    ])
  })

  it('maps gpt-image-1 quality, never sends response_format, and reports token usage', async () => {
    const request = new ImageGenerationRequest('openai:gpt-image-1', 'a glass teapot')
      .with_quality(ImageQuality.Hd)
      .with_provider_options('openai', { background: 'transparent', output_format: 'webp' })
    const response = await client().generateImage(request)
    const [sent] = emulator.requestsFor('openai', 'generate')
    expect(sent!.json).toEqual({
      model: 'gpt-image-1',
      prompt: 'a glass teapot',
      n: 1,
      size: '1024x1024',
      quality: 'high',
      output_format: 'webp',
      background: 'transparent',
    })
    expect(response.first()!.b64_json!.length).toBeGreaterThan(100)
    expect(response.first()!.url).toBeUndefined()
    expect(response.warnings).toContain(
      'gpt-image-1 returns base64 only; image.url is unset, use b64_json, bytes() or save()',
    )
    expect(response.usage?.total_tokens).toBeGreaterThan(0)
  })

  it('downloads URL images when base64 is asked of a URL-first model', async () => {
    const response = await client().generateImage(
      new ImageGenerationRequest('dall-e-2', 'a cat').with_size(ImageSize.Square256).with_format(ImageFormat.B64Json),
    )
    const bytes = Buffer.from(await response.first()!.bytes())
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG')
    expect(bytes.readUInt32BE(16)).toBe(256)
  })

  it('sends organization and project headers', async () => {
    const provider = createOpenAI({ organization: 'org-123', project: 'proj_abc' })
    await new LLMKitClient({ providers: [provider], env: emulator.env }).generateImage(
      new ImageGenerationRequest('dall-e-2', 'a cat').with_format(ImageFormat.B64Json),
    )
    const [sent] = emulator.requestsFor('openai', 'generate')
    expect(sent!.headers['openai-organization']).toBe('org-123')
    expect(sent!.headers['openai-project']).toBe('proj_abc')
  })

  it('accepts OPENAI_BASE_URL with or without /v1', () => {
    expect(versionedBaseURL('http://127.0.0.1:9/openai')).toBe('http://127.0.0.1:9/openai/v1')
    expect(versionedBaseURL('http://127.0.0.1:9/openai/v1/')).toBe('http://127.0.0.1:9/openai/v1')
  })

  it.each([
    [{ output_compression: 50 }, 'output_compression: applies only to output_format jpeg or webp'],
    [{ output_format: 'png', output_compression: 50 }, 'output_compression: applies only'],
    [{ output_format: 'jpeg', background: 'transparent' }, 'background: transparent needs output_format png or webp'],
  ])('refuses gpt-image options the API would reject (%j) before any request', async (options, problem) => {
    const request = new ImageGenerationRequest('gpt-image-2', 'a fox').with_provider_options('openai', options)
    const error = (await client()
      .generateImage(request)
      .catch((caught: unknown) => caught)) as LLMKitError
    expect(error.code).toBe('invalid_request')
    expect(error.message).toContain(problem)
    expect(emulator.requests).toHaveLength(0)
  })

  it('takes compression with jpeg/webp and transparency with png/webp', async () => {
    for (const options of [
      { output_format: 'webp', output_compression: 40, background: 'transparent' },
      { output_format: 'jpeg', output_compression: 80 },
      { background: 'transparent' },
    ]) {
      const request = new ImageGenerationRequest('gpt-image-2', 'a fox')
        .with_format(ImageFormat.B64Json)
        .with_provider_options('openai', options)
      expect((await client().generateImage(request)).count).toBe(1)
    }
  })

  it('brings a gpt-image-2 size steeper than 3:1 to 3:1 before the request, with a warning', async () => {
    const request = new ImageGenerationRequest('gpt-image-2', 'a panorama')
      .with_format(ImageFormat.B64Json)
      .with_size(ImageSize.custom(3840, 960))
    const response = await client().generateImage(request)
    expect((emulator.requestsFor('openai', 'generate')[0]!.json as { size: string }).size).toBe('3312x1104')
    expect(response.warnings[0]).toMatch(/^gpt-image-2 does not support 3840x960; using 3312x1104 /)
  })

  it('streams partial images as partial_image events, in order, before the image and done', async () => {
    const request = new ImageGenerationRequest('gpt-image-1', 'a fox at dawn')
      .with_format(ImageFormat.B64Json)
      .with_provider_options('openai', { partial_images: 2 })
    const events: ImageProgressEvent[] = []
    for await (const event of client().streamImage(request)) events.push(event)
    expect(events.map((event) => (event.type === 'partial_image' ? `partial ${event.index}` : event.type))).toEqual([
      'partial 0',
      'partial 1',
      'image',
      'done',
    ])
    const partial = events[0] as Extract<ImageProgressEvent, { type: 'partial_image' }>
    expect(partial.image.media_type).toBe('image/png')
    expect(
      Buffer.from(await partial.image.bytes())
        .subarray(1, 4)
        .toString('latin1'),
    ).toBe('PNG')
    expect(emulator.requestsFor('openai', 'generate')[0]!.json).toMatchObject({ stream: true, partial_images: 2 })
    const done = events.at(-1) as Extract<ImageProgressEvent, { type: 'done' }>
    expect(done.response.count).toBe(1)
    expect(done.response.usage?.total_tokens).toBeGreaterThan(0)
  })

  it('answers generateImage as usual when partial images are asked for but nobody listens', async () => {
    const response = await client().generateImage(
      new ImageGenerationRequest('gpt-image-1', 'a fox')
        .with_format(ImageFormat.B64Json)
        .with_provider_options('openai', { partial_images: 1 }),
    )
    expect(response.count).toBe(1)
    expect(response.first()!.media_type).toBe('image/png')
    expect(response.usage?.total_tokens).toBeGreaterThan(0)
  })

  it('maps an error answer to a streamed request like any other', async () => {
    emulator.inject({ kind: 'content_policy', provider: 'openai' })
    const request = new ImageGenerationRequest('gpt-image-1', 'a fox').with_provider_options('openai', {
      partial_images: 3,
    })
    await expect(client().generateImage(request)).rejects.toMatchObject({ code: 'content_policy' })
    await expect(
      client().generateImage(request.with_provider_options('openai', { partial_images: 4 })),
    ).rejects.toMatchObject({ code: 'invalid_request' })
  })

  it('rejects a prompt longer than the model allows before any request', async () => {
    await expect(
      client().generateImage(new ImageGenerationRequest('dall-e-2', 'x'.repeat(1001))),
    ).rejects.toMatchObject({ code: 'invalid_request' })
    expect(emulator.requests).toHaveLength(0)
  })
})

describe('errors', () => {
  it('maps billing errors to quota_exceeded with "quota" in the message', async () => {
    emulator.inject({ kind: 'quota_exceeded', provider: 'openai' })
    const error = (await client()
      .generateImage(new ImageGenerationRequest('dall-e-2', 'a cat'))
      .catch((e: unknown) => e)) as LLMKitError
    expect(error.code).toBe('quota_exceeded')
    expect(error.status).toBe(429)
    expect(error.message).toContain('quota')
    expect(emulator.requestsFor('openai', 'generate')).toHaveLength(1)
  })

  it('says which variable to set when no key is configured', async () => {
    const error = (await client({ OPENAI_BASE_URL: emulator.env.OPENAI_BASE_URL! })
      .generateImage(new ImageGenerationRequest('openai:dall-e-2', 'a cat'))
      .catch((e: unknown) => e)) as LLMKitError
    expect(error.code).toBe('authentication')
    expect(error.message).toContain('OPENAI_API_KEY')
    expect(emulator.requests).toHaveLength(0)
  })

  it('is registered by fromEnv only when the key is set', () => {
    expect(LLMKitClient.fromEnv({ providers: [openai], env: {} }).providers).toHaveLength(0)
    expect(
      LLMKitClient.fromEnv({ providers: [openai], env: { OPENAI_API_KEY: 'sk-x' } }).providers.map((p) => p.id),
    ).toEqual(['openai'])
  })
})

describeProviderConformance({
  provider: openai,
  emulator: 'openai',
  modelId: 'openai:dall-e-2',
  keyEnv: 'OPENAI_API_KEY',
  endpoints: { generate: 'generate' },
})
describeProviderConformance({
  provider: openai,
  emulator: 'openai',
  modelId: 'openai:gpt-image-1',
  keyEnv: 'OPENAI_API_KEY',
  endpoints: { generate: 'generate' },
})

describe('configuration from the environment', () => {
  it('follows changes to the key and base URL between calls', async () => {
    const env: Record<string, string> = { ...emulator.env, OPENAI_API_KEY: 'sk-wrong-0123456789abcdef' }
    const mutable = new LLMKitClient({ providers: [openai], env, retry: { maxRetries: 0 } })
    const request = new ImageGenerationRequest('dall-e-2', 'a cat').with_format(ImageFormat.B64Json)
    await expect(mutable.generateImage(request)).rejects.toMatchObject({ code: 'authentication' })
    env.OPENAI_API_KEY = emulator.keys.openai!
    expect((await mutable.generateImage(request)).count).toBe(1)
    env.OPENAI_BASE_URL = emulator.env.OPENAI_BASE_URL!.replace(/\/v1$/, '')
    expect((await mutable.generateImage(request)).count).toBe(1)
  })
})

describe('model ids', () => {
  it('declares its ids to core, so a request autocompletes them (checked by the typecheck)', () => {
    const known: keyof ImageModelIds = 'gpt-image-1'
    // @ts-expect-error an id no imported provider declares is not among the known ones (any string still works)
    const unknown: keyof ImageModelIds = 'no-such-model'
    expect(new ImageGenerationRequest(known, 'a cat').model).toBe('gpt-image-1')
    expect(new ImageGenerationRequest(unknown, 'a cat').model).toBe('no-such-model')
  })
})
