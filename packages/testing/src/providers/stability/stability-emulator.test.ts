import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '../../start-emulator'

let emulator: Emulator
let base: string
let key: string

beforeAll(async () => {
  emulator = await startEmulator({ providers: ['stability'] })
  base = emulator.env.STABILITY_BASE_URL!
  key = emulator.keys.stability!
})
afterAll(() => emulator.close())
beforeEach(() => {
  emulator.clearFaults()
  emulator.clearRequests()
})

const pngSize = (bytes: Buffer) => [bytes.readUInt32BE(16), bytes.readUInt32BE(20)]
const SDXL = '/v1/generation/stable-diffusion-xl-1024-v1-0/text-to-image'

function v1(body: unknown, headers: Record<string, string> = {}, engine = SDXL) {
  return fetch(`${base}${engine}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      accept: 'application/json',
      ...headers,
    },
    body: JSON.stringify(body),
  })
}

function v2(endpoint: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const form = new FormData()
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  return fetch(`${base}/v2beta/stable-image/generate/${endpoint}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, accept: 'application/json', ...headers },
    body: form,
  })
}

const prompt = (text = 'a red fox in snow') => ({ text_prompts: [{ text, weight: 1 }] })

describe('stability emulator, v1 text-to-image', () => {
  it('answers artifacts with base64 PNGs of the requested size, seeds counting up', async () => {
    const response = await v1({ ...prompt(), width: 1216, height: 832, samples: 2, seed: 42 })
    expect(response.status).toBe(200)
    const body = (await response.json()) as { artifacts: { base64: string; seed: number; finishReason: string }[] }
    expect(body.artifacts.map((a) => [a.seed, a.finishReason])).toEqual([
      [42, 'SUCCESS'],
      [43, 'SUCCESS'],
    ])
    expect(pngSize(Buffer.from(body.artifacts[0]!.base64, 'base64'))).toEqual([1216, 832])
  })

  it('returns the PNG itself with Finish-Reason and Seed headers for Accept: image/png', async () => {
    const response = await v1({ ...prompt(), width: 1024, height: 1024, seed: 7 }, { accept: 'image/png' })
    expect(response.headers.get('content-type')).toBe('image/png')
    expect([response.headers.get('finish-reason'), response.headers.get('seed')]).toEqual(['SUCCESS', '7'])
    expect(pngSize(Buffer.from(await response.arrayBuffer()))).toEqual([1024, 1024])
  })

  it('takes the key with or without Bearer, and rejects a missing one with the v1 envelope', async () => {
    expect((await v1({ ...prompt(), width: 1024, height: 1024 }, { authorization: key })).status).toBe(200)
    const response = await fetch(`${base}${SDXL}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(prompt()),
    })
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      name: 'unauthorized',
      message: 'missing authorization header',
    })
  })

  it('rejects sizes outside the SDXL list with the real wording', async () => {
    const response = await v1({ ...prompt(), width: 512, height: 512 })
    expect(response.status).toBe(400)
    const body = (await response.json()) as { name: string; message: string }
    expect(body.name).toBe('invalid_height_or_width')
    expect(body.message).toContain('the allowed dimensions are 1024x1024, 1152x896')
    expect(body.message).toContain('but we received 512x512')
  })

  it.each([
    [{ samples: 11 }, 'invalid_samples'],
    [{ cfg_scale: 36 }, 'bad_request'],
    [{ steps: 5 }, 'bad_request'],
    [{ seed: 4294967296 }, 'bad_request'],
    [{ sampler: 'EULER' }, 'bad_request'],
    [{ style_preset: 'watercolour' }, 'bad_request'],
    [{ width: 1000, height: 1024 }, 'invalid_height_or_width'],
  ])('rejects %j as %s', async (extra, name) => {
    const response = await v1({ ...prompt(), width: 1024, height: 1024, ...extra })
    expect(response.status).toBe(400)
    expect(((await response.json()) as { name: string }).name).toBe(name)
  })

  it('rejects only-negative prompts, samples > 1 as PNG, and unknown engines', async () => {
    expect(
      (
        (await (await v1({ text_prompts: [{ text: 'blur', weight: -1 }], width: 1024, height: 1024 })).json()) as {
          name: string
        }
      ).name,
    ).toBe('invalid_prompts')
    expect(
      (
        (await (await v1({ ...prompt(), width: 1024, height: 1024, samples: 2 }, { accept: 'image/png' })).json()) as {
          name: string
        }
      ).name,
    ).toBe('invalid_samples')
    const missing = await v1(prompt(), {}, '/v1/generation/sdxl-9000/text-to-image')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({
      name: 'not_found',
      message: 'The specified engine (ID sdxl-9000) was not found.',
    })
  })

  it('marks artifacts CONTENT_FILTERED, answers 402 without credits, and empty artifacts on demand', async () => {
    emulator.inject({ kind: 'content_policy', provider: 'stability' })
    const filtered = (await (await v1({ ...prompt(), width: 1024, height: 1024 })).json()) as {
      artifacts: { finishReason: string }[]
    }
    expect(filtered.artifacts[0]!.finishReason).toBe('CONTENT_FILTERED')
    emulator.inject({ kind: 'quota_exceeded', provider: 'stability' })
    const broke = await v1({ ...prompt(), width: 1024, height: 1024 })
    expect(broke.status).toBe(402)
    expect(await broke.json()).toMatchObject({ name: 'payment_required' })
    emulator.inject({ kind: 'empty_result', provider: 'stability' })
    expect(await (await v1({ ...prompt(), width: 1024, height: 1024 })).json()).toEqual({ artifacts: [] })
  })
})

describe('stability emulator, v2beta stable-image', () => {
  it('answers JSON {image, finish_reason, seed} typed by output_format, sized by aspect ratio', async () => {
    const response = await v2('sd3', {
      prompt: 'a lighthouse',
      aspect_ratio: '16:9',
      seed: '99',
      model: 'sd3.5-medium',
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json; type=image/png')
    const body = (await response.json()) as { image: string; finish_reason: string; seed: number }
    expect([body.finish_reason, body.seed]).toEqual(['SUCCESS', 99])
    expect(pngSize(Buffer.from(body.image, 'base64'))).toEqual([1344, 768])
    expect(emulator.requestsFor('stability', 'generate')[0]!.multipart).toMatchObject({
      prompt: 'a lighthouse',
      aspect_ratio: '16:9',
    })
  })

  it('answers image bytes with finish-reason and seed headers for Accept: image/*', async () => {
    const response = await v2(
      'ultra',
      { prompt: 'a lighthouse', aspect_ratio: '9:21', seed: '5' },
      { accept: 'image/*' },
    )
    expect(response.headers.get('content-type')).toBe('image/png')
    expect([response.headers.get('finish-reason'), response.headers.get('seed')]).toEqual(['SUCCESS', '5'])
    expect(pngSize(Buffer.from(await response.arrayBuffer()))).toEqual([640, 1536])
  })

  it('rejects a JSON body: v2beta takes multipart/form-data only', async () => {
    const response = await fetch(`${base}/v2beta/stable-image/generate/core`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'x' }),
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      id: expect.any(String),
      name: 'bad_request',
      errors: ['content-type: must be multipart/form-data'],
    })
  })

  it.each([
    ['core', { aspect_ratio: '4:3' }, 'aspect_ratio'],
    ['sd3', { output_format: 'gif' }, 'output_format'],
    ['sd3', { model: 'sd4' }, 'model'],
    ['sd3', { mode: 'image-to-image' }, 'image'],
    ['ultra', { seed: '4294967295' }, 'seed'],
    ['core', { style_preset: 'oil-painting' }, 'style_preset'],
    ['core', { prompt: '' }, 'prompt'],
  ])('%s rejects %j naming %s', async (endpoint, extra, field) => {
    const response = await v2(endpoint, { prompt: 'a lighthouse', ...extra })
    expect(response.status).toBe(400)
    const body = (await response.json()) as { name: string; errors: string[] }
    expect(body.name).toBe('bad_request')
    expect(body.errors[0]).toMatch(new RegExp(`^${field}:`))
  })

  it('flags CONTENT_FILTERED by default, or refuses with 403 content_moderation', async () => {
    emulator.inject({ kind: 'content_policy', provider: 'stability' })
    expect(((await (await v2('core', { prompt: 'x' })).json()) as { finish_reason: string }).finish_reason).toBe(
      'CONTENT_FILTERED',
    )
    emulator.inject({ kind: 'content_policy', provider: 'stability', status: 403 })
    const refused = await v2('core', { prompt: 'x' })
    expect(refused.status).toBe(403)
    expect(await refused.json()).toMatchObject({
      name: 'content_moderation',
      errors: [expect.stringContaining('content moderation')],
    })
  })

  it('answers 401, 402, 413 and 429 with the v2beta envelope', async () => {
    const wrong = await v2('core', { prompt: 'x' }, { authorization: 'Bearer sk-wrong' })
    expect([wrong.status, ((await wrong.json()) as { name: string }).name]).toEqual([401, 'unauthorized'])
    emulator.inject({ kind: 'quota_exceeded', provider: 'stability' })
    const broke = await v2('core', { prompt: 'x' })
    expect([broke.status, ((await broke.json()) as { name: string }).name]).toEqual([402, 'payment_required'])
    const huge = await v2('core', { prompt: 'x', padding: 'x'.repeat(10 * 1024 * 1024 + 1) })
    expect([huge.status, ((await huge.json()) as { name: string }).name]).toEqual([413, 'payload_too_large'])
    emulator.inject({ kind: 'rate_limit', provider: 'stability', retryAfterSeconds: 3 })
    const limited = await v2('core', { prompt: 'x' })
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '3'])
    expect(await limited.json()).toMatchObject({ name: 'rate_limit_exceeded', errors: ['Rate limit exceeded'] })
  })
})
