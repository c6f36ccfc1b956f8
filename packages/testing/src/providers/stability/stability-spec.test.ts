import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkAgainstSpec } from '../../contract/spec-contract'
import { startEmulator, type Emulator } from '../../start-emulator'

/** The emulator's v2beta JSON answers against Stability's v2beta OpenAPI document (`application/json` 200 body). */
let emulator: Emulator
const check = (body: unknown) => checkAgainstSpec('stability/v2beta-generate', 'GenerateImageJSONResponse', body)

beforeAll(async () => {
  emulator = await startEmulator({ providers: ['stability'] })
})
afterAll(() => emulator.close())

async function generate(endpoint: string, fields: Record<string, string>): Promise<unknown> {
  const form = new FormData()
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  const response = await fetch(`${emulator.env.STABILITY_BASE_URL}/v2beta/stable-image/generate/${endpoint}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${emulator.keys.stability}`, accept: 'application/json' },
    body: form,
  })
  expect(response.status).toBe(200)
  return response.json()
}

describe("the emulator's v2beta answers against Stability's v2beta OpenAPI document", () => {
  it('the validator is live: it refuses what the spec refuses', () => {
    expect(check({ image: 'iVBOR', finish_reason: 'ERROR' })).not.toEqual([])
    expect(check({ finish_reason: 'SUCCESS', seed: 1 })).not.toEqual([])
  })

  it.each([
    ['sd3', { prompt: 'a fox', model: 'sd3.5-medium', aspect_ratio: '1:1', seed: '5' }],
    ['ultra', { prompt: 'a fox', aspect_ratio: '1:1' }],
  ])('%s', async (endpoint, fields) => {
    expect(check(await generate(endpoint, fields))).toEqual([])
  })
})
