import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ImageFormat, ImageGenerationRequest, ImageSize, LLMKitClient } from '@llmkit/core'
import { checkAgainstSpec, startEmulator, type Emulator } from '@llmkit/testing'
import { stability } from './index'

/** llmkit's v1 requests, as the emulator captured them, against Stability's own v1 OpenAPI document. */
let emulator: Emulator
const check = (body: unknown) => checkAgainstSpec('stability/v1-text-to-image', 'TextToImageRequestBody', body)

beforeAll(async () => {
  emulator = await startEmulator({ providers: ['stability'] })
})
afterAll(() => emulator.close())

describe("SDXL requests against Stability's v1 spec (TextToImageRequestBody)", () => {
  it('the validator is live: it refuses what the spec refuses', () => {
    expect(check({ text_prompts: [] })).not.toEqual([])
    expect(check({ text_prompts: [{ text: 'a fox' }], sampler: 'K_FANCY' })).not.toEqual([])
    expect(check({ text_prompts: [{ text: 'a fox' }], seed: 4_294_967_296 })).not.toEqual([])
    expect(check({ text_prompts: [{ text: 'a fox' }] })).toEqual([])
  })

  it.each([
    ['a plain request', new ImageGenerationRequest('stability-ai/stable-diffusion-xl', 'a fox')],
    [
      'every setting',
      new ImageGenerationRequest('stability-ai/stable-diffusion-xl', 'a fox')
        .with_n(3)
        .with_size(ImageSize.custom(1216, 832))
        .with_negative_prompt('fog')
        .with_seed(4_294_967_295)
        .with_provider_options('stability', {
          cfg_scale: 9,
          steps: 40,
          sampler: 'K_EULER',
          clip_guidance_preset: 'FAST_BLUE',
          style_preset: 'photographic',
        }),
    ],
  ])('%s', async (_name, request) => {
    emulator.clearRequests()
    await new LLMKitClient({ providers: [stability], env: emulator.env }).generateImage(
      request.with_format(ImageFormat.B64Json),
    )
    const sent = emulator.requestsFor('stability', 'generate')
    expect(sent).toHaveLength(1)
    expect(check(sent[0]!.json)).toEqual([])
  })
})
