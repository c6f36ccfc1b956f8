import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ImageFormat, ImageGenerationRequest, ImageSize, LLMKitClient } from '@llmkit/core'
import { checkAgainstSpec, startEmulator, type Emulator } from '@llmkit/testing'
import { fal } from './index'

/** llmkit's submit bodies, as the emulator captured them, against the input types of fal's official client. */
let emulator: Emulator
const SCHEMA_BY_PATH: Record<string, string> = {
  '/fal-ai/flux/dev': 'FluxDevInput',
  '/fal-ai/flux/schnell': 'FluxSchnellInput',
  '/fal-ai/stable-diffusion-v3-medium': 'StableDiffusionV3MediumInput',
}
const check = (schema: string, body: unknown) => checkAgainstSpec('fal/requests', schema, body)

beforeAll(async () => {
  emulator = await startEmulator({ providers: ['fal'], timing: { queueMs: 0, runMs: 50, initialPosition: 0 } })
})
afterAll(() => emulator.close())

describe("submit bodies against @fal-ai/client's endpoint input types", () => {
  it('the validator is live: it refuses what the types refuse', () => {
    expect(check('FluxDevInput', { prompt: 'a fox', negative_prompt: 'fog' })).not.toEqual([])
    expect(check('FluxDevInput', { prompt: 'a fox', image_size: 'square_xl' })).not.toEqual([])
    expect(check('FluxDevInput', { prompt: 'a fox', output_format: 'webp' })).not.toEqual([])
    expect(check('StableDiffusionV3MediumInput', { image_size: 'square' })).not.toEqual([])
    expect(check('FluxDevInput', { prompt: 'a fox', image_size: { width: 512, height: 768 } })).toEqual([])
  })

  it.each([
    [
      'FLUX [dev] with n, a preset size, a seed and every option',
      new ImageGenerationRequest('fal-ai/flux/dev', 'a fox')
        .with_n(2)
        .with_size(ImageSize.custom(512, 512))
        .with_seed(5)
        .with_provider_options('fal', {
          num_inference_steps: 28,
          guidance_scale: 3.5,
          enable_safety_checker: false,
          output_format: 'png',
          acceleration: 'regular',
          sync_mode: true,
        }),
    ],
    [
      'FLUX [dev] with a custom size and a negative prompt (dropped with a warning)',
      new ImageGenerationRequest('fal-ai/flux/dev', 'a fox')
        .with_size(ImageSize.custom(512, 768))
        .with_negative_prompt('fog'),
    ],
    [
      'FLUX [schnell] split into two calls, as base64',
      new ImageGenerationRequest('fal-ai/flux/schnell', 'a fox')
        .with_n(6)
        .with_size(ImageSize.custom(512, 512))
        .with_seed(1)
        .with_format(ImageFormat.B64Json)
        .with_provider_options('fal', { num_inference_steps: 4 }),
    ],
    [
      'Stable Diffusion 3 with a negative prompt and every option',
      new ImageGenerationRequest('fal-ai/stable-diffusion-3', 'a fox')
        .with_negative_prompt('fog')
        .with_seed(9)
        .with_provider_options('fal', {
          num_inference_steps: 30,
          guidance_scale: 5,
          enable_safety_checker: true,
          prompt_expansion: true,
          sync_mode: false,
        }),
    ],
  ])('%s', async (_name, request) => {
    emulator.clearRequests()
    await new LLMKitClient({ providers: [fal], env: emulator.env }).generateImage(request)
    const sent = emulator.requestsFor('fal', 'submit')
    expect(sent.length).toBeGreaterThan(0)
    for (const { path, json } of sent) expect(check(SCHEMA_BY_PATH[path]!, json)).toEqual([])
  })
})
