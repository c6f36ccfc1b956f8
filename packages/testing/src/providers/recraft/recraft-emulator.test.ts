import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '../../start-emulator'

let emulator: Emulator
let base: string

beforeAll(async () => {
  emulator = await startEmulator({ providers: ['recraft'] })
  base = emulator.env.RECRAFT_BASE_URL!
})
afterAll(() => emulator.close())
beforeEach(() => {
  emulator.clearFaults()
  emulator.clearRequests()
})

interface ImagesBody {
  created: number
  credits: number
  data: { image_id: string; url?: string; b64_json?: string }[]
}

function generate(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return fetch(`${base}/images/generations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${emulator.keys.recraft}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
}

const pngSize = (bytes: Buffer) => [bytes.readUInt32BE(16), bytes.readUInt32BE(20)]

describe('recraft emulator', () => {
  it('answers {created, credits, data[{image_id, url}]} with PNGs it serves, n of them', async () => {
    const response = await generate({ prompt: 'a red fox', model: 'recraftv3', size: '1365x1024', n: 2 })
    expect(response.status).toBe(200)
    const body = (await response.json()) as ImagesBody
    expect(body.data).toHaveLength(2)
    expect(body.credits).toBeGreaterThan(0)
    const image = await fetch(body.data[0]!.url!)
    expect(image.headers.get('content-type')).toBe('image/png')
    expect(pngSize(Buffer.from(await image.arrayBuffer()))).toEqual([1365, 1024])
  })

  it('answers SVG for vector models and vector styles, as a URL or base64', async () => {
    const byModel = (await (
      await generate({ prompt: 'a fox logo', model: 'recraftv3_vector', response_format: 'b64_json' })
    ).json()) as ImagesBody
    const svg = Buffer.from(byModel.data[0]!.b64_json!, 'base64').toString('utf8')
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="1024" height="1024"/)
    const byStyle = (await (
      await generate({ prompt: 'a fox icon', model: 'recraftv3', style: 'icon', substyle: 'outline' })
    ).json()) as ImagesBody
    expect(byStyle.data[0]!.url).toMatch(/\.svg$/)
    expect((await fetch(byStyle.data[0]!.url!)).headers.get('content-type')).toBe('image/svg+xml')
  })

  it('takes V4 sizes as ratios and longer prompts', async () => {
    const response = await generate({
      prompt: 'x'.repeat(1500),
      model: 'recraftv4',
      size: '16:9',
      response_format: 'b64_json',
    })
    expect(response.status).toBe(200)
    const body = (await response.json()) as ImagesBody
    expect(pngSize(Buffer.from(body.data[0]!.b64_json!, 'base64'))).toEqual([1344, 768])
  })

  it.each([
    [{ size: '1792x1024' }, 'invalid_size'],
    [{ n: 7 }, 'invalid_n'],
    [{ model: 'recraftv9' }, 'invalid_model'],
    [{ style: 'oil_painting' }, 'invalid_style'],
    [{ style: 'icon', style_id: '6c8f3a2e-1d4b-4a9e-9c1f-0a1b2c3d4e5f' }, 'invalid_style'],
    [{ style: 'realistic_image', substyle: 'pixel_art' }, 'invalid_substyle'],
    [{ substyle: 'hdr' }, 'invalid_substyle'],
    [{ model: 'recraftv3_vector', style: 'realistic_image' }, 'invalid_style'],
    [{ prompt: 'x'.repeat(1001) }, 'prompt_too_long'],
    [{ response_format: 'png' }, 'invalid_response_format'],
    [{ controls: { artistic_level: 6 } }, 'invalid_controls'],
  ])('rejects %j with 400 %s', async (extra, code) => {
    const response = await generate({ prompt: 'a red fox', ...extra })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ code, message: expect.any(String) })
  })

  it('answers 401 without a Bearer token or with a wrong one', async () => {
    expect((await generate({ prompt: 'x' }, { authorization: emulator.keys.recraft! })).status).toBe(401)
    const wrong = await generate({ prompt: 'x' }, { authorization: 'Bearer nope' })
    expect([wrong.status, await wrong.json()]).toEqual([401, { code: 'unauthorized', message: 'Invalid API token' }])
  })

  it('injects moderation, missing credits and an empty result', async () => {
    emulator.inject({ kind: 'content_policy', provider: 'recraft' })
    expect((await generate({ prompt: 'x' })).status).toBe(400)
    emulator.inject({ kind: 'quota_exceeded', provider: 'recraft' })
    const broke = await generate({ prompt: 'x' })
    expect([broke.status, ((await broke.json()) as { code: string }).code]).toEqual([402, 'not_enough_credits'])
    emulator.inject({ kind: 'empty_result', provider: 'recraft' })
    expect(((await (await generate({ prompt: 'x' })).json()) as ImagesBody).data).toEqual([])
  })
})
