import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { failure, recordingClock } from '../test-support'
import { errorFromResponse } from '../errors/http-error'
import type { HttpResponse, HttpStage } from '../http/http-types'
import type { ImageModelInfo } from '../provider/image-model-info'
import type { ImageProvider } from '../provider/image-provider'
import { ImageGenerationRequest } from '../request/image-generation-request'
import { ImageFormat } from '../request/image-options'
import { GeneratedImage } from '../response/generated-image'
import type { Clock } from '../util/clock'
import type { LLMKitClientOptions } from './client-options'
import { LLMKitClient } from './llmkit-client'
import type { ImageProgressEvent } from '../call/progress-event'

const PNG_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC'
const API_KEY = 'sk-test-secret-key-123'

interface Reply {
  status: number
  headers?: Record<string, string>
  body?: string | Buffer
}

interface Seen {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

/** A loopback server answering with `replies` in order (the last repeats), or a function of the request. */
async function startServer(replies: Reply[] | ((seen: Seen) => Reply), port = 0) {
  const seen: Seen[] = []
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const entry = {
        method: request.method!,
        url: request.url!,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }
      seen.push(entry)
      const reply =
        typeof replies === 'function' ? replies(entry) : replies[Math.min(seen.length - 1, replies.length - 1)]!
      response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers })
      response.end(reply.body ?? '')
    })
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const address = server.address() as AddressInfo
  servers.push(server)
  return { server, url: `http://127.0.0.1:${address.port}`, port: address.port, seen }
}

const servers: Server[] = []
const clients: LLMKitClient[] = []

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close()
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
})

const ok = (url = 'https://img.test/1.png'): Reply => ({ status: 200, body: JSON.stringify({ url }) })

const fakeClock = (onSleep?: (ms: number) => void | Promise<void>) => recordingClock(undefined, onSleep)

const model: ImageModelInfo = {
  id: 'web-model',
  maxImagesPerCall: 1,
  sizes: { sizes: [{ width: 1024, height: 1024 }] },
  supports: { formats: ['url'] },
}

/** A tiny provider that posts the prompt to `baseURL` at `stage` and maps errors with core's errorFromResponse. */
function webProvider(
  baseURL: string,
  stage: HttpStage,
  options: { timeoutMs?: number; passSecrets?: boolean; shouldRetry?: (response: HttpResponse) => boolean } = {},
): ImageProvider {
  return {
    id: 'web',
    models: [model],
    async generate(call, context) {
      const response = await context.http.send({
        url: `${baseURL}/v1/generate`,
        stage,
        json: { prompt: call.prompt },
        headers: { Authorization: `Bearer ${API_KEY}` },
        secrets: options.passSecrets === false ? [] : [API_KEY],
        timeoutMs: options.timeoutMs,
        shouldRetry: options.shouldRetry,
      })
      if (!response.ok) {
        let message: string | undefined
        try {
          message = response.json<{ error?: { message?: string } }>().error?.message
        } catch {
          message = undefined
        }
        throw errorFromResponse({
          provider: 'web',
          model: call.model.id,
          response,
          message,
          secrets: options.passSecrets === false ? [] : [API_KEY],
        })
      }
      return { images: [GeneratedImage.from_url(response.json<{ url: string }>().url)] }
    },
  }
}

function client(provider: ImageProvider, clock: Clock, extra: LLMKitClientOptions = {}) {
  const llmkit = new LLMKitClient({ providers: [provider], clock, env: {}, httpOptions: { env: {} }, ...extra })
  clients.push(llmkit)
  return llmkit
}

const request = new ImageGenerationRequest('web-model', 'a lighthouse')

