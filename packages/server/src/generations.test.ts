import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, startHarness, type Harness } from '../test/harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(() => h.close())

const PNG = [0x89, 0x50, 0x4e, 0x47]

describe('POST /v1/images/generations', () => {
  it('generates with a fal model and answers in OpenAI format with the provider URL', async () => {
    const response = await h.post('/v1/images/generations', {
      model: 'fal-ai/flux/schnell',
      prompt: 'a red fox',
      n: 2,
      size: '512x512',
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/)
    const body = await json(response)
    expect(body.created).toBeTypeOf('number')
    expect(body.provider).toBe('fal')
    expect(body.data).toHaveLength(2)
    expect(body.data[0].url).toMatch(new RegExp(`^${h.emulator.origin}/`))
    expect(h.emulator.requestsFor('fal', 'submit')).toHaveLength(1)
  })

  it('serves bytes at an unguessable /v1/files URL when URLs are asked for and the provider returned bytes', async () => {
    const response = await h.post('/v1/images/generations', {
      model: 'local:sketch',
      prompt: 'a lighthouse',
      size: '256x256',
      response_format: 'url',
    })
    expect(response.status).toBe(200)
    const { data } = await json(response)
    expect(data[0].url).toMatch(new RegExp(`^${h.url}/v1/files/[A-Za-z0-9_-]{32}$`))
    const file = await fetch(data[0].url)
    expect(file.status).toBe(200)
    expect(file.headers.get('content-type')).toBe('image/png')
    expect([...new Uint8Array(await file.arrayBuffer()).subarray(0, 4)]).toEqual(PNG)
    const guessed = await fetch(`${h.url}/v1/files/${'A'.repeat(32)}`)
    expect(guessed.status).toBe(404)
    expect((await json(guessed)).error.code).toBe('file_not_found')
  })

  it('returns base64 for response_format b64_json, with the llmkit extensions honoured (seed, negative prompt)', async () => {
    const response = await h.post('/v1/images/generations', {
      model: 'stability-ai/stable-diffusion-3',
      prompt: 'a quiet harbour',
      response_format: 'b64_json',
      seed: 42,
      negative_prompt: 'people',
    })
    expect(response.status).toBe(200)
    const { data } = await json(response)
    expect(Buffer.from(data[0].b64_json, 'base64').subarray(0, 4)).toEqual(Buffer.from(PNG))
    const sent = h.emulator.requestsFor('stability').at(-1)!
    expect(JSON.stringify(sent.body)).toContain('42')
    expect(JSON.stringify(sent.body)).toContain('people')
  })

  it('passes OpenAI fields through: dall-e-3 with quality and style, revised_prompt back', async () => {
    const response = await h.post('/v1/images/generations', {
      model: 'dall-e-3',
      prompt: 'a cat',
      quality: 'hd',
      style: 'natural',
      size: '1792x1024',
    })
    expect(response.status).toBe(200)
    const { data } = await json(response)
    expect(data[0].revised_prompt).toBeTypeOf('string')
    const sent = JSON.parse(String(h.emulator.requestsFor('openai').at(-1)!.body))
    expect(sent).toMatchObject({ model: 'dall-e-3', quality: 'hd', style: 'natural', size: '1792x1024' })
  })

  it('streams OpenAI image events with stream: true', async () => {
    const response = await h.post('/v1/images/generations', {
      model: 'gpt-image-1',
      prompt: 'a kite',
      stream: true,
      partial_images: 2,
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/event-stream')
    const text = await response.text()
    expect(text).toContain('event: image_generation.completed')
    const completed = JSON.parse(
      text
        .split('\n')
        .find((line) => line.startsWith('data: ') && line.includes('completed'))!
        .slice(6),
    )
    expect(completed.type).toBe('image_generation.completed')
    expect(Buffer.from(completed.b64_json, 'base64').subarray(0, 4)).toEqual(Buffer.from(PNG))
    const partials = text
      .split('\n')
      .filter((line) => line.startsWith('data: ') && line.includes('image_generation.partial_image'))
      .map((line) => JSON.parse(line.slice(6)) as { partial_image_index: number; b64_json: string })
    expect(partials.map((partial) => partial.partial_image_index)).toEqual([0, 1])
    expect(Buffer.from(partials[0]!.b64_json, 'base64').subarray(0, 4)).toEqual(Buffer.from(PNG))
    expect(text.indexOf('image_generation.partial_image')).toBeLessThan(text.indexOf('image_generation.completed'))
    const sent = JSON.parse(String(h.emulator.requestsFor('openai').at(-1)!.body))
    expect(sent).toMatchObject({ stream: true, partial_images: 2 })
  })

  it('answers 404 model_not_found in the OpenAI envelope for an unknown model', async () => {
    const response = await h.post('/v1/images/generations', { model: 'no-such-model', prompt: 'x' })
    expect(response.status).toBe(404)
    const body = await json(response)
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'model_not_found', param: null })
    expect(body.error.message).toContain('no-such-model')
  })

  it('answers 400 with the param for invalid input, bad JSON and a too-long prompt', async () => {
    const bad = await h.post('/v1/images/generations', { model: 'dall-e-2', prompt: 'x', n: 11 })
    expect(bad.status).toBe(400)
    expect((await json(bad)).error).toMatchObject({ code: 'invalid_request', param: 'n' })
    const broken = await h.post('/v1/images/generations', '{"model":')
    expect(broken.status).toBe(400)
    expect((await json(broken)).error.code).toBe('invalid_json')
    const long = await h.post('/v1/images/generations', { model: 'dall-e-2', prompt: 'x'.repeat(32_001) })
    expect(long.status).toBe(400)
    expect((await json(long)).error).toMatchObject({ code: 'prompt_too_long', param: 'prompt' })
    const huge = await h.post(
      '/v1/images/generations',
      { model: 'dall-e-2', prompt: 'x'.repeat(1_100_000) },
      { connection: 'close' },
    )
    expect(huge.status).toBe(413)
  })

  it('answers 415 for a body that is not sent as JSON', async () => {
    const form = await fetch(`${h.url}/v1/images/generations`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'model=dall-e-2&prompt=x',
    })
    expect(form.status).toBe(415)
    expect((await json(form)).error).toMatchObject({ type: 'invalid_request_error', code: 'unsupported_media_type' })
    const charset = await h.post(
      '/v1/images/generations',
      { model: 'dall-e-2', prompt: 'x', n: 0 },
      {
        'content-type': 'application/json; charset=utf-8',
      },
    )
    expect((await json(charset)).error).toMatchObject({ code: 'invalid_request', param: 'n' })
  })

  it('holds chunked bodies (no Content-Length) to the same size limit', async () => {
    const chunked = (text: string) =>
      fetch(`${h.url}/v1/images/generations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', connection: 'close' },
        body: new Blob([text]).stream(),
        duplex: 'half',
      } as RequestInit)
    const huge = await chunked(JSON.stringify({ model: 'dall-e-2', prompt: 'x'.repeat(1_100_000) }))
    expect(huge.status).toBe(413)
    expect((await json(huge)).error.code).toBe('request_too_large')
    const small = await chunked(JSON.stringify({ model: 'dall-e-2', prompt: 'a cat', response_format: 'b64_json' }))
    expect(small.status).toBe(200)
    expect((await json(small)).data[0].b64_json).toBeTypeOf('string')
  })

  it('maps a provider 429 to 429 with Retry-After, and a 5xx to 502, never leaking the provider key', async () => {
    h.emulator.inject({ kind: 'rate_limit', provider: 'openai', retryAfterSeconds: 7 })
    const limited = await h.post('/v1/images/generations', { model: 'dall-e-2', prompt: 'a cat' })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('7')
    const limitedBody = await limited.text()
    expect(JSON.parse(limitedBody).error.type).toBe('rate_limit_error')
    expect(limitedBody).toMatch(/rate limit|quota/i)
    h.emulator.inject({ kind: 'server_error', provider: 'openai', status: 500 })
    const failed = await h.post('/v1/images/generations', { model: 'dall-e-2', prompt: 'a cat' })
    expect(failed.status).toBe(502)
    const failedBody = await failed.text()
    expect(JSON.parse(failedBody).error.type).toBe('upstream_error')
    for (const text of [limitedBody, failedBody]) {
      expect(text).not.toContain(h.emulator.keys.openai!)
      expect(text).not.toMatch(/at .*\.ts:\d+/)
    }
  })

  it('answers 429 insufficient_quota for a quota error, with "quota" in the message', async () => {
    h.emulator.inject({ kind: 'quota_exceeded', provider: 'openai' })
    const response = await h.post('/v1/images/generations', { model: 'dall-e-2', prompt: 'a cat' })
    expect(response.status).toBe(429)
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    const body = await json(response)
    expect(body.error.code).toBe('insufficient_quota')
    expect(body.error.message).toMatch(/quota/i)
  })

  it('stops the provider call when the client hangs up (logged as 499)', async () => {
    const stalled = await startHarness()
    try {
      stalled.emulator.inject({ kind: 'stall', provider: 'openai' })
      const hangUp = new AbortController()
      const pending = fetch(`${stalled.url}/v1/images/generations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'hung-up' },
        body: JSON.stringify({ model: 'dall-e-2', prompt: 'a cat' }),
        signal: hangUp.signal,
      })
      const seen = Date.now()
      while (stalled.emulator.requestsFor('openai').length === 0 && Date.now() - seen < 5_000)
        await new Promise((resolve) => setTimeout(resolve, 20))
      hangUp.abort()
      await expect(pending).rejects.toThrow()
      // The stalled call ends with the connection (the client's deadline is minutes away).
      const aborted = Date.now()
      while (!stalled.logs.some((line) => line.request_id === 'hung-up') && Date.now() - aborted < 5_000)
        await new Promise((resolve) => setTimeout(resolve, 20))
      expect(stalled.logs.find((line) => line.request_id === 'hung-up')).toMatchObject({ status: 499, level: 'warn' })
      expect(Date.now() - aborted).toBeLessThan(2_000)
    } finally {
      await stalled.close()
    }
  })

  it('answers 504 when the provider stalls past the deadline', async () => {
    const stalled = await startHarness({ requestTimeoutMs: 400 })
    try {
      stalled.emulator.inject({ kind: 'stall', provider: 'openai' })
      const response = await stalled.post('/v1/images/generations', { model: 'dall-e-2', prompt: 'a cat' })
      expect(response.status).toBe(504)
      expect((await json(response)).error.code).toBe('upstream_timeout')
    } finally {
      await stalled.close()
    }
  })
})

