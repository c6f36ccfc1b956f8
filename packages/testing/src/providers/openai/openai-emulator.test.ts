import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import { HttpClient } from '@llmkit/core'
import { startEmulator, type Emulator } from '../../start-emulator'

let emulator: Emulator
const http = new HttpClient()
const post = (body: unknown, headers: Record<string, string> = { authorization: `Bearer ${emulator.keys.openai}` }) =>
  http.send({ url: `${emulator.env.OPENAI_BASE_URL}/images/generations`, json: body, headers })

beforeAll(async () => {
  emulator = await startEmulator({ providers: ['openai'] })
})
afterAll(() => emulator.close())
beforeEach(() => emulator.clearFaults())

describe('openai emulator: what the real API rejects', () => {
  it('requires Bearer auth with the right key, in OpenAI’s envelope', async () => {
    const missing = await post({ prompt: 'x' }, {})
    expect(missing.status).toBe(401)
    expect(missing.json()).toMatchObject({ error: { type: 'invalid_request_error', param: null, code: null } })
    const wrong = await post({ prompt: 'x' }, { authorization: 'Bearer sk-wrong-0123456789' })
    expect(wrong.status).toBe(401)
    expect(wrong.json()).toMatchObject({ error: { code: 'invalid_api_key' } })
    expect(wrong.text()).not.toContain('sk-wrong-0123456789')
  })

  it.each([
    [
      { model: 'gpt-image-1', prompt: 'x', response_format: 'url' },
      "Unknown parameter: 'response_format'.",
      'unknown_parameter',
      'response_format',
    ],
    [
      { model: 'dall-e-3', prompt: 'x', n: 2 },
      "Invalid 'n': integer above maximum value. Expected a value <= 1, but got 2 instead.",
      'integer_above_max_value',
      'n',
    ],
    [
      { model: 'dall-e-2', prompt: 'x', size: '1792x1024' },
      "Invalid value: '1792x1024'. Supported values are: '256x256', '512x512', '1024x1024'.",
      'invalid_value',
      'size',
    ],
    [
      { model: 'dall-e-2', prompt: 'x', style: 'vivid' },
      "The 'style' parameter is only supported for dall-e-3.",
      'unsupported_parameter',
      'style',
    ],
    [
      { model: 'dall-e-3', prompt: 'x', quality: 'high' },
      "Invalid value: 'high'. Supported values are: 'standard', 'hd', 'auto'.",
      'invalid_value',
      'quality',
    ],
    [
      { model: 'dall-e-2', prompt: 'x'.repeat(1001) },
      "Invalid 'prompt': string too long. Expected a string with maximum length 1000, but got a string with length 1001 instead.",
      'string_above_max_length',
      'prompt',
    ],
    [{ model: 'dall-e-2' }, "Missing required parameter: 'prompt'.", 'missing_required_parameter', 'prompt'],
    [
      { model: 'dall-e-2', prompt: 'x', output_format: 'png' },
      "Unknown parameter: 'output_format'.",
      'unknown_parameter',
      'output_format',
    ],
  ])('rejects %j with 400', async (body, message, code, param) => {
    const response = await post(body)
    expect(response.status).toBe(400)
    expect(response.json()).toEqual({ error: { message, type: 'invalid_request_error', param, code } })
  })

  it('requires a JSON body', async () => {
    const response = await http.send({
      url: `${emulator.env.OPENAI_BASE_URL}/images/generations`,
      form: { prompt: 'x' },
      headers: { authorization: `Bearer ${emulator.keys.openai}` },
    })
    expect(response.status).toBe(400)
  })
})

