import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { getEventListeners } from 'node:events'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { failure } from '../test-support'
import { LLMKitError } from '../errors/llmkit-error'
import { HttpClient, safeUrl } from './http-client'
import { parseServerSentEvents } from './server-sent-events'

interface Seen {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: Buffer
}

type Handler = (request: IncomingMessage, response: ServerResponse, body: Buffer) => void

/** A loopback server that records every request and answers with `handler`. */
async function startServer(handler: Handler): Promise<{ server: Server; url: string; port: number; seen: Seen[] }> {
  const seen: Seen[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks)
      seen.push({ method: request.method!, url: request.url!, headers: request.headers, body })
      handler(request, response, body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { server, url: `http://127.0.0.1:${port}`, port, seen }
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
}

const echo: Handler = (request, response, body) => {
  response.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req-42' })
  response.end(
    JSON.stringify({
      method: request.method,
      contentType: request.headers['content-type'] ?? null,
      body: body.toString('utf8'),
    }),
  )
}

describe.each(['undici', 'fetch'] as const)('%s transport', (transport) => {
  const cleanup: (() => Promise<void>)[] = []
  let http: HttpClient

  beforeEach(() => {
    http = new HttpClient({ transport, env: {}, userAgent: 'llmkit-test/1.0' })
  })

  afterEach(async () => {
    await http.close()
    while (cleanup.length > 0) await cleanup.pop()!()
  })

  async function server(handler: Handler) {
    const started = await startServer(handler)
    cleanup.push(() => stop(started.server))
    return started
  }

  describe('HttpClient bodies', () => {
    it('sends JSON with its content type and reads status, headers and request id', async () => {
      const { url, seen } = await server(echo)
      const response = await http.send({
        url: `${url}/v1/images?token=abc`,
        json: { prompt: 'a cat', n: 2 },
        headers: { Authorization: 'Bearer k', 'X-Skip': undefined },
      })
      expect([response.status, response.ok, response.requestId]).toEqual([200, true, 'req-42'])
      expect(response.headers['content-type']).toBe('application/json')
      expect(seen[0]!.method).toBe('POST')
      expect(seen[0]!.url).toBe('/v1/images?token=abc')
      expect(seen[0]!.headers['content-type']).toBe('application/json')
      expect(seen[0]!.headers.authorization).toBe('Bearer k')
      expect(seen[0]!.headers['user-agent']).toBe('llmkit-test/1.0')
      expect(seen[0]!.headers['x-skip']).toBeUndefined()
      expect(JSON.parse(seen[0]!.body.toString('utf8'))).toEqual({ prompt: 'a cat', n: 2 })
      expect(response.json<{ method: string }>().method).toBe('POST')
    })

    it('sends a urlencoded form without undefined fields', async () => {
      const { url, seen } = await server(echo)
      await http.send({ url, form: { prompt: 'a cat & a dog', steps: 4, safe: true, skip: undefined } })
      expect(seen[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded')
      expect(seen[0]!.body.toString('utf8')).toBe('prompt=a+cat+%26+a+dog&steps=4&safe=true')
    })

    it('sends multipart form data with fields and a file', async () => {
      const { url, seen } = await server(echo)
      const file = new Blob([Buffer.from([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' })
      await http.send({ url, method: 'PUT', multipart: { prompt: 'a cat', seed: 7, skip: undefined, image: file } })
      const contentType = seen[0]!.headers['content-type']!
      expect(seen[0]!.method).toBe('PUT')
      expect(contentType).toMatch(/^multipart\/form-data; boundary=.+/)
      const form = await new Response(seen[0]!.body, { headers: { 'content-type': contentType } }).formData()
      expect([...form.keys()]).toEqual(['prompt', 'seed', 'image'])
      expect(form.get('prompt')).toBe('a cat')
      expect(form.get('seed')).toBe('7')
      const image = form.get('image') as Blob
      expect(image.type).toBe('image/png')
      expect([...new Uint8Array(await image.arrayBuffer())]).toEqual([0x89, 0x50, 0x4e, 0x47])
    })

    it('uses GET without a body and returns non-2xx answers instead of throwing', async () => {
      const { url, seen } = await server((_request, response) => {
        response.writeHead(404, { 'content-type': 'text/plain' })
        response.end('not here')
      })
      const response = await http.send({ url })
      expect(seen[0]!.method).toBe('GET')
      expect([response.status, response.ok, response.text()]).toEqual([404, false, 'not here'])
    })

    it('refuses a body that is not JSON with provider_error, without the query string', async () => {
      const { url } = await server((_request, response) => {
        response.writeHead(502)
        response.end('<html>bad gateway</html>')
      })
      const response = await http.send({ url: `${url}/x?key=secret` })
      let caught: unknown
      try {
        response.json()
      } catch (error) {
        caught = error
      }
      const error = caught as LLMKitError
      expect([error.code, error.status, error.isRetryable]).toEqual(['provider_error', 502, true])
      expect(error.message).toBe(`${url}/x answered 502 with a body that is not JSON: <html>bad gateway</html>`)
    })
  })

  describe('HttpClient limits', () => {
    it('stops a response larger than maxBytes', async () => {
      const { url } = await server((_request, response) => {
        response.writeHead(200)
        response.end(Buffer.alloc(5_000, 1))
      })
      const error = await failure(http.send({ url: `${url}/big`, maxBytes: 1_000 }))
      expect([error.code, error.isRetryable]).toEqual(['provider_error', false])
      expect(error.message).toBe(
        `Response from ${url}/big is larger than the 1000 byte limit; raise maxBytes if you expect images this large`,
      )
      const ok = await http.send({ url: `${url}/big`, maxBytes: 5_000 })
      expect(ok.body.length).toBe(5_000)
    })

    it('returns a large body of declared length byte for byte, however it is split on the wire', async () => {
      const payload = Buffer.alloc(300_000)
      for (let i = 0; i < payload.length; i++) payload[i] = (i * 31) % 251
      const { url } = await server((_request, response) => {
        response.writeHead(200, { 'content-length': String(payload.length) })
        // Uneven pieces, so the body arrives in several chunks.
        let offset = 0
        const next = () => {
          if (offset >= payload.length) return response.end()
          const end = Math.min(payload.length, offset + 7_777 + (offset % 3) * 20_000)
          response.write(payload.subarray(offset, end), next)
          offset = end
        }
        next()
      })
      const response = await http.send({ url })
      expect(response.body.length).toBe(payload.length)
      expect(Buffer.from(response.body).equals(payload)).toBe(true)
    })

    it('applies the client-wide maxBytes in MiB when the request sets none', async () => {
      const { url } = await server((_request, response) => {
        response.writeHead(200)
        response.end(Buffer.alloc(2 * 1024 * 1024 + 1))
      })
      const limited = new HttpClient({ transport, env: {}, maxBytes: 2 * 1024 * 1024 })
      cleanup.push(() => limited.close())
      expect((await failure(limited.send({ url }))).message).toContain('larger than the 2 MiB limit')
    })

    it('gives up on a stalled server with a timeout error within the attempt limit', async () => {
      const { url } = await server(() => {
        // Never answers.
      })
      const started = Date.now()
      const error = await failure(http.send({ url: `${url}/slow`, stage: 'status', timeoutMs: 150 }))
      expect(Date.now() - started).toBeLessThan(2_000)
      expect([error.code, error.isRetryable]).toEqual(['timeout', true])
      expect(error.message).toBe(`status request to ${url}/slow: no answer within 150 ms`)
    })

    it('stops a body that stalls halfway', async () => {
      const { url } = await server((_request, response) => {
        response.writeHead(200, { 'content-length': '100' })
        response.write('partial')
      })
      const error = await failure(http.send({ url, timeoutMs: 150 }))
      expect(error.code).toBe('timeout')
    })

    it('rethrows the caller abort reason unchanged', async () => {
      const { url } = await server(() => undefined)
      const controller = new AbortController()
      const reason = new DOMException('user stop', 'AbortError')
      setImmediate(() => controller.abort(reason))
      let caught: unknown
      try {
        await http.send({ url, signal: controller.signal, timeoutMs: 5_000 })
      } catch (error) {
        caught = error
      }
      expect(caught).toBe(reason)
    })

    it('stops a chunked response (no declared length) once it passes maxBytes, and the client keeps working', async () => {
      let written = 0
      const { url } = await server((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/octet-stream' })
        written = 0
        const timer = setInterval(() => {
          // Chunked: Node sends no content-length when the body is written in pieces.
          response.write(Buffer.alloc(1_000, 2))
          written += 1_000
          if (written >= 50_000) {
            clearInterval(timer)
            response.end()
          }
        }, 1)
        response.on('close', () => clearInterval(timer))
      })
      const error = await failure(http.send({ url: `${url}/stream`, maxBytes: 4_000 }))
      expect(error.message).toBe(
        `Response from ${url}/stream is larger than the 4000 byte limit; raise maxBytes if you expect images this large`,
      )
      // The server stops writing when the client leaves, well before the end.
      await new Promise((resolve) => setTimeout(resolve, 30))
      expect(written).toBeLessThan(50_000)
      const whole = await http.send({ url: `${url}/stream`, maxBytes: 100_000 })
      expect(whole.body.length).toBe(50_000)
    })

    it("aborts a body that is arriving, with the caller's reason, and removes its abort listener when done", async () => {
      const { url } = await server((_request, response) => {
        response.writeHead(200, { 'content-length': '100' })
        response.write('partial')
      })
      const controller = new AbortController()
      const reason = new DOMException('user stop', 'AbortError')
      const sending = http.send({ url, signal: controller.signal, timeoutMs: 5_000 })
      setTimeout(() => controller.abort(reason), 50)
      expect(await sending.catch((error: unknown) => error)).toBe(reason)

      const finished = new AbortController()
      const ok = await server(echo)
      await http.send({ url: ok.url, signal: finished.signal })
      expect(getEventListeners(finished.signal, 'abort')).toHaveLength(0)
    })

    // fetch has no per-client connection limit to wait on.
    it.skipIf(transport === 'fetch')(
      'answers an abort at once while the request still waits for a free connection',
      async () => {
        const { url, seen } = await server(() => undefined)
        const single = new HttpClient({ transport, env: {}, connections: 1 })
        cleanup.push(() => single.close())
        const first = single.send({ url: `${url}/first`, timeoutMs: 1_000 }).catch((error: unknown) => error)
        const controller = new AbortController()
        const queued = single
          .send({ url: `${url}/second`, signal: controller.signal, timeoutMs: 5_000 })
          .catch((error: unknown) => error)
        await new Promise((resolve) => setTimeout(resolve, 50))
        const reason = new Error('changed my mind')
        const started = Date.now()
        controller.abort(reason)
        expect(await queued).toBe(reason)
        expect(Date.now() - started).toBeLessThan(800) // before the first request's 1 s timeout frees the connection
        expect(((await first) as LLMKitError).code).toBe('timeout')
        // The connection freed by the first request's timeout is not used for the aborted one.
        await new Promise((resolve) => setTimeout(resolve, 50))
        expect(seen.map((request) => request.url)).toEqual(['/first'])
      },
    )

    it('does not send at all when the signal is already aborted', async () => {
      const { url, seen } = await server(echo)
      const reason = new Error('gone')
      expect(await http.send({ url, signal: AbortSignal.abort(reason) }).catch((error: unknown) => error)).toBe(reason)
      expect(seen).toHaveLength(0)
    })

    it('skips informational 1xx answers and returns the final one', async () => {
      const { url } = await server((_request, response) => {
        response.writeEarlyHints({ link: '</style.css>; rel=preload' })
        response.writeHead(201, { 'content-type': 'text/plain' })
        response.end('made')
      })
      const response = await http.send({ url })
      expect([response.status, response.ok, response.text()]).toEqual([201, true, 'made'])
    })

    it('refuses a URL that is not http or https as invalid_request, before any connection', async () => {
      const error = await failure(http.send({ url: 'ftp://127.0.0.1:1/file' }))
      expect([error.code, error.isRetryable]).toEqual(['invalid_request', false])
      expect(error.message).toContain('unsupported protocol ftp:')
    })

    it('says a closed client is closed, without retrying or blaming the network', async () => {
      const closed = new HttpClient({ transport, env: {} })
      await closed.close()
      const error = await failure(closed.send({ url: 'http://127.0.0.1:1/x' }))
      expect([error.code, error.isRetryable]).toEqual(['invalid_request', false])
      expect(error.message).toBe(
        'generate request to http://127.0.0.1:1/x: this client was closed (close() ends its connections for good); make a new client',
      )
    })

    it('maps a refused connection to a retryable network error', async () => {
      const { server: closed, port } = await startServer(echo)
      await stop(closed)
      const error = await failure(http.send({ url: `http://127.0.0.1:${port}/`, stage: 'submit' }))
      expect([error.code, error.isRetryable]).toEqual(['network', true])
      expect(error.message).toContain('ECONNREFUSED')
      expect(error.message).toContain(`submit request to http://127.0.0.1:${port}/ failed`)
    })
  })

  describe('HttpClient streams', () => {
    it('reads a server-sent event stream as it arrives', async () => {
      const { url } = await server((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/event-stream' })
        response.write('data: {"status":"IN_QUEUE"}\n\n')
        setImmediate(() => response.end('event: done\ndata: {"status":"COMPLETED"}\n\n'))
      })
      const response = await http.stream({ url })
      expect([response.status, response.headers['content-type']]).toEqual([200, 'text/event-stream'])
      const events = []
      for await (const event of parseServerSentEvents(response.body)) events.push(event)
      expect(events).toEqual([
        { event: 'message', data: '{"status":"IN_QUEUE"}', id: undefined },
        { event: 'done', data: '{"status":"COMPLETED"}', id: undefined },
      ])
    })

    it('reads a refused stream as a response (its request id; at most 64 KiB of a long body)', async () => {
      const { url } = await server((request, response) => {
        response.writeHead(request.url === '/long' ? 503 : 401, { 'x-request-id': 'req_9' })
        response.end(request.url === '/long' ? 'x'.repeat(200_000) : '{"error":{"message":"bad key"}}')
      })
      const refused = await http.stream({ url })
      expect(refused.ok).toBe(false)
      const answer = await refused.readFailure()
      expect([answer.status, answer.ok, answer.requestId, answer.url]).toEqual([401, false, 'req_9', url])
      expect(answer.json()).toEqual({ error: { message: 'bad key' } })
      const long = await (await http.stream({ url: `${url}/long` })).readFailure()
      expect([long.status, long.body.length]).toEqual([503, 65_536])
    })
  })

  describe.skipIf(transport === 'fetch')('HttpClient proxy', () => {
    /** A minimal CONNECT proxy that records the tunnels it opened. */
    async function startProxy() {
      const tunnels: string[] = []
      const sockets = new Set<Socket>()
      const proxy = createServer((_request, response) => {
        response.writeHead(405)
        response.end()
      })
      proxy.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => {
        tunnels.push(request.url!)
        const [host, port] = request.url!.split(':')
        const upstream = connect(Number(port), host, () => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
          upstream.write(head)
          upstream.pipe(client)
          client.pipe(upstream)
        })
        sockets.add(upstream).add(client)
        upstream.on('error', () => client.destroy())
        client.on('error', () => upstream.destroy())
      })
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
      cleanup.push(async () => {
        for (const socket of sockets) socket.destroy()
        await stop(proxy)
      })
      return { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, tunnels }
    }

    it('routes requests through the configured proxy with CONNECT', async () => {
      const target = await server(echo)
      const proxy = await startProxy()
      const proxied = new HttpClient({ transport, env: {}, proxy: proxy.url })
      cleanup.push(() => proxied.close())
      const response = await proxied.send({ url: `${target.url}/through`, json: { a: 1 } })
      expect(response.status).toBe(200)
      expect(proxy.tunnels).toEqual([`127.0.0.1:${target.port}`])
      expect(target.seen.map((seen) => seen.url)).toEqual(['/through'])
    })

    it('routes one request through a per-request proxy and others directly', async () => {
      const target = await server(echo)
      const proxy = await startProxy()
      await http.send({ url: `${target.url}/direct` })
      await http.send({ url: `${target.url}/proxied`, proxy: proxy.url })
      expect(proxy.tunnels).toEqual([`127.0.0.1:${target.port}`])
      expect(target.seen.map((seen) => seen.url)).toEqual(['/direct', '/proxied'])
    })
  })

  describe('secrets in URLs', () => {
    it('keeps credentials in a base URL out of error messages', async () => {
      const client = new HttpClient({ transport, env: {} })
      const error = (await client
        .send({ url: 'http://user:hunter2pass@127.0.0.1:1/v1/images', timeoutMs: 2_000 })
        .catch((e: unknown) => e)) as LLMKitError
      expect(error.code).toBe('network')
      expect(error.message).toContain('http://127.0.0.1:1/v1/images')
      expect(error.message).not.toContain('hunter2pass')
      await client.close()
    })

    it('calls an unparsable URL a configuration error, without the key it contains', async () => {
      const client = new HttpClient({ transport, env: {} })
      const key = 'sk-live-0123456789abcdef'
      const error = (await client
        .send({ url: `not a url ${key}`, secrets: [key] })
        .catch((e: unknown) => e)) as LLMKitError
      expect([error.code, error.isRetryable]).toEqual(['invalid_request', false])
      expect(error.message).not.toContain(key)
      await client.close()
    })
  })

  it.runIf(transport === 'fetch')('refuses a proxy it cannot use, before any connection', async () => {
    const { url, seen } = await server(echo)
    const proxied = new HttpClient({ transport, env: {}, proxy: 'http://127.0.0.1:9' })
    cleanup.push(() => proxied.close())
    const error = await failure(proxied.send({ url }))
    expect([error.code, error.isRetryable]).toEqual(['invalid_request', false])
    expect(error.message).toContain("A proxy URL needs llmkit's undici transport")
    expect(seen).toHaveLength(0)
  })

  it('uses the transport it was asked for', () => {
    expect(http.transport).toBe(transport)
  })
})

describe('safeUrl', () => {
  it('drops the query string', () => {
    expect(safeUrl('https://x.test/a?key=1')).toBe('https://x.test/a')
    expect(safeUrl('https://x.test/a')).toBe('https://x.test/a')
  })
})
