import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkAgainstSpec } from '../../contract/spec-contract'
import { startEmulator, type Emulator } from '../../start-emulator'

/** The emulator's answers against OpenAI's own OpenAPI document (`ImagesResponse`, `ImageGenStreamEvent`). */
let emulator: Emulator
const check = (schema: string, body: unknown) => checkAgainstSpec('openai/create-image-request', schema, body)

beforeAll(async () => {
  emulator = await startEmulator({ providers: ['openai'] })
})
afterAll(() => emulator.close())

const generate = (body: Record<string, unknown>) =>
  fetch(`${emulator.env.OPENAI_BASE_URL}/images/generations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${emulator.keys.openai}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

describe("the emulator's answers against OpenAI's OpenAPI document", () => {
  it('the validator is live: it refuses what the spec refuses', () => {
    expect(check('ImagesResponse', { data: [] })).not.toEqual([])
    expect(check('ImagesResponse', { created: 1, output_format: 'gif' })).not.toEqual([])
    expect(check('ImageGenStreamEvent', { type: 'image_generation.partial_image', b64_json: 'x' })).not.toEqual([])
  })

  it.each([
    ['dall-e-3, URL', { model: 'dall-e-3', prompt: 'a fox', size: '1792x1024', quality: 'hd' }],
    [
      'dall-e-2, base64, n=2',
      { model: 'dall-e-2', prompt: 'a fox', n: 2, size: '256x256', response_format: 'b64_json' },
    ],
    [
      'gpt-image-1, webp, transparent',
      { model: 'gpt-image-1', prompt: 'a fox', output_format: 'webp', background: 'transparent', quality: 'low' },
    ],
    ['gpt-image-1.5, 1024x1536', { model: 'gpt-image-1.5', prompt: 'a fox', size: '1024x1536' }],
  ])('%s', async (_name, body) => {
    const response = await generate(body)
    expect(response.status).toBe(200)
    expect(check('ImagesResponse', await response.json())).toEqual([])
  })

  it('known spec error: a gpt-image-2 custom size is taken by CreateImageRequest but not in ImagesResponse.size', async () => {
    const response = await generate({ model: 'gpt-image-2', prompt: 'a fox', size: '2048x1152', quality: 'low' })
    const body = (await response.json()) as { size: string }
    expect(body.size).toBe('2048x1152')
    expect(check('ImagesResponse', body)).toEqual(['/size must be equal to one of the allowed values'])
  })

  it('streamed partial images and the completed event (ImageGenStreamEvent)', async () => {
    const response = await generate({
      model: 'gpt-image-1',
      prompt: 'a fox',
      stream: true,
      partial_images: 2,
      quality: 'low',
    })
    const events = (await response.text())
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice('data: '.length)) as { type: string })
    expect(events.map((event) => event.type)).toEqual([
      'image_generation.partial_image',
      'image_generation.partial_image',
      'image_generation.completed',
    ])
    for (const event of events) expect(check('ImageGenStreamEvent', event)).toEqual([])
  })
})
