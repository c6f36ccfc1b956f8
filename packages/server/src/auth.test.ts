import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGateway, hashKey, parseKeys } from './index'
import { json, startHarness, type Harness } from '../test/harness'

const FULL = 'sk-gw-full-0123456789'
const FAL_ONLY = 'sk-gw-fal-0123456789'
const LIMITED = 'sk-gw-limited-0123456789'

let h: Harness
beforeAll(async () => {
  h = await startHarness({
    keys: parseKeys({
      keys: [
        { name: 'full', sha256: hashKey(FULL) },
        { name: 'fal-only', sha256: hashKey(FAL_ONLY), providers: ['fal'] },
        { name: 'limited', sha256: hashKey(LIMITED), rpm: 2, models: ['dall-e-2'] },
      ],
    }),
  })
})
afterAll(() => h.close())

const bearer = (key: string) => ({ authorization: `Bearer ${key}` })
const dalle = { model: 'dall-e-2', prompt: 'a cat', size: '256x256' }

describe('gateway keys', () => {
  it('refuses a request without a key, and with a wrong key, with 401 in the OpenAI envelope', async () => {
    const missing = await h.post('/v1/images/generations', dalle)
    expect(missing.status).toBe(401)
    expect((await json(missing)).error).toMatchObject({ code: 'invalid_api_key', type: 'invalid_request_error' })
    const wrong = await h.post('/v1/images/generations', dalle, bearer('sk-gw-wrong'))
    expect(wrong.status).toBe(401)
    const text = await wrong.text()
    expect(text).not.toContain('sk-gw-wrong')
    expect(h.emulator.requestsFor('openai')).toHaveLength(0)
  })

  it('refuses a model outside the key with 403, and lists only the models it may use', async () => {
    const response = await h.post('/v1/images/generations', dalle, bearer(FAL_ONLY))
    expect(response.status).toBe(403)
    expect((await json(response)).error).toMatchObject({ code: 'model_not_allowed', param: 'model' })
    const models = await json(await h.get('/v1/models', bearer(FAL_ONLY)))
    expect(new Set(models.data.map((model: { owned_by: string }) => model.owned_by))).toEqual(new Set(['fal']))
    expect(h.emulator.requestsFor('openai')).toHaveLength(0)
  })

  it('limits requests per minute per key with 429 and Retry-After, other keys unaffected', async () => {
    expect((await h.post('/v1/images/generations', dalle, bearer(LIMITED))).status).toBe(200)
    expect((await h.post('/v1/images/generations', dalle, bearer(LIMITED))).status).toBe(200)
    const refused = await h.post('/v1/images/generations', dalle, bearer(LIMITED))
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    const body = await json(refused)
    expect(body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' })
    expect(body.error.message).toMatch(/rate limit/i)
    expect((await h.post('/v1/images/generations', dalle, bearer(FULL))).status).toBe(200)
    expect(h.logs.some((line) => line.key === 'limited' && line.status === 429)).toBe(true)
    expect(JSON.stringify(h.logs)).not.toContain(LIMITED)
  })

  it('works with the official openai client unchanged, fal model included', async () => {
    const openai = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: FULL, maxRetries: 0 })
    const fal = await openai.images.generate({
      model: 'fal-ai/flux/schnell',
      prompt: 'a red fox',
      size: '512x512',
    } as never)
    expect(fal.data?.[0]?.url).toMatch(/^http:\/\/127\.0\.0\.1:/)
    const b64 = await openai.images.generate({
      model: 'dall-e-2',
      prompt: 'a cat',
      size: '256x256',
      response_format: 'b64_json',
    })
    expect(Buffer.from(b64.data![0]!.b64_json!, 'base64').subarray(1, 4).toString()).toBe('PNG')
    const error = await openai.images.generate({ model: 'no-such-model', prompt: 'x' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.NotFoundError)
    const unauthorised = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'sk-nope', maxRetries: 0 })
    expect(
      await unauthorised.images.generate({ model: 'dall-e-2', prompt: 'x' }).catch((e: unknown) => e),
    ).toBeInstanceOf(OpenAI.AuthenticationError)
  })

  it('reads and checks keys files', () => {
    expect(() => parseKeys([{ name: 'a', sha256: 'abc' }])).toThrow(/sha256 must be 64 hex digits/)
    expect(() =>
      parseKeys([
        { name: 'a', sha256: hashKey('x') },
        { name: 'a', sha256: hashKey('y') },
      ]),
    ).toThrow(/used twice/)
  })

  it('refuses to listen beyond loopback without keys, and says why', async () => {
    const open = createGateway({ client: h.client, dataDir: h.dataDir, env: {}, log: () => undefined })
    await expect(open.listen({ host: '0.0.0.0', port: 0 })).rejects.toThrow(
      /Refusing to listen on 0\.0\.0\.0 without gateway keys/,
    )
    await open.close()
  })
})
