import { execFileSync } from 'node:child_process'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { failure } from '../test-support'
import { GeneratedImage } from '../response/generated-image'
import { isPublicAddress } from './address-policy'
import { decodeDataImage, downloadImage } from './download'
import { HttpClient } from './http-client'

const PNG_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC'
const PNG = Buffer.from(PNG_B64, 'base64')

let server: Server
let port: number
let connections = 0
const seenHeaders: IncomingHttpHeaders[] = []
let http: HttpClient
let folder: string

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'llmkit-download-'))
  server = createServer((request, response) => {
    seenHeaders.push(request.headers)
    if (request.url === '/redirect') {
      response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' })
      return response.end()
    }
    if (request.url === '/drip') {
      response.writeHead(200, { 'content-type': 'image/png' })
      const timer = setInterval(() => response.write('x'), 20)
      response.on('close', () => clearInterval(timer))
      return
    }
    response.writeHead(200, { 'content-type': 'image/png' })
    response.end(PNG)
  })
  server.on('connection', () => connections++)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
  http = new HttpClient({ env: {} })
})

afterAll(async () => {
  await http.close()
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await rm(folder, { recursive: true, force: true })
})

/** Sockets created while `run` runs (Node publishes every client socket on `net.client.socket`). */
async function socketsDuring(run: () => Promise<unknown>): Promise<string[]> {
  const opened: string[] = []
  const listener = (message: unknown) => {
    const socket = (message as { socket: Socket }).socket
    opened.push(`${socket.remoteAddress ?? 'pending'}`)
  }
  subscribe('net.client.socket', listener)
  try {
    await run()
  } finally {
    unsubscribe('net.client.socket', listener)
  }
  return opened
}

describe('isPublicAddress', () => {
  it.each([
    ['169.254.169.254', false],
    ['10.1.2.3', false],
    ['172.16.0.1', false],
    ['172.31.255.255', false],
    ['192.168.1.1', false],
    ['127.0.0.1', false],
    ['0.0.0.0', false],
    ['100.100.100.200', false],
    ['::1', false],
    ['::', false],
    ['fe80::1', false],
    ['fd00:ec2::254', false],
    ['::ffff:169.254.169.254', false],
    ['::ffff:a9fe:a9fe', false],
    ['64:ff9b::10.0.0.1', false],
    ['not an address', false],
    ['::ffff:0:a9fe:a9fe', false],
    ['fe80::1%eth0', false],
    ['[::1]', false],
    ['1.2.3', false],
    ['01.2.3.4', false],
    ['1::2::3', false],
    ['2001:db8::1.2.3.4', true],
    ['93.184.216.34', true],
    ['172.32.0.1', true],
    ['2606:4700::1111', true],
    ['::ffff:93.184.216.34', true],
  ])('%s → %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected)
  })
})

