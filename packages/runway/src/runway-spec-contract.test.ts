import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ImageFormat, ImageGenerationRequest, ImageSize, LLMKitClient } from '@llmkit/core'
import { checkAgainstSpec, startEmulator, type Emulator } from '@llmkit/testing'
import { runway } from './index'

/** llmkit's task requests, as the emulator captured them, against the params types of Runway's official SDK. */
let emulator: Emulator
const SCHEMA_BY_MODEL: Record<string, string> = {
  gen4_image: 'TextToImageCreateParams.Gen4Image',
  gen4_image_turbo: 'TextToImageCreateParams.Gen4ImageTurbo',
}
const check = (schema: string, body: unknown) => checkAgainstSpec('runway/requests', schema, body)
const dataURI = `data:image/png;base64,${Buffer.alloc(6_000, 7).toString('base64')}`

beforeAll(async () => {
  emulator = await startEmulator({ providers: ['runway'], timing: { queueMs: 0, runMs: 50, initialPosition: 0 } })
})
afterAll(() => emulator.close())

describe("POST /v1/text_to_image bodies against @runwayml/sdk's TextToImageCreateParams", () => {
  it('the validator is live: it refuses what the types refuse', () => {
    const gen4 = SCHEMA_BY_MODEL.gen4_image!
    expect(check(gen4, { model: 'gen4_image', promptText: 'a fox', ratio: '1024:768' })).not.toEqual([])
    expect(check(gen4, { model: 'gen4_image', promptText: 'a fox', ratio: '1024:1024', seed: '1' })).not.toEqual([])
    expect(check(gen4, { model: 'gen4_image', promptText: 'a fox', ratio: '1024:1024', n: 2 })).not.toEqual([])
    expect(
      check(SCHEMA_BY_MODEL.gen4_image_turbo!, { model: 'gen4_image_turbo', promptText: 'a', ratio: '720:720' }),
    ).not.toEqual([])
    expect(check(gen4, { model: 'gen4_image', promptText: 'a fox', ratio: '1024:1024' })).toEqual([])
  })

  it.each([
    [
      'gen4_image with a size, a seed, the moderation setting and reference images (URL and data URI)',
      new ImageGenerationRequest('runway:gen4_image', '@fox by @lake')
        .with_size(ImageSize.custom(1920, 1080))
        .with_seed(4_294_967_295)
        .with_provider_options('runway', {
          publicFigureThreshold: 'low',
          referenceImages: [
            { uri: 'https://example.invalid/fox.png', tag: 'fox' },
            { uri: dataURI, tag: 'lake' },
          ],
        }),
    ],
    ['gen4_image split into two tasks', new ImageGenerationRequest('runway:gen4_image', 'a fox').with_n(2)],
    [
      'gen4_image_turbo with a local reference image, as base64',
      new ImageGenerationRequest('runway:gen4_image_turbo', '@fox in the snow')
        .with_format(ImageFormat.B64Json)
        .with_provider_options('runway', { referenceImages: [{ uri: dataURI, tag: 'fox' }] }),
    ],
  ])('%s', async (_name, request) => {
    emulator.clearRequests()
    await new LLMKitClient({ providers: [runway], env: emulator.env }).generateImage(request)
    const sent = emulator.requestsFor('runway', 'submit')
    expect(sent.length).toBeGreaterThan(0)
    for (const { json } of sent) expect(check(SCHEMA_BY_MODEL[(json as { model: string }).model]!, json)).toEqual([])
  })
})
