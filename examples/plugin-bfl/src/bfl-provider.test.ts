import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ImageGenerationRequest, ImageSize, LLMKitClient } from '@llmkit/core'
import { startEmulator, type Emulator } from '@llmkit/testing'
import { readBflError } from './bfl-api.js'
import { bflEmulator } from './bfl-emulator.js'
import { bfl } from './bfl-provider.js'

let emulator: Emulator
beforeAll(async () => {
  emulator = await startEmulator({ providers: [bflEmulator], timing: { queueMs: 30, runMs: 60 } })
})
afterAll(() => emulator.close())

describe('bfl', () => {
  it('submits with x-key and the FLUX body, polls get_result, and returns the sample', async () => {
    const client = new LLMKitClient({ providers: [bfl], env: emulator.env, poll: { maxIntervalMs: 50 } })
    const request = new ImageGenerationRequest('flux-pro-1.1', 'a red fox in snow')
      .with_size(ImageSize.Square512)
      .with_seed(7)
      .with_provider_options('bfl', { safety_tolerance: 4 })
    const response = await client.generateImage(request)
    const [submit] = emulator.requestsFor('bfl', 'submit')
    expect(submit?.path).toBe('/v1/flux-pro-1.1')
    expect(submit?.headers['x-key']).toBe(emulator.keys.bfl)
    expect(submit?.json).toEqual({
      prompt: 'a red fox in snow',
      width: 512,
      height: 512,
      seed: 7,
      output_format: 'png',
      safety_tolerance: 4,
    })
    const polls = emulator.requestsFor('bfl', 'status')
    expect(polls.length).toBeGreaterThan(0)
    expect(polls[0]?.query).toEqual({ id: expect.any(String) })
    expect(response.provider).toBe('bfl')
    expect(response.first()?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\//)
    expect(response.first()?.seed).toBe(7)
  })

  it("answers a bad size with FastAPI's 422, which reads as field: message", async () => {
    const response = await fetch(`${emulator.env.BFL_BASE_URL}/v1/flux-dev`, {
      method: 'POST',
      headers: { 'x-key': emulator.keys.bfl ?? '', 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a fox', width: 100 }),
    })
    expect(response.status).toBe(422)
    expect(readBflError(await response.text())).toMatch(/^width: .*256/)
  })

  it('says which key to set when there is none', async () => {
    const client = new LLMKitClient({ providers: [bfl], env: {} })
    await expect(client.generateImage(new ImageGenerationRequest('bfl:flux-dev', 'a fox'))).rejects.toMatchObject({
      code: 'authentication',
      message: 'bfl: no API key. Set BFL_API_KEY, or pass apiKey to createBfl()',
    })
  })
})