describe('downloadImage: schemes', () => {
  it.each([
    'file:///etc/passwd',
    'file:///proc/self/environ',
    'file:///dev/zero',
    'ftp://example.com/a.png',
    'javascript:alert(1)',
    'not a url',
  ])('refuses %s without reading anything', async (url) => {
    const error = await failure(GeneratedImage.from_url(url).bytes({ http }))
    expect([error.code, error.isRetryable]).toEqual(['provider_error', false])
    expect(error.message).toMatch(/^Refused to read the image URL/)
  })

  it('refuses a FIFO at once (nothing opens it, so nothing hangs)', async () => {
    const fifo = join(folder, 'pipe.png')
    execFileSync('mkfifo', [fifo])
    const started = Date.now()
    const error = await failure(GeneratedImage.from_url(pathToFileURL(fifo).href).bytes())
    expect(error.message).toContain('uses file:')
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('refuses credentials in the URL', async () => {
    const error = await failure(
      downloadImage(`http://user:secret@127.0.0.1:${port}/a.png`, { http, policy: { allowPrivateNetwork: true } }),
    )
    expect(error.message).toBe('Refused to read the image URL: it carries credentials')
  })
})

describe('downloadImage: data: URIs', () => {
  it('decodes a well-formed base64 and a percent-encoded one', () => {
    expect(Buffer.from(decodeDataImage(`data:image/png;base64,${PNG_B64}`, 1000).bytes).equals(PNG)).toBe(true)
    const svg = decodeDataImage(`data:image/svg+xml;charset=utf-8,${encodeURIComponent('<svg/>')}`, 1000)
    expect([Buffer.from(svg.bytes).toString(), svg.mediaType]).toEqual(['<svg/>', 'image/svg+xml'])
  })

  it.each([
    ['data:text/html,<script>alert(1)</script>', 'not a well-formed data:image'],
    ['data:image/png;base64,@@@@', 'base64 payload is malformed'],
    ['data:image/png;base64,A', 'base64 payload is malformed'],
    ['data:image/svg+xml,%E0%A4%A', 'percent-encoding is malformed'],
    ['data:,hello', 'not a well-formed data:image'],
  ])('refuses %s with a typed error', async (url, why) => {
    const error = await failure(GeneratedImage.from_url(url).bytes())
    expect(error.code).toBe('provider_error')
    expect(error.message).toContain(why)
  })

  it('applies the byte limit before decoding', async () => {
    const big = `data:image/png;base64,${'A'.repeat(4 * 1024)}`
    const error = await failure(GeneratedImage.from_url(big).bytes({ maxBytes: 1024 }))
    expect(error.message).toContain('larger than the 1024 byte limit')
  })
})

// Both transports: undici checks the address it connects to; fetch checks literal addresses, and host
// names by a DNS lookup before the request (Node's DNS: Bun has it; see fetch-transport.ts).
describe.each(['undici', 'fetch'] as const)('%s transport', (transport) => {
  let http: HttpClient
  beforeAll(() => {
    http = new HttpClient({ env: {}, transport })
  })
  afterAll(() => http.close())

  describe('downloadImage: host policy on the address connected to', () => {
    it.each([
      ['http://169.254.169.254/latest/meta-data/iam/', '169.254.169.254'],
      ['http://2852039166/latest/meta-data/', '169.254.169.254'],
      ['http://0xA9FEA9FE/', '169.254.169.254'],
      ['http://169.254.43518/', '169.254.169.254'],
      ['http://[::ffff:169.254.169.254]/', '::ffff:a9fe:a9fe'],
      ['http://[fd00:ec2::254]/latest/meta-data/', 'fd00:ec2::254'],
      ['http://10.0.0.1/a.png', '10.0.0.1'],
      ['https://192.168.0.1/a.png', '192.168.0.1'],
      ['http://0/a.png', '0.0.0.0'],
      ['http://[::]/a.png', '::'],
    ])('refuses %s before any socket is made', async (url, address) => {
      let error: Awaited<ReturnType<typeof failure>> | undefined
      const sockets = await socketsDuring(async () => {
        error = await failure(GeneratedImage.from_url(url).bytes({ http }))
      })
      expect(sockets).toEqual([])
      expect([error!.code, error!.isRetryable]).toEqual(['provider_error', false])
      expect(error!.message).toContain(`Refused to download an image from ${address}`)
    })

    it('refuses a name that resolves to loopback at lookup: the server sees no connection', async () => {
      const before = connections
      const error = await failure(GeneratedImage.from_url(`http://localhost:${port}/a.png`).bytes({ http }))
      expect(error.message).toMatch(/^Refused to download an image from localhost \((127\.0\.0\.1|::1)\)/)
      expect(connections).toBe(before)
    })

    it('allows a host the policy names, or any with allowPrivateNetwork', async () => {
      let named: Uint8Array | undefined
      // The control for the tests above: an allowed download does show up as a socket.
      const sockets = await socketsDuring(async () => {
        named = await GeneratedImage.from_url(`http://localhost:${port}/a.png`).bytes({
          http,
          downloads: { allowHosts: ['localhost'] },
        })
      })
      expect(sockets.length).toBe(1)
      expect(Buffer.from(named!).equals(PNG)).toBe(true)
      const any = await GeneratedImage.from_url(`http://127.0.0.1:${port}/a.png`).bytes({
        http,
        downloads: { allowPrivateNetwork: true },
      })
      expect(Buffer.from(any).equals(PNG)).toBe(true)
    })

    it('trusts the API host (apiHosts) and sends no credentials to it', async () => {
      seenHeaders.length = 0
      const result = await downloadImage(`http://127.0.0.1:${port}/a.png`, { http, apiHosts: ['127.0.0.1'] })
      expect(Buffer.from(result.bytes).equals(PNG)).toBe(true)
      expect(seenHeaders[0]!.authorization).toBeUndefined()
      expect(seenHeaders[0]!.cookie).toBeUndefined()
    })

    it('does not follow a redirect (to metadata or anywhere)', async () => {
      let error: Awaited<ReturnType<typeof failure>> | undefined
      const sockets = await socketsDuring(async () => {
        error = await failure(
          downloadImage(`http://127.0.0.1:${port}/redirect`, { http, policy: { allowPrivateNetwork: true } }),
        )
      })
      expect(error!.message).toBe(
        'Downloading the image failed with HTTP 302; redirects are not followed for image downloads',
      )
      expect(sockets.every((address) => !address.startsWith('169.254'))).toBe(true)
    })
  })

  describe('downloadImage: deadline and abort', () => {
    it('ends a body that drips forever at the deadline', async () => {
      const started = Date.now()
      const error = await failure(
        GeneratedImage.from_url(`http://127.0.0.1:${port}/drip`).bytes({
          http,
          timeoutMs: 300,
          downloads: { allowPrivateNetwork: true },
        }),
      )
      expect(error.code).toBe('timeout')
      expect(Date.now() - started).toBeLessThan(3000)
    })

    it('rethrows the caller abort unchanged', async () => {
      const controller = new AbortController()
      setTimeout(() => controller.abort(), 100)
      const error = await GeneratedImage.from_url(`http://127.0.0.1:${port}/drip`)
        .bytes({ http, signal: controller.signal, downloads: { allowPrivateNetwork: true } })
        .catch((caught: unknown) => caught)
      expect((error as Error).name).toBe('AbortError')
    })
  })
})
