import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ImageFormat, ImageGenerationRequest, ImageSize, LLMKitClient } from '@llmkit/core'
import { checkAgainstSpec, startEmulator, type Emulator } from '@llmkit/testing'
import { recraft } from './index'

/** llmkit's requests, as the emulator captured them, against Recraft's own OpenAPI document. */
let emulator: Emulator
const check = (body: unknown) => checkAgainstSpec('recraft/generate-image', 'GenerateImageJSONRequest', body)

beforeAll(async () => {
  emulator = await startEmulator({ providers: ['recraft'] })
})
afterAll(() => emulator.close())

describe("requests against Recraft's OpenAPI document (GenerateImageJSONRequest)", () => {
  it('the validator is live: it refuses what the spec refuses', () => {
    expect(check({ prompt: 'a fox', size: '1000x1000' })).not.toEqual([])
    expect(check({ prompt: 'a fox', random_seed: 4_294_967_296 })).not.toEqual([])
    expect(check({ prompt: 'a fox', random_seed: -1 })).not.toEqual([])
    expect(check({ prompt: 'a fox', model: 'recraftv9' })).not.toEqual([])
    expect(check({ model: 'recraftv3' })).not.toEqual([])
    expect(check({ prompt: 'a fox', size: '1024x1024', random_seed: 4_294_967_295 })).toEqual([])
  })

  it.each([
    [
      'V3 with n, a size, a seed, a negative prompt, style, substyle and controls, as base64',
      new ImageGenerationRequest('recraft-v3', 'a fox')
        .with_n(2)
        .with_size(ImageSize.custom(1365, 1024))
        .with_seed(4_294_967_295)
        .with_negative_prompt('fog')
        .with_format(ImageFormat.B64Json)
        .with_provider_options('recraft', {
          style: 'digital_illustration',
          substyle: 'pixel_art',
          controls: {
            colors: [{ rgb: [200, 40, 40] }],
            background_color: { rgb: [255, 255, 255] },
            artistic_level: 3,
            no_text: true,
          },
        }),
    ],
    ['V3 vector, as URLs', new ImageGenerationRequest('recraft-v3-vector', 'a fox')],
    [
      'a custom style id',
      new ImageGenerationRequest('recraft-v3', 'a fox').with_provider_options('recraft', {
        style_id: '229b2a75-05e4-4580-85f9-b47ee521a00d',
      }),
    ],
    ['V4.1 with an aspect ratio', new ImageGenerationRequest('recraft-v4.1', 'a fox').with_aspect_ratio('16:9')],
    ['V4 Pro', new ImageGenerationRequest('recraft-v4-pro', 'a fox')],
    ['V2 vector', new ImageGenerationRequest('recraft-v2-vector', 'a fox').with_seed(0)],
  ])('%s', async (_name, request) => {
    emulator.clearRequests()
    await new LLMKitClient({ providers: [recraft], env: emulator.env }).generateImage(request)
    const sent = emulator.requestsFor('recraft', 'generate')
    expect(sent.length).toBeGreaterThan(0)
    for (const { json } of sent) expect(check(json)).toEqual([])
  })
})
