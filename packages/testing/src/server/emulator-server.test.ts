import { afterEach, describe, expect, it } from 'vitest'
import { http, HttpResponse } from 'msw'
import { HttpClient, LLMKitError } from '@llmkit/core'
import { startEmulator, type Emulator } from '../start-emulator'
import { defineEmulatedProvider } from './emulated-provider'

// A tiny provider so the server's own behaviour is tested without any real protocol.
let handled = 0
const echo = defineEmulatedProvider({
  id: 'echo',
  defaultKey: 'echo-key',
  environment: (context) => ({ ECHO_BASE_URL: context.mountURL, ECHO_API_KEY: context.apiKey }),
  handlers: (context) => [
    http.post(`${context.mountURL}/v1/echo`, async ({ request }) => {
      handled += 1
      return HttpResponse.json({ ok: true, bytes: (await request.arrayBuffer()).byteLength })
    }),
    http.get(`${context.mountURL}/v1/auth`, ({ request }) =>
      context.isValidKey(request.headers.get('authorization')?.replace(/^Bearer /, ''))
        ? HttpResponse.json({ ok: true })
        : HttpResponse.json({}, { status: 401 }),
    ),
    http.get(`${context.mountURL}/v1/file`, () =>
      HttpResponse.json({ url: context.files.put('echo', Buffer.from('not really a png'), 'image/png') }),
    ),
    http.get(`${context.mountURL}/v1/stream`, () => {
      const stream = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('data: {"n":1}\n\n'))
          context.signal.addEventListener('abort', () => controller.close())
        },
      })
      return new HttpResponse(stream, { headers: { 'content-type': 'text/event-stream' } })
    }),
  ],
  endpointOf: (method, path) =>
    path === '/v1/echo' ? 'echo' : path === '/v1/file' ? 'file' : path === '/v1/stream' ? 'stream' : 'other',
  errorBody: (status, message) => ({ problem: { status, message } }),
})

let emulator: Emulator | undefined
const http1 = new HttpClient()
const start = async (options: Parameters<typeof startEmulator>[0] = {}) =>
  (emulator = await startEmulator({ providers: [echo], ...options }))
afterEach(async () => {
  await emulator?.close()
  emulator = undefined
})

