import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ImageFormat, ImageGenerationRequest, ImageQuality, ImageSize, ImageStyle, LLMKitClient } from '@llmkit/core'
import { checkAgainstSpec, startEmulator, type Emulator } from '@llmkit/testing'
import { openai } from './index'

/** llmkit's outgoing requests, as the emulator captured them, against OpenAI's own OpenAPI document. */
let emulator: Emulator
const check = (body: unknown) => checkAgainstSpec('openai/create-image-request', 'CreateImageRequest', body)

beforeAll(async () => {
  emulator = await startEmulator({ providers: ['openai'] })
})
afterAll(() => emulator.close())

describe("requests against OpenAI's spec (CreateImageRequest)", () => {
  it('the validator is live: it refuses what the spec refuses, and takes null where the spec says nullable', () => {
    expect(check({ prompt: 'a fox', n: 11 })).not.toEqual([])
    expect(check({ prompt: 'a fox', response_format: 'png' })).not.toEqual([])
    expect(check({ n: 1 })).not.toEqual([])
    expect(check({ prompt: 'a fox', model: null, n: null, quality: null })).toEqual([])
  })

  it.each([
    [
      'dall-e-3 with size, quality, style, base64',
      new ImageGenerationRequest('dall-e-3', 'a lighthouse')
        .with_size(ImageSize.Landscape1792x1024)
        .with_quality(ImageQuality.Hd)
        .with_style(ImageStyle.Natural)
        .with_format(ImageFormat.B64Json),
    ],
    [
      'dall-e-2 with n and a user',
      new ImageGenerationRequest('dall-e-2', 'a fox')
        .with_n(3)
        .with_size(ImageSize.Square256)
        .with_provider_options('openai', { user: 'u-1' }),
    ],
    [
      'gpt-image-1 with every option',
      new ImageGenerationRequest('gpt-image-1', 'a fox').with_provider_options('openai', {
        quality: 'high',
        output_format: 'webp',
        output_compression: 60,
        background: 'transparent',
        moderation: 'low',
      }),
    ],
    [
      'gpt-image-2 with a custom size',
      new ImageGenerationRequest('gpt-image-2', 'a fox').with_size(ImageSize.custom(2048, 1152)),
    ],
    [
      'gpt-image-1.5 streaming partial images',
      new ImageGenerationRequest('gpt-image-1.5', 'a fox').with_provider_options('openai', { partial_images: 2 }),
    ],
  ])('%s', async (_name, request) => {
    emulator.clearRequests()
    await new LLMKitClient({ providers: [openai], env: emulator.env }).generateImage(request)
    const sent = emulator.requestsFor('openai', 'generate')
    expect(sent.length).toBeGreaterThan(0)
    for (const { json } of sent) expect(check(json)).toEqual([])
  })
})