describe('retries through the client', () => {
  it('waits the Retry-After of a 429 and succeeds on the second request', async () => {
    const { url, seen } = await startServer([
      { status: 429, headers: { 'retry-after': '2' }, body: '{"error":{"message":"Too many requests"}}' },
      ok(),
    ])
    const { clock, sleeps } = fakeClock()
    const response = await client(webProvider(url, 'generate'), clock).generateImage(request)
    expect(response.first()?.url).toBe('https://img.test/1.png')
    expect(seen).toHaveLength(2)
    expect(sleeps).toEqual([2000])
    expect(seen[0]!.method).toBe('POST')
    expect(seen[0]!.url).toBe('/v1/generate')
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`)
    expect(JSON.parse(seen[0]!.body)).toEqual({ prompt: 'a lighthouse' })
  })

  it('lets the provider veto a retry from the body (a 429 that means quota is used up)', async () => {
    const { url, seen } = await startServer([
      { status: 429, body: '{"error":{"message":"You exceeded your current quota","code":"insufficient_quota"}}' },
      ok(),
    ])
    const { clock, sleeps } = fakeClock()
    const provider = webProvider(url, 'generate', {
      shouldRetry: (response) => !response.text().includes('insufficient_quota'),
    })
    const error = await failure(client(provider, clock).generateImage(request))
    expect(seen).toHaveLength(1)
    expect(sleeps).toEqual([])
    expect([error.code, error.status]).toEqual(['rate_limited', 429])
  })

  it('does not retry a 400 and maps it to invalid_request', async () => {
    const { url, seen } = await startServer([
      { status: 400, headers: { 'x-request-id': 'req-9' }, body: '{"error":{"message":"size must be 1024x1024"}}' },
    ])
    const { clock, sleeps } = fakeClock()
    const error = await failure(client(webProvider(url, 'generate'), clock).generateImage(request))
    expect(seen).toHaveLength(1)
    expect(sleeps).toEqual([])
    expect([error.code, error.status, error.requestId, error.provider, error.model, error.isRetryable]).toEqual([
      'invalid_request',
      400,
      'req-9',
      'web',
      'web-model',
      false,
    ])
    expect(error.message).toBe('web: 400 size must be 1024x1024')
  })

  it('does not resubmit a paid job after a 500 at the submit stage', async () => {
    const { url, seen } = await startServer([{ status: 500, body: '{"error":{"message":"internal"}}' }, ok()])
    const error = await failure(client(webProvider(url, 'submit'), fakeClock().clock).generateImage(request))
    expect(seen).toHaveLength(1)
    expect([error.code, error.status, error.isRetryable]).toEqual(['provider_error', 500, true])
  })

  it.each([429, 503])('retries a %s at the submit stage (no job was created)', async (status) => {
    const { url, seen } = await startServer([{ status, body: '{}' }, ok()])
    const { clock, sleeps } = fakeClock()
    const response = await client(webProvider(url, 'submit'), clock).generateImage(request)
    expect(response.count).toBe(1)
    expect(seen).toHaveLength(2)
    expect(sleeps).toHaveLength(1)
    // First backoff: 500 ms with full jitter over its upper half.
    expect(sleeps[0]).toBeGreaterThanOrEqual(250)
    expect(sleeps[0]).toBeLessThanOrEqual(500)
  })

  it.each([
    ['status', 500],
    ['status', 502],
    ['download', 500],
    ['download', 502],
  ] as const)('retries stage %s after a %s', async (stage, status) => {
    const { url, seen } = await startServer([{ status }, { status }, ok()])
    const { clock, sleeps } = fakeClock()
    const response = await client(webProvider(url, stage), clock).generateImage(request)
    expect(response.count).toBe(1)
    expect(seen).toHaveLength(3)
    expect(sleeps).toHaveLength(2)
    expect(sleeps[1]).toBeGreaterThanOrEqual(500)
    expect(sleeps[1]).toBeLessThanOrEqual(1000)
  })

  it('retries a submit whose connection was refused, because it was never sent', async () => {
    const probe = await startServer([ok()])
    const port = probe.port
    probe.server.close()
    await new Promise((resolve) => probe.server.once('close', resolve))
    let revived: Awaited<ReturnType<typeof startServer>> | undefined
    const { clock, sleeps } = fakeClock(async () => {
      revived ??= await startServer([ok('https://img.test/after-refusal.png')], port)
    })
    const response = await client(webProvider(`http://127.0.0.1:${port}`, 'submit'), clock).generateImage(request)
    expect(response.first()?.url).toBe('https://img.test/after-refusal.png')
    expect(sleeps).toHaveLength(1)
    expect(revived!.seen).toHaveLength(1)
  })

  it('does not resubmit when the connection drops after the request was sent', async () => {
    const seen: string[] = []
    const server = createServer((request) => {
      seen.push(request.url!)
      request.socket.destroy()
    })
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const { clock, sleeps } = fakeClock()
    const error = await failure(client(webProvider(url, 'submit'), clock).generateImage(request))
    expect(error.code).toBe('network')
    expect(seen).toEqual(['/v1/generate'])
    expect(sleeps).toEqual([])
  })

  it("gives up after the stage's budget with the mapped error and its status", async () => {
    const { url, seen } = await startServer([{ status: 503, body: '{"error":{"message":"overloaded"}}' }])
    const { clock, sleeps } = fakeClock()
    const error = await failure(
      client(webProvider(url, 'status'), clock, {
        retry: { maxRetries: 0, stages: { status: 3 }, initialDelayMs: 100 },
      }).generateImage(request),
    )
    expect(seen).toHaveLength(4)
    expect(sleeps).toHaveLength(3)
    expect([error.code, error.status, error.isRetryable]).toEqual(['provider_error', 503, true])
    expect(error.message).toBe('web: 503 overloaded — the provider failed; try again later')
  })

  it('retries a status poll until the deadline by default; other stages keep maxRetries', async () => {
    const { url, seen } = await startServer([{ status: 503, body: '{"error":{"message":"overloaded"}}' }])
    const { clock, sleeps } = fakeClock()
    const options = { retry: { maxRetries: 2, initialDelayMs: 100, maxDelayMs: 1_000 }, timeoutMs: 20_000 }
    const error = await failure(client(webProvider(url, 'status'), clock, options).generateImage(request))
    expect(seen.length).toBeGreaterThan(15)
    expect(sleeps.reduce((sum, ms) => sum + ms, 0)).toBeLessThan(20_000)
    expect([error.code, error.status]).toEqual(['provider_error', 503])
    seen.length = 0
    await failure(client(webProvider(url, 'download'), fakeClock().clock, options).generateImage(request))
    expect(seen).toHaveLength(3)
  })

  it('stops retrying when the next wait would pass the deadline', async () => {
    const { url, seen } = await startServer([{ status: 429, headers: { 'retry-after': '30' } }, ok()])
    const { clock, sleeps } = fakeClock()
    const error = await failure(client(webProvider(url, 'status'), clock, { timeoutMs: 10_000 }).generateImage(request))
    expect(seen).toHaveLength(1)
    expect(sleeps).toEqual([])
    expect([error.code, error.retryAfterMs]).toEqual(['rate_limited', 30_000])
    expect(error.message).toContain('rate limit')
    expect(error.message).toContain('(retry after 30 s)')
  })

  it('times out a stalled attempt within the per-request limit', async () => {
    const server = createServer(() => {
      // Never answers.
    })
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const started = Date.now()
    const error = await failure(
      client(webProvider(url, 'status', { timeoutMs: 100 }), fakeClock().clock, {
        retry: { stages: { status: 0 } },
      }).generateImage(request),
    )
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(error.code).toBe('timeout')
    expect(error.message).toBe(`status request to ${url}/v1/generate: no answer within 100 ms`)
  })
})