describe('the other endpoints', () => {
  it('lists models in OpenAI format', async () => {
    const response = await h.get('/v1/models')
    const body = await json(response)
    expect(body.object).toBe('list')
    const ids = body.data.map((model: { id: string }) => model.id)
    expect(ids).toEqual(expect.arrayContaining(['dall-e-3', 'fal-ai/flux/schnell', 'stability-ai/stable-diffusion-3']))
    expect(body.data.find((model: { id: string }) => model.id === 'dall-e-3')).toEqual({
      id: 'dall-e-3',
      object: 'model',
      created: 0,
      owned_by: 'openai',
    })
  })

  it('serves /healthz, /metrics and /openapi.json', async () => {
    expect(await json(await h.get('/healthz'))).toEqual({ status: 'ok' })
    const metrics = await (await h.get('/metrics')).text()
    expect(metrics).toMatch(
      /llmkit_gateway_requests_total\{route="\/v1\/images\/generations",method="POST",status="200",provider="fal",model="fal-ai\/flux\/schnell"\} \d+/,
    )
    expect(metrics).toContain('llmkit_gateway_request_duration_seconds_bucket')
    expect(metrics).toMatch(
      /llmkit_gateway_upstream_errors_total\{provider="openai",model="dall-e-2",code="rate_limited"\} 1/,
    )
    expect(metrics).toContain('llmkit_gateway_jobs_in_flight')
    const doc = await json(await h.get('/openapi.json'))
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/images/generations',
        '/v1/images/jobs',
        '/v1/images/jobs/{id}',
        '/v1/images/jobs/{id}/events',
        '/v1/models',
        '/v1/files/{id}',
      ]),
    )
    expect(doc.components.schemas.ImageGenerationRequest.properties).toHaveProperty('negative_prompt')
    for (const path of ['/v1/images/generations', '/v1/images/jobs']) {
      expect(doc.paths[path].post.requestBody.content['application/json'].schema).toEqual({
        $ref: '#/components/schemas/ImageGenerationRequest',
      })
    }
  })

  it('answers with x-request-id through gateway.fetch too (no Node server)', async () => {
    const response = await h.gateway.fetch(
      new Request('http://gateway.test/v1/images/generations', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'fetch-1' },
        body: JSON.stringify({ model: 'dall-e-2', prompt: 'a cat', response_format: 'b64_json' }),
      }),
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('x-request-id')).toBe('fetch-1')
    expect((await json(response)).data[0].b64_json).toBeTypeOf('string')
  })

  it('logs one JSON line per request with the request id and no secrets', async () => {
    const response = await h.post(
      '/v1/images/generations',
      { model: 'dall-e-2', prompt: 'a secret garden' },
      { 'x-request-id': 'trace-123' },
    )
    expect(response.headers.get('x-request-id')).toBe('trace-123')
    const entry = h.logs.find((line) => line.request_id === 'trace-123')!
    expect(entry).toMatchObject({
      msg: 'request',
      method: 'POST',
      route: '/v1/images/generations',
      status: 200,
      provider: 'openai',
      model: 'dall-e-2',
    })
    const all = JSON.stringify(h.logs)
    expect(all).not.toContain('a secret garden')
    for (const key of Object.values(h.emulator.keys)) expect(all).not.toContain(key)
  })
})