describe('openai emulator: success shapes', () => {
  it('answers DALL-E with URLs by default (real PNGs of the asked size) and dall-e-3 with revised_prompt', async () => {
    const response = await post({ model: 'dall-e-3', prompt: 'a red barn', size: '1024x1792' })
    expect(response.status).toBe(200)
    expect(response.headers['x-request-id']).toMatch(/^req_/)
    const body = response.json<{ created: number; data: { url: string; revised_prompt: string }[] }>()
    expect(body.data).toHaveLength(1)
    expect(body.data[0]!.revised_prompt).toContain('a red barn')
    const png = Buffer.from((await http.send({ url: body.data[0]!.url })).body)
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1024, 1792])
  })

  it('answers GPT image models with base64, usage and the settings used', async () => {
    const body = (await post({ model: 'gpt-image-1', prompt: 'a teapot', n: 2, quality: 'low' })).json<
      Record<string, unknown> & { data: { b64_json: string }[] }
    >()
    expect(body.data.map((item) => Object.keys(item))).toEqual([['b64_json'], ['b64_json']])
    expect(body).toMatchObject({
      size: '1024x1024',
      quality: 'low',
      output_format: 'png',
      background: 'opaque',
      usage: { input_tokens: expect.any(Number), total_tokens: expect.any(Number) },
    })
  })

  it.each([
    ['content_policy', 'dall-e-2', 400, 'content_policy_violation'],
    ['content_policy', 'gpt-image-1', 400, 'moderation_blocked'],
    ['quota_exceeded', 'dall-e-2', 429, 'insufficient_quota'],
  ] as const)('injects %s for %s as OpenAI sends it', async (kind, model, status, code) => {
    emulator.inject({ kind, provider: 'openai' })
    const response = await post({ model, prompt: 'x' })
    expect(response.status).toBe(status)
    expect(response.json<{ error: { code: string } }>().error.code).toBe(code)
  })
})

describe('the official openai SDK against the emulator', () => {
  const sdk = () => new OpenAI({ apiKey: emulator.keys.openai, baseURL: emulator.env.OPENAI_BASE_URL, maxRetries: 0 })

  it('generates images', async () => {
    const result = await sdk().images.generate({
      model: 'dall-e-2',
      prompt: 'a fox',
      n: 2,
      size: '256x256',
      response_format: 'b64_json',
    })
    expect(result.data).toHaveLength(2)
    expect(Buffer.from(result.data![0]!.b64_json!, 'base64').readUInt32BE(16)).toBe(256)
  })

  it('gets the typed errors it would get from OpenAI', async () => {
    await expect(sdk().images.generate({ model: 'dall-e-3', prompt: 'x', n: 2 })).rejects.toBeInstanceOf(
      OpenAI.BadRequestError,
    )
    await expect(
      new OpenAI({
        apiKey: 'sk-wrong-0123456789',
        baseURL: emulator.env.OPENAI_BASE_URL,
        maxRetries: 0,
      }).images.generate({ prompt: 'x' }),
    ).rejects.toBeInstanceOf(OpenAI.AuthenticationError)
    emulator.inject({ kind: 'rate_limit', provider: 'openai', retryAfterSeconds: 0 })
    await expect(sdk().images.generate({ prompt: 'x' })).rejects.toBeInstanceOf(OpenAI.RateLimitError)
  })

  it('streams partial images, then the completed image with usage (stream: true)', async () => {
    const stream = await sdk().images.generate({
      model: 'gpt-image-1',
      prompt: 'a fox at dawn',
      stream: true,
      partial_images: 2,
    })
    const events: OpenAI.Images.ImageGenStreamEvent[] = []
    for await (const event of stream) events.push(event)
    expect(
      events.map((event) => [event.type, 'partial_image_index' in event ? event.partial_image_index : -1]),
    ).toEqual([
      ['image_generation.partial_image', 0],
      ['image_generation.partial_image', 1],
      ['image_generation.completed', -1],
    ])
    for (const event of events)
      expect(Buffer.from(event.b64_json, 'base64').subarray(1, 4).toString('latin1')).toBe('PNG')
    const completed = events[2] as OpenAI.Images.ImageGenCompletedEvent
    expect(completed).toMatchObject({
      output_format: 'png',
      size: '1024x1024',
      usage: { total_tokens: expect.any(Number) },
    })
  })

  it('refuses what the real API refuses on GPT image models', async () => {
    await expect(
      sdk().images.generate({ model: 'gpt-image-1', prompt: 'x', stream: true, partial_images: 4 }),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError)
    await expect(
      sdk().images.generate({ model: 'gpt-image-1', prompt: 'x', output_format: 'png', output_compression: 50 }),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError)
    await expect(
      sdk().images.generate({ model: 'gpt-image-1', prompt: 'x', output_format: 'jpeg', background: 'transparent' }),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError)
  })
})

describe('openai emulator: images differ between calls', () => {
  it('draws a new picture for each call of the same prompt', async () => {
    const first = (await post({ model: 'dall-e-3', prompt: 'a red barn', response_format: 'b64_json' })).json<{
      data: { b64_json: string }[]
    }>()
    const second = (await post({ model: 'dall-e-3', prompt: 'a red barn', response_format: 'b64_json' })).json<{
      data: { b64_json: string }[]
    }>()
    expect(first.data[0]!.b64_json).not.toBe(second.data[0]!.b64_json)
  })
})
