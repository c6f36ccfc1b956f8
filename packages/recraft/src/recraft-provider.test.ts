import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  ImageFormat,
  ImageGenerationRequest,
  ImageSize,
  LLMKitClient,
  LLMKitError,
  versionedBaseURL,
} from '@llmkit/core'
import { startEmulator, type Emulator } from '@llmkit/testing'
import { describeProviderConformance } from '@llmkit/testing/conformance'
import { createRecraft, recraft } from './index'

let emulator: Emulator
const client = (env: Record<string, string> = emulator.env) =>
  new LLMKitClient({ providers: [recraft], env, retry: { maxRetries: 2, initialDelayMs: 5, maxDelayMs: 20 } })
const generated = () => emulator.requestsFor('recraft', 'generate')
const failure = (image: ImageGenerationRequest) =>
  client()
    .generateImage(image)
    .then(
      () => undefined,
      (error: unknown) => error as LLMKitError,
    )
const b64 = (model: string, prompt: string) =>
  new ImageGenerationRequest(model, prompt).with_format(ImageFormat.B64Json)

beforeAll(async () => {
  emulator = await startEmulator({ providers: ['recraft'] })
})
afterAll(() => emulator.close())
beforeEach(() => {
  emulator.clearFaults()
  emulator.clearRequests()
})

