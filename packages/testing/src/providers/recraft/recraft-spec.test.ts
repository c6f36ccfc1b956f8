import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkAgainstSpec } from '../../contract/spec-contract'
import { startEmulator, type Emulator } from '../../start-emulator'

/** The emulator's answers against Recraft's own OpenAPI document (`GenerateImageResponse`). */
let emulator: Emulator
const check = (body: unknown) => checkAgainstSpec('recraft/generate-image', 'GenerateImageResponse', body)

beforeAll(async () => {
  emulator = await startEmulator({ providers: ['recraft'] })
})
afterAll(() => emulator.close())

const generate = async (body: Record<string, unknown>) =>
  (
    await fetch(`${emulator.env.RECRAFT_BASE_URL}/images/generations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emulator.keys.recraft}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  ).json()

describe("the emulator's answers against Recraft's OpenAPI document", () => {
  it('the validator is live: it refuses what the spec refuses', () => {
    expect(check({ created: 1, credits: 1, data: [{ url: 'https://x' }] })).not.toEqual([])
    expect(check({ created: 1, data: [] })).not.toEqual([])
  })

  it.each([
    ['URLs', { prompt: 'a fox', model: 'recraftv3', n: 2, size: '1024x1024' }],
    ['base64', { prompt: 'a fox', model: 'recraftv3', response_format: 'b64_json', size: '1024x1024' }],
    ['SVG', { prompt: 'a fox', model: 'recraftv3_vector', size: '1024x1024' }],
  ])('%s', async (_name, body) => {
    expect(check(await generate(body))).toEqual([])
  })
})
