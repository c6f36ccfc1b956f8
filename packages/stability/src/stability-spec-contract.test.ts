import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ImageFormat, ImageGenerationRequest, ImageSize, LLMKitClient } from '@llmkit/core'
import {
  checkAgainstSpec,
  checkMultipartAgainstSpec,
  startEmulator,
  type Emulator,
  type MultipartFields,
} from '@llmkit/testing'
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

describe("v2beta multipart requests against Stability's v2beta OpenAPI document (generate/ultra, generate/sd3)", () => {
  const v2 = (schema: string, fields: MultipartFields) =>
    checkMultipartAgainstSpec('stability/v2beta-generate', schema, fields)

  it('the validator is live: it refuses what the spec refuses', () => {
    expect(v2('GenerateSD3Request', { prompt: 'a fox', model: 'sd3.5-huge' })).not.toEqual([])
    expect(v2('GenerateSD3Request', { prompt: 'a fox', seed: '4294967295' })).not.toEqual([])
    expect(v2('GenerateSD3Request', { prompt: 'a fox', cfg_scale: '11' })).not.toEqual([])
    expect(v2('GenerateUltraRequest', { prompt: 'a fox', cfg_scale: '4' })).not.toEqual([])
    expect(v2('GenerateUltraRequest', { prompt: 'a fox', aspect_ratio: '4:3' })).not.toEqual([])
    expect(v2('GenerateSD3Request', { prompt: 'a fox', model: 'sd3.5-flash', seed: '4294967294' })).toEqual([])
  })

  it.each([
    [
      'SD3.5 Large with every option',
      'GenerateSD3Request',
      new ImageGenerationRequest('stability-ai/stable-diffusion-3', 'a fox')
        .with_aspect_ratio('16:9')
        .with_negative_prompt('fog')
        .with_seed(4_294_967_294)
        .with_provider_options('stability', {
          model: 'sd3.5-large',
          cfg_scale: 5,
          output_format: 'webp',
          style_preset: 'cinematic',
        }),
    ],
    [
      'SD3.5 Large Turbo (no negative prompt)',
      'GenerateSD3Request',
      new ImageGenerationRequest('stability-ai/stable-diffusion-3', 'a fox')
        .with_negative_prompt('fog')
        .with_provider_options('stability', { model: 'sd3.5-large-turbo' }),
    ],
    [
      'SD3.5 Flash',
      'GenerateSD3Request',
      new ImageGenerationRequest('stability-ai/stable-diffusion-3', 'a fox').with_provider_options('stability', {
        model: 'sd3.5-flash',
      }),
    ],
    [
      'an older SD3 name, sent as its SD3.5 successor',
      'GenerateSD3Request',
      new ImageGenerationRequest('stability-ai/stable-diffusion-3', 'a fox').with_provider_options('stability', {
        model: 'sd3-medium',
      }),
    ],
    [
      'Ultra with every option, n split into calls',
      'GenerateUltraRequest',
      new ImageGenerationRequest('stability-ai/stable-image-ultra', 'a fox')
        .with_n(2)
        .with_size(ImageSize.custom(1536, 640))
        .with_negative_prompt('fog')
        .with_seed(7)
        .with_provider_options('stability', { output_format: 'jpeg', style_preset: 'photographic' }),
    ],
  ])('%s', async (_name, schema, request) => {
    emulator.clearRequests()
    await new LLMKitClient({ providers: [stability], env: emulator.env }).generateImage(
      request.with_format(ImageFormat.B64Json),
    )
    const sent = emulator.requestsFor('stability', 'generate')
    expect(sent.length).toBeGreaterThan(0)
    for (const { multipart } of sent) expect(v2(schema, multipart!)).toEqual([])
  })
})