describe('request mapping', () => {
  it('sends recraft-v3 with style, substyle, controls, negative prompt and size exactly', async () => {
    const request = new ImageGenerationRequest('recraft-v3', 'A serene mountain landscape')
      .with_n(2)
      .with_size(ImageSize.custom(1365, 1024))
      .with_negative_prompt('text')
      .with_provider_options('recraft', {
        style: 'digital_illustration',
        substyle: 'pixel_art',
        controls: { artistic_level: 2, colors: [{ rgb: [200, 40, 40] }] },
      })
    const response = await client().generateImage(request)
    const [sent] = generated()
    expect(sent!.method).toBe('POST')
    expect(sent!.path).toBe('/v1/images/generations')
    expect(sent!.headers.authorization).toBe(`Bearer ${emulator.keys.recraft}`)
    expect(sent!.headers['content-type']).toBe('application/json')
    expect(sent!.json).toEqual({
      prompt: 'A serene mountain landscape',
      model: 'recraftv3',
      n: 2,
      size: '1365x1024',
      response_format: 'url',
      style: 'digital_illustration',
      substyle: 'pixel_art',
      negative_prompt: 'text',
      controls: { artistic_level: 2, colors: [{ rgb: [200, 40, 40] }] },
    })
    expect(response.count).toBe(2)
    expect(response.first()!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\/.+\.png$/)
    expect([response.first()!.width, response.first()!.height]).toEqual([1365, 1024])
    expect(response.warnings).toEqual([])
  })

  it('asks for b64_json when base64 is wanted, and the bytes decide the media type', async () => {
    const response = await client().generateImage(b64('recraft-v3', 'a red fox'))
    expect(generated()[0]!.json).toEqual({
      prompt: 'a red fox',
      model: 'recraftv3',
      n: 1,
      size: '1024x1024',
      response_format: 'b64_json',
    })
    expect(response.first()!.media_type).toBe('image/png')
  })

  it('returns SVG with media type image/svg+xml from vector models, as base64 or URL', async () => {
    const asBase64 = await client().generateImage(b64('recraft-v3-vector', 'a fox logo'))
    expect((generated()[0]!.json as { model: string }).model).toBe('recraftv3_vector')
    expect(asBase64.first()!.media_type).toBe('image/svg+xml')
    expect(Buffer.from(await asBase64.first()!.bytes()).toString('utf8')).toMatch(
      /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="1024" height="1024"/,
    )
    const asUrl = await client().generateImage(new ImageGenerationRequest('recraft-v3-vector', 'a fox logo'))
    expect(asUrl.first()!.url).toMatch(/\.svg$/)
    expect(asUrl.first()!.media_type).toBe('image/svg+xml')
  })

  it('returns SVG for the vector styles of a raster model', async () => {
    const response = await client().generateImage(
      new ImageGenerationRequest('recraft-v3', 'a fox').with_provider_options('recraft', {
        style: 'icon',
        substyle: 'outline',
      }),
    )
    expect(response.first()!.media_type).toBe('image/svg+xml')
  })

  it('snaps a size V3 lacks to the nearest listed one, with a warning', async () => {
    const response = await client().generateImage(b64('recraft-v3', 'a fox').with_size(ImageSize.Landscape1792x1024))
    expect((generated()[0]!.json as { size: string }).size).toBe('1820x1024')
    expect(response.warnings).toEqual([
      expect.stringMatching(
        /^recraft-v3 does not support 1792x1024; using 1820x1024 \(supported: 1024x1024, 1365x1024, /,
      ),
    ])
  })

  it('sends V4 sizes as ratios, warns about the negative prompt, and takes no style', async () => {
    const response = await client().generateImage(
      b64('recraft-v4', 'a fox').with_aspect_ratio('16:9').with_negative_prompt('text'),
    )
    expect(generated()[0]!.json).toEqual({
      prompt: 'a fox',
      model: 'recraftv4',
      n: 1,
      size: '16:9',
      response_format: 'b64_json',
    })
    expect(response.warnings).toEqual(['recraft-v4 does not take a negative prompt; ignoring it'])
    const styled = b64('recraft-v4', 'a fox').with_provider_options('recraft', { style: 'icon' })
    expect(await failure(styled)).toMatchObject({ code: 'invalid_request' })
  })

  it('sends the seed as random_seed, so the same seed gives the same picture', async () => {
    const request = b64('recraft-v3', 'a fox').with_seed(4_294_967_295)
    const response = await client().generateImage(request)
    expect((generated()[0]!.json as { random_seed: number }).random_seed).toBe(4_294_967_295)
    expect(response.warnings).toEqual([])
    const again = await client().generateImage(request)
    expect(again.first()!.b64_json).toBe(response.first()!.b64_json)
    const other = await client().generateImage(request.with_seed(7))
    expect(other.first()!.b64_json).not.toBe(response.first()!.b64_json)
  })

  it('splits n above 6 into calls of at most 6', async () => {
    const response = await client().generateImage(b64('recraft-v3', 'a fox').with_n(8))
    expect(response.count).toBe(8)
    expect(generated().map((r) => (r.json as { n: number }).n)).toEqual([6, 2])
  })

  it.each([
    [
      { style: 'realistic_image', substyle: 'pixel_art' },
      'substyle: pixel_art is a digital_illustration substyle, not a realistic_image one',
    ],
    [{ substyle: 'hdr' }, 'substyle: needs a style'],
    [{ style: 'icon', style_id: '6c8f3a2e-1d4b-4a9e-9c1f-0a1b2c3d4e5f' }, 'style_id: use style or style_id, not both'],
    [{ style: 'oil_painting' }, 'style:'],
    [{ controls: { artistic_level: 9 } }, 'controls.artistic_level'],
  ])('rejects %j before any request', async (options, problem) => {
    const error = await failure(b64('recraft-v3', 'a fox').with_provider_options('recraft', options))
    expect(error).toMatchObject({ code: 'invalid_request' })
    expect(error!.message).toContain(problem)
    expect(emulator.requests).toHaveLength(0)
  })
})

describe('errors', () => {
  const fox = () => b64('recraft-v3', 'a fox')

  it('maps not_enough_credits to quota_exceeded with "quota" in the message', async () => {
    emulator.inject({ kind: 'quota_exceeded', provider: 'recraft' })
    const error = await failure(fox())
    expect(error).toMatchObject({ code: 'quota_exceeded', status: 402 })
    expect(error!.message).toContain('recraft: 402 not_enough_credits: Not enough credits')
    expect(error!.message).toContain('quota')
  })

  it('maps a moderation refusal to content_policy', async () => {
    emulator.inject({ kind: 'content_policy', provider: 'recraft' })
    expect(await failure(fox())).toMatchObject({ code: 'content_policy', status: 400 })
  })

  it.each([
    [400, 'invalid_request', 1],
    [404, 'invalid_request', 1],
    [500, 'provider_error', 3],
  ])('maps %i to %s (%i attempts)', async (status, code, attempts) => {
    emulator.inject({
      kind: 'server_error',
      provider: 'recraft',
      status,
      times: Infinity,
      message: 'something specific',
    })
    const error = await failure(fox())
    expect(error).toMatchObject({ code, status })
    expect(error!.message).toMatch(new RegExp(`^recraft: ${status} \\w+: something specific`))
    expect(generated()).toHaveLength(attempts)
  })

  it('maps 401 to authentication without leaking the token, and 429 to rate_limited', async () => {
    const wrong = (await client({ ...emulator.env, RECRAFT_API_TOKEN: 'rc-wrong-token-98765' })
      .generateImage(fox())
      .catch((e: unknown) => e)) as LLMKitError
    expect(wrong).toMatchObject({ code: 'authentication', status: 401 })
    expect(wrong.message).not.toContain('rc-wrong-token-98765')
    emulator.inject({ kind: 'rate_limit', provider: 'recraft', retryAfterSeconds: 0, times: Infinity })
    expect(await failure(fox())).toMatchObject({ code: 'rate_limited', status: 429 })
  })

  it('says which variable to set when no token is configured', async () => {
    const error = (await client({ RECRAFT_BASE_URL: emulator.env.RECRAFT_BASE_URL! })
      .generateImage(fox())
      .catch((e: unknown) => e)) as LLMKitError
    expect(error.message).toBe('recraft: no API key. Set RECRAFT_API_TOKEN, or pass apiKey to createRecraft()')
    expect(emulator.requests).toHaveLength(0)
  })
})

describe('configuration', () => {
  it('routes recraft-v3 and Recraft’s own ids without a prefix', () => {
    for (const [id, model] of [
      ['recraft-v3', 'recraft-v3'],
      ['recraftv3', 'recraft-v3'],
      ['recraftv4_1_vector', 'recraft-v4.1-vector'],
      ['recraft:recraft-v2', 'recraft-v2'],
    ]) {
      expect(client().resolveModel(id!)).toMatchObject({ provider: { id: 'recraft' }, model: { id: model } })
    }
  })

  it('accepts the base URL with or without /v1', async () => {
    expect(versionedBaseURL('https://external.api.recraft.ai')).toBe('https://external.api.recraft.ai/v1')
    expect(versionedBaseURL('https://external.api.recraft.ai/v1/')).toBe('https://external.api.recraft.ai/v1')
    const provider = createRecraft({ baseURL: emulator.urls.recraft, headers: { 'x-trace': 'abc' } })
    await new LLMKitClient({ providers: [provider], env: emulator.env }).generateImage(b64('recraft-v3', 'a fox'))
    expect(generated()[0]!.headers['x-trace']).toBe('abc')
  })

  it('is registered by fromEnv only when the token is set', () => {
    expect(LLMKitClient.fromEnv({ providers: [recraft], env: {} }).providers).toHaveLength(0)
    expect(
      LLMKitClient.fromEnv({ providers: [recraft], env: { RECRAFT_API_TOKEN: 'x' } }).providers.map((p) => p.id),
    ).toEqual(['recraft'])
  })
})

describeProviderConformance({
  provider: recraft,
  emulator: 'recraft',
  modelId: 'recraft:recraft-v3',
  keyEnv: 'RECRAFT_API_TOKEN',
  endpoints: { generate: 'generate' },
})
describeProviderConformance({
  provider: recraft,
  emulator: 'recraft',
  modelId: 'recraft:recraft-v3-vector',
  keyEnv: 'RECRAFT_API_TOKEN',
  endpoints: { generate: 'generate' },
})
describeProviderConformance({
  provider: recraft,
  emulator: 'recraft',
  modelId: 'recraft:recraft-v4',
  keyEnv: 'RECRAFT_API_TOKEN',
  endpoints: { generate: 'generate' },
})
