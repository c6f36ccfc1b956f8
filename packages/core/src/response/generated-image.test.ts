import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { failure } from '../test-support'
import { LLMKitError } from '../errors/llmkit-error'
import { HttpClient } from '../http/http-client'
import { GeneratedImage } from './generated-image'
import { ImageGenerationResponse } from './image-generation-response'

/** A 1x1 PNG (69 bytes). */
const PNG_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC'
const PNG = Buffer.from(PNG_B64, 'base64')
const JPEG_B64 = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]).toString('base64')

/** The test server is on loopback, which downloads may reach only when allowed. */
const LOOPBACK = { allowPrivateNetwork: true }

let folder: string
let server: Server
let baseUrl: string
let http: HttpClient

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'llmkit-image-'))
  server = createServer((request, response) => {
    if (request.url === '/image.png') {
      response.writeHead(200, { 'content-type': 'image/png' })
      response.end(PNG)
    } else {
      response.writeHead(request.url === '/gone.png' ? 404 : 500)
      response.end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  http = new HttpClient({ env: {} })
})

afterAll(async () => {
  await http.close()
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await rm(folder, { recursive: true, force: true })
})

describe('GeneratedImage', () => {
  it('from_url keeps the URL and metadata, and holds no bytes', () => {
    const image = GeneratedImage.from_url('https://img.test/a.png', {
      revised_prompt: 'a red cat',
      width: 512,
      height: 512,
    })
    expect([image.url, image.b64_json, image.revised_prompt, image.width, image.height]).toEqual([
      'https://img.test/a.png',
      undefined,
      'a red cat',
      512,
      512,
    ])
    expect(image.byte_length).toBe(0)
    expect(Object.isFrozen(image)).toBe(true)
    expect(() => GeneratedImage.from_url('  ')).toThrow('GeneratedImage.from_url: url must be a non-empty string')
  })

  it('from_b64 sniffs the media type from the bytes, unless given', () => {
    expect(GeneratedImage.from_b64(PNG_B64).media_type).toBe('image/png')
    expect(GeneratedImage.from_b64(JPEG_B64).media_type).toBe('image/jpeg')
    expect(GeneratedImage.from_b64(PNG_B64, { media_type: 'image/x-custom' }).media_type).toBe('image/x-custom')
    expect(GeneratedImage.from_b64(PNG_B64).b64_json).toBe(PNG_B64)
    expect(() => GeneratedImage.from_b64('')).toThrow('GeneratedImage.from_b64: data must be non-empty base64 text')
  })

  it('byte_length is the decoded size, padding included', () => {
    expect(GeneratedImage.from_b64(PNG_B64).byte_length).toBe(69)
    for (const length of [1, 2, 3, 4, 5]) {
      const b64 = Buffer.alloc(length, 7).toString('base64')
      expect(GeneratedImage.from_b64(b64).byte_length).toBe(length)
    }
  })

  it('with_revised_prompt returns a new image and leaves the original unchanged', () => {
    const original = GeneratedImage.from_b64(PNG_B64, { seed: 3 })
    const revised = original.with_revised_prompt('a cat, watercolour')
    expect(revised).not.toBe(original)
    expect([revised.revised_prompt, revised.b64_json, revised.seed, revised.media_type]).toEqual([
      'a cat, watercolour',
      PNG_B64,
      3,
      'image/png',
    ])
    expect(original.revised_prompt).toBeUndefined()
    expect(Object.isFrozen(revised)).toBe(true)
  })

  it('serialises without undefined fields', () => {
    expect(JSON.parse(JSON.stringify(GeneratedImage.from_url('https://img.test/a.png', { seed: 1 })))).toEqual({
      url: 'https://img.test/a.png',
      seed: 1,
    })
  })
})

describe('GeneratedImage.bytes', () => {
  it('decodes base64 data', async () => {
    expect(Buffer.from(await GeneratedImage.from_b64(PNG_B64).bytes()).equals(PNG)).toBe(true)
  })

  it('never reads a file: URL', async () => {
    const path = join(folder, 'source.png')
    await writeFile(path, PNG)
    const error = await failure(GeneratedImage.from_url(pathToFileURL(path).href).bytes())
    expect([error.code, error.message]).toEqual([
      'provider_error',
      'Refused to read the image URL: it uses file: (only http:, https: and data:image/… URLs are read)',
    ])
  })

  it('returns the in-memory bytes of from_bytes and never reads its url', async () => {
    const image = GeneratedImage.from_bytes(PNG, { url: 'file:///etc/passwd', seed: 3 })
    expect(Buffer.from(await image.bytes()).equals(PNG)).toBe(true)
    expect(Buffer.from(await image.with({ seed: 4 }).bytes()).equals(PNG)).toBe(true)
    expect(image.byte_length).toBe(PNG.length)
    expect(image.toJSON()).toEqual({ url: 'file:///etc/passwd', seed: 3 })
  })

  it('refuses a loopback URL unless the policy allows it', async () => {
    const error = await failure(GeneratedImage.from_url(`${baseUrl}/image.png`).bytes({ http }))
    expect(error.message).toContain('Refused to download an image from 127.0.0.1')
    const allowed = await GeneratedImage.from_url(`${baseUrl}/image.png`).bytes({
      http,
      downloads: { allowHosts: ['127.0.0.1'] },
    })
    expect(Buffer.from(allowed).equals(PNG)).toBe(true)
  })

  it('reads a base64 data: URL', async () => {
    expect(Buffer.from(await GeneratedImage.from_url(`data:image/png;base64,${PNG_B64}`).bytes()).equals(PNG)).toBe(
      true,
    )
  })

  it('reads a percent-encoded data: URL (SVG)', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'
    const bytes = await GeneratedImage.from_url(`data:image/svg+xml,${encodeURIComponent(svg)}`).bytes()
    expect(Buffer.from(bytes).toString('utf8')).toBe(svg)
  })

  it('downloads an http URL', async () => {
    expect(
      Buffer.from(await GeneratedImage.from_url(`${baseUrl}/image.png`).bytes({ http, downloads: LOOPBACK })).equals(
        PNG,
      ),
    ).toBe(true)
  })

  it('refuses a download larger than maxBytes', async () => {
    const error = await failure(
      GeneratedImage.from_url(`${baseUrl}/image.png`).bytes({ http, maxBytes: 10, downloads: LOOPBACK }),
    )
    expect(error.code).toBe('provider_error')
  })

  it('maps a vanished image to no_image and a failing host to a retryable provider_error', async () => {
    const gone = await failure(GeneratedImage.from_url(`${baseUrl}/gone.png`).bytes({ http, downloads: LOOPBACK }))
    expect([gone.code, gone.status, gone.isRetryable]).toEqual(['no_image', 404, false])
    expect(gone.message).toBe(
      'Downloading the image failed with HTTP 404; image URLs from providers expire, so download soon after generating',
    )
    const broken = await failure(GeneratedImage.from_url(`${baseUrl}/broken.png`).bytes({ http, downloads: LOOPBACK }))
    expect([broken.code, broken.status, broken.isRetryable]).toEqual(['provider_error', 500, true])
  })
})

