import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ImageFormat, ImageGenerationRequest, ImageSize, LLMKitClient } from '@llmkit/core'
import { checkAgainstSpec, startEmulator, type Emulator } from '@llmkit/testing'
import { replicate } from './index'

/** llmkit's create requests, as the emulator captured them, against Replicate's own OpenAPI document. */
let emulator: Emulator
const SPEC = 'replicate/predictions'
const VERSION = '5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa'
/** `POST /v1/predictions` takes a version; `POST /v1/models/{owner}/{name}/predictions` does not. */
const schemaFor = (path: string) =>
  path === '/v1/predictions' ? 'schemas_version_prediction_request' : 'schemas_prediction_request'

beforeAll(async () => {
  emulator = await startEmulator({ providers: ['replicate'], timing: { queueMs: 0, runMs: 50, initialPosition: 0 } })
})
afterAll(() => emulator.close())

describe("create requests against Replicate's OpenAPI document", () => {
  it('the validator is live: it refuses what the spec refuses', () => {
    expect(checkAgainstSpec(SPEC, 'schemas_prediction_request', { input: {}, version: 'abc' })).not.toEqual([])
    expect(checkAgainstSpec(SPEC, 'schemas_version_prediction_request', { input: {} })).not.toEqual([])
    expect(checkAgainstSpec(SPEC, 'schemas_prediction_request', { input: 'a fox' })).not.toEqual([])
    expect(checkAgainstSpec(SPEC, 'schemas_prediction_request', { input: { prompt: 'a fox' } })).toEqual([])
  })

  it.each([
    [
      'FLUX schnell with n, an aspect ratio, a seed and every option',
      new ImageGenerationRequest('replicate:black-forest-labs/flux-schnell', 'a fox')
        .with_n(2)
        .with_aspect_ratio('16:9')
        .with_seed(7)
        .with_provider_options('replicate', {
          output_format: 'png',
          output_quality: 90,
          num_inference_steps: 4,
          disable_safety_checker: true,
        }),
    ],
    [
      'SDXL by version with a size, a negative prompt and guidance',
      new ImageGenerationRequest('replicate:stability-ai/sdxl', 'a castle')
        .with_size(ImageSize.Square512)
        .with_negative_prompt('blurry')
        .with_seed(3)
        .with_provider_options('replicate', { guidance: 7.5 }),
    ],
    [
      'any owner/name:version with extra inputs',
      new ImageGenerationRequest(`replicate:acme/painter:${VERSION}`, 'a boat').with_provider_options('replicate', {
        input: { scheduler: 'K_EULER' },
      }),
    ],
    [
      'any owner/name, downloaded as base64',
      new ImageGenerationRequest('replicate:acme/painter', 'a boat')
        .with_size(ImageSize.Square256)
        .with_format(ImageFormat.B64Json),
    ],
  ])('%s', async (_name, request) => {
    emulator.clearRequests()
    await new LLMKitClient({ providers: [replicate], env: emulator.env }).generateImage(request)
    const sent = emulator.requestsFor('replicate', 'submit')
    expect(sent).toHaveLength(1)
    expect(checkAgainstSpec(SPEC, schemaFor(sent[0]!.path), sent[0]!.json)).toEqual([])
  })
})