describe('secrets in errors', () => {
  const echoKey = (seen: Seen): Reply => ({
    status: 401,
    body: JSON.stringify({
      error: { message: `Incorrect API key provided: ${seen.headers.authorization}` },
      received: seen.headers.authorization,
      key: API_KEY,
    }),
  })

  it.each([true, false])(
    'maps 401 to authentication and never shows the key (secrets passed: %s)',
    async (passSecrets) => {
      const { url, seen } = await startServer(echoKey)
      const error = await failure(
        client(webProvider(url, 'generate', { passSecrets }), fakeClock().clock).generateImage(request),
      )
      expect(seen[0]!.headers.authorization).toBe('Bearer sk-test-secret-key-123')
      expect(seen).toHaveLength(1)
      expect([error.code, error.status]).toEqual(['authentication', 401])
      expect(error.message).not.toContain(API_KEY)
      expect(error.body).not.toContain(API_KEY)
      expect(JSON.stringify(error)).not.toContain(API_KEY)
      expect(error.message).toMatch(/^web: 401 Incorrect API key provided: Bearer \[redacted\]/)
      expect(error.message).toContain('check the API key')
      expect(error.body).toContain('[redacted]')
    },
  )
})

describe('downloads for base64 requests', () => {
  it('downloads a URL image at the download stage when b64_json was asked for', async () => {
    const png = Buffer.from(PNG_B64, 'base64')
    let downloads = 0
    const images = createServer((_request, response) => {
      downloads++
      if (downloads === 1) {
        response.writeHead(503)
        response.end()
        return
      }
      response.writeHead(200, { 'content-type': 'application/octet-stream' })
      response.end(png)
    })
    servers.push(images)
    await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve))
    const imageUrl = `http://127.0.0.1:${(images.address() as AddressInfo).port}/out.png`
    const { url } = await startServer([ok(imageUrl)])
    const events: ImageProgressEvent[] = []
    const response = await client(webProvider(url, 'generate'), fakeClock().clock).generateImage(
      request.with_format(ImageFormat.B64Json),
      { onProgress: (event) => events.push(event) },
    )
    expect(downloads).toBe(2)
    expect(response.first()?.b64_json).toBe(PNG_B64)
    expect(response.first()?.url).toBe(imageUrl)
    expect(response.first()?.media_type).toBe('image/png')
    expect(response.total_size).toBe(png.length)
    expect(events.map((event) => event.type)).toEqual(['downloading', 'image', 'done'])
  })

  it('maps a vanished image (404) to no_image', async () => {
    const images = await startServer([{ status: 404, body: 'gone' }])
    const { url } = await startServer([ok(`${images.url}/gone.png`)])
    const error = await failure(
      client(webProvider(url, 'generate'), fakeClock().clock).generateImage(request.with_format(ImageFormat.B64Json)),
    )
    expect([error.code, error.status]).toEqual(['no_image', 404])
    expect(error.message).toContain('Downloading the image failed with HTTP 404; image URLs from providers expire')
  })
})