describe('GeneratedImage.save', () => {
  it('writes the bytes atomically and leaves no temporary file behind', async () => {
    const target = join(folder, 'out', 'nested', 'cat.png')
    const returned = await GeneratedImage.from_b64(PNG_B64).save(target, { mkdir: true })
    expect(returned).toBe(target)
    expect((await readFile(target)).equals(PNG)).toBe(true)
    expect(await readdir(join(folder, 'out', 'nested'))).toEqual(['cat.png'])
  })

  it('replaces an existing file whole', async () => {
    const target = join(folder, 'replace.png')
    await writeFile(target, 'old content that is longer than the new one'.repeat(10))
    await GeneratedImage.from_url(`${baseUrl}/image.png`).save(target, { http, downloads: LOOPBACK })
    expect((await readFile(target)).equals(PNG)).toBe(true)
    expect((await readdir(folder)).filter((name) => name.includes('.tmp'))).toEqual([])
  })

  it('leaves nothing behind when there is nothing to write', async () => {
    const target = join(folder, 'missing.png')
    await failure(GeneratedImage.from_url(`${baseUrl}/gone.png`).save(target, { http, downloads: LOOPBACK }))
    expect((await readdir(folder)).filter((name) => name.startsWith('missing') || name.startsWith('.missing'))).toEqual(
      [],
    )
  })
})

describe('ImageGenerationResponse', () => {
  const images = [
    GeneratedImage.from_b64(PNG_B64),
    GeneratedImage.from_url('https://img.test/b.png'),
    GeneratedImage.from_b64(Buffer.alloc(5).toString('base64')),
  ]

  it('counts images, sums decoded bytes and returns the first', () => {
    const response = new ImageGenerationResponse({
      images,
      model: 'dall-e-3',
      provider: 'openai',
      created: 1_700_000_000,
    })
    expect(response.count).toBe(3)
    expect(response.total_size).toBe(69 + 0 + 5)
    expect(response.first()).toBe(images[0])
    expect(response.created).toBe(1_700_000_000)
    expect([response.warnings, response.failures, response.jobs]).toEqual([[], [], []])
    expect(Object.isFrozen(response)).toBe(true)
    expect(Object.isFrozen(response.images)).toBe(true)
  })

  it('is empty without images and stamps creation in seconds', () => {
    const before = Math.floor(Date.now() / 1000)
    const response = new ImageGenerationResponse({ images: [], model: 'm', provider: 'p' })
    expect([response.count, response.total_size, response.first()]).toEqual([0, 0, undefined])
    expect(response.created).toBeGreaterThanOrEqual(before)
    expect(response.created).toBeLessThanOrEqual(Math.floor(Date.now() / 1000))
  })

  it('serialises counts and failures without stacks', () => {
    const error = new LLMKitError({ code: 'rate_limited', message: 'slow down', provider: 'p', status: 429 })
    const json = new ImageGenerationResponse({
      images: images.slice(0, 1),
      model: 'm',
      provider: 'p',
      created: 1,
      failures: [{ callIndex: 1, n: 1, error }],
    }).toJSON()
    expect(json.count).toBe(1)
    expect(json.total_size).toBe(69)
    expect(json.failures).toEqual([{ callIndex: 1, n: 1, error: error.toJSON() }])
    expect(JSON.stringify(json)).not.toContain('stack')
  })
})