describe('emulator server', () => {
  it('routes to the provider mount, logs the request and parses its body', async () => {
    const e = await start()
    const response = await http1.send({
      url: `${e.urls.echo}/v1/echo?x=1`,
      json: { hello: 'world' },
      headers: { authorization: 'Bearer echo-key' },
    })
    expect(response.status).toBe(200)
    expect(response.json()).toEqual({ ok: true, bytes: 17 })
    expect(e.requests).toHaveLength(1)
    const [logged] = e.requests
    expect(logged).toMatchObject({
      provider: 'echo',
      endpoint: 'echo',
      method: 'POST',
      path: '/v1/echo',
      query: { x: '1' },
      json: { hello: 'world' },
    })
    expect(logged!.headers.authorization).toBe('Bearer echo-key')
    expect(e.env).toEqual({ ECHO_BASE_URL: `${e.origin}/echo`, ECHO_API_KEY: 'echo-key' })
  })

  it('records urlencoded and multipart fields', async () => {
    const e = await start()
    await http1.send({ url: `${e.urls.echo}/v1/echo`, form: { prompt: 'a b', n: 2 } })
    await http1.send({
      url: `${e.urls.echo}/v1/echo`,
      multipart: { prompt: 'cat', image: new Blob([new Uint8Array(5)], { type: 'image/png' }) },
    })
    expect(e.requests[0]!.form).toEqual({ prompt: 'a b', n: '2' })
    expect(e.requests[1]!.multipart).toEqual({ prompt: 'cat', image: { filename: 'blob', size: 5, type: 'image/png' } })
  })

  it('answers unknown paths with the provider error envelope', async () => {
    const e = await start()
    const response = await http1.send({ url: `${e.urls.echo}/v9/nothing` })
    expect(response.status).toBe(404)
    expect(response.json()).toEqual({
      problem: { status: 404, message: 'GET /v9/nothing is not an endpoint of the echo API' },
    })
    expect((await http1.send({ url: `${e.origin}/nobody/here` })).status).toBe(404)
  })

  it('injects 429 with Retry-After k times, then succeeds', async () => {
    const e = await start({ faults: [{ kind: 'rate_limit', endpoint: 'echo', times: 2, retryAfterSeconds: 3 }] })
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) statuses.push((await http1.send({ url: `${e.urls.echo}/v1/echo`, json: {} })).status)
    expect(statuses).toEqual([429, 429, 200])
    const limited = await (async () => {
      e.inject({ kind: 'rate_limit', retryAfterSeconds: 3 })
      return http1.send({ url: `${e.urls.echo}/v1/echo`, json: {} })
    })()
    expect(limited.headers['retry-after']).toBe('3')
    expect(limited.json()).toEqual({ problem: { status: 429, message: 'Rate limit exceeded' } })
  })

  it('injects server errors only on the targeted provider and endpoint', async () => {
    const e = await start({
      faults: [
        { kind: 'server_error', status: 503, endpoint: 'file', times: Infinity },
        { kind: 'server_error', provider: 'other' },
      ],
    })
    expect((await http1.send({ url: `${e.urls.echo}/v1/echo`, json: {} })).status).toBe(200)
    expect((await http1.send({ url: `${e.urls.echo}/v1/file` })).status).toBe(503)
    expect((await http1.send({ url: `${e.urls.echo}/v1/file` })).status).toBe(503)
  })

  it('adds latency', async () => {
    const e = await start({ faults: [{ kind: 'latency', delayMs: 150 }] })
    const started = Date.now()
    await http1.send({ url: `${e.urls.echo}/v1/echo`, json: {} })
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
  })

  it('sends malformed JSON', async () => {
    const e = await start({ faults: [{ kind: 'malformed_json' }] })
    const response = await http1.send({ url: `${e.urls.echo}/v1/echo`, json: {} })
    expect(response.status).toBe(200)
    expect(() => response.json()).toThrow(LLMKitError)
  })

  it.each(['truncated', 'reset'] as const)('breaks the connection mid-body (%s)', async (kind) => {
    const e = await start({ faults: [{ kind }] })
    const error = await http1.send({ url: `${e.urls.echo}/v1/file` }).catch((caught: unknown) => caught)
    expect(LLMKitError.isInstance(error)).toBe(true)
    expect((error as LLMKitError).code).toBe('network')
  })

  it('stalls until the client gives up, and close() frees everything', async () => {
    const e = await start({ faults: [{ kind: 'stall', times: Infinity }] })
    const error = await http1
      .send({ url: `${e.urls.echo}/v1/echo`, json: {}, timeoutMs: 100 })
      .catch((caught: unknown) => caught)
    expect((error as LLMKitError).code).toBe('timeout')
    const pending = http1
      .send({ url: `${e.urls.echo}/v1/echo`, json: {}, timeoutMs: 5_000 })
      .catch((caught: unknown) => caught)
    await new Promise((resolve) => setTimeout(resolve, 30))
    const closing = Date.now()
    await e.close()
    expect(LLMKitError.isInstance(await pending)).toBe(true)
    expect(Date.now() - closing).toBeLessThan(1_000)
  })

  it('ends open event streams on close', async () => {
    const e = await start()
    const stream = await http1.stream({ url: `${e.urls.echo}/v1/stream` })
    const chunks: string[] = []
    const reading = (async () => {
      for await (const chunk of stream.body) chunks.push(chunk.toString())
    })()
    await new Promise((resolve) => setTimeout(resolve, 30))
    await e.close()
    await reading.catch(() => undefined)
    expect(chunks.join('')).toContain('data: {"n":1}')
  })

  it('serves files, and injects 404 and oversized downloads', async () => {
    const e = await start()
    const { url } = (await http1.send({ url: `${e.urls.echo}/v1/file` })).json<{ url: string }>()
    expect((await http1.send({ url })).body.toString()).toBe('not really a png')
    e.inject({ kind: 'image_404', provider: 'echo' })
    expect((await http1.send({ url })).status).toBe(404)
    e.inject({ kind: 'image_too_large', provider: 'echo' })
    const error = await http1.send({ url, maxBytes: 4 * 1024 * 1024 }).catch((caught: unknown) => caught)
    expect((error as LLMKitError).message).toContain('larger than the 4 MiB limit')
  })

  it('checks keys exactly unless told to accept any', async () => {
    const strict = await start({ keys: { echo: 'k1' } })
    const status = (key: string) =>
      http1
        .send({ url: `${emulator!.urls.echo}/v1/auth`, headers: { authorization: `Bearer ${key}` } })
        .then((r) => r.status)
    expect([await status('k1'), await status('k2')]).toEqual([200, 401])
    await strict.close()
    await start({ acceptAnyKey: true, keys: { echo: 'k1' } })
    expect([await status('k1'), await status('anything')]).toEqual([200, 200])
  })
})

describe('latency and clients that leave', () => {
  it('does no work for a request whose client gave up during the delay', async () => {
    const e = await start({ faults: [{ kind: 'latency', delayMs: 300 }] })
    const before = handled
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 30)
    await http1.send({ url: `${e.urls.echo}/v1/echo`, json: {}, signal: controller.signal }).catch(() => undefined)
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect(e.requests).toHaveLength(1)
    expect(handled).toBe(before)
    await http1.send({ url: `${e.urls.echo}/v1/echo`, json: {} })
    expect(handled).toBe(before + 1)
  })
})
