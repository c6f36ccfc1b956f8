import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { inspect } from 'node:util'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { HOSTILE_METADATA_URL, TRAVERSAL_ID_PREFIX, startEmulator, type Emulator } from '@llmkit/testing'
import { ImageFormat, ImageGenerationRequest, LLMKitClient, LLMKitError, type ImageGenerationResponse } from './index'

let cacheDir: string
let emulator: Emulator
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'llmkit-trust-'))
  emulator = await startEmulator({ timing: { queueMs: 20, runMs: 60 } })
})
afterAll(async () => {
  await emulator.close()
  await rm(cacheDir, { recursive: true, force: true })
})

/**
 * Every provider whose emulator answers with image URLs, with a model it
 * serves, and whether B64Json still comes as a URL core downloads (OpenAI and
 * Recraft send base64 themselves then).
 */
const URL_PROVIDERS: readonly (readonly [string, string, boolean])[] = [
  ['openai', 'openai:dall-e-2', false],
  ['fal', 'fal:fal-ai/flux/schnell', true],
  ['recraft', 'recraft:recraft-v3', false],
  ['replicate', 'replicate:black-forest-labs/flux-schnell', true],
  ['runway', 'runway:gen4_image', true],
  ['arta', 'arta:flux', true],
  ['imagelabs', 'imagelabs:sdxl-turbo', true],
]

function client(): LLMKitClient {
  return LLMKitClient.fromEnv({
    env: { ...emulator.env, ARTA_AUTH_FILE: join(cacheDir, 'arta-auth.json'), XDG_CACHE_HOME: cacheDir },
    retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 5 },
    poll: { initialIntervalMs: 20, minIntervalMs: 10, maxIntervalMs: 50 },
  })
}

async function rejection(promise: Promise<unknown>): Promise<LLMKitError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  if (!LLMKitError.isInstance(error)) throw new Error(`expected an LLMKitError, got ${String(error)}`)
  return error
}

/** Remote addresses client sockets connected to while `run` runs. */
async function connectionsDuring(run: () => Promise<void>): Promise<string[]> {
  const connected: string[] = []
  const listener = (message: unknown) => {
    const socket = (message as { socket: Socket }).socket
    socket.once('connect', () => connected.push(socket.remoteAddress ?? ''))
  }
  subscribe('net.client.socket', listener)
  try {
    await run()
  } finally {
    unsubscribe('net.client.socket', listener)
  }
  return connected
}

describe.each(URL_PROVIDERS)('%s answering with a hostile image URL', (provider, model, b64ViaUrl) => {
  afterEach(() => emulator.clearFaults())

  it('file:///etc/passwd is never read: the answer is refused, or bytes() and save() refuse and write nothing', async () => {
    const llmkit = client()
    emulator.inject({ kind: 'image_url_file', provider })
    const outcome = await llmkit
      .generateImage(new ImageGenerationRequest(model, 'a lighthouse'))
      .catch((e: unknown) => e)
    if (LLMKitError.isInstance(outcome)) {
      // Providers that only take http(s)/data URLs from an answer (Replicate) find no image in it.
      expect(outcome.code).toBe('no_image')
      return void (await llmkit.close())
    }
    const image = (outcome as ImageGenerationResponse).first()!
    expect(image.url).toBe('file:///etc/passwd')
    const error = await rejection(image.bytes())
    expect([error.code, error.isRetryable]).toEqual(['provider_error', false])
    expect(error.message).toContain('uses file:')
    const target = join(cacheDir, `${provider}-passwd.png`)
    expect((await rejection(image.save(target))).message).toContain('uses file:')
    expect((await readdir(cacheDir)).filter((name) => name.includes(`${provider}-passwd`))).toEqual([])
    await llmkit.close()
  })

  it.runIf(b64ViaUrl)('file:///etc/passwd with B64Json: generateImage fails typed, without the file', async () => {
    const llmkit = client()
    emulator.inject({ kind: 'image_url_file', provider })
    const request = new ImageGenerationRequest(model, 'a lighthouse').with_format(ImageFormat.B64Json)
    const error = await rejection(llmkit.generateImage(request))
    expect(['provider_error', 'no_image']).toContain(error.code)
    expect(error.isRetryable).toBe(false)
    expect(inspect(error, { depth: null })).not.toContain('root:')
    await llmkit.close()
  })

  it('a metadata URL is refused before any connection to it', async () => {
    const llmkit = client()
    emulator.inject({ kind: 'image_url_metadata', provider })
    let error: LLMKitError | undefined
    const connected = await connectionsDuring(async () => {
      // With B64Json core downloads during the call; otherwise the caller's bytes() does.
      const request = new ImageGenerationRequest(model, 'a lighthouse')
      error = b64ViaUrl
        ? await rejection(llmkit.generateImage(request.with_format(ImageFormat.B64Json)))
        : await rejection((await llmkit.generateImage(request)).first()!.bytes())
    })
    expect(error!.message).toContain('Refused to download an image from 169.254.169.254')
    expect(error!.isRetryable).toBe(false)
    expect(connected.filter((address) => address !== '127.0.0.1')).toEqual([])
    await llmkit.close()
  })

  it('its own image URLs (on the API host, 127.0.0.1) still download and save', async () => {
    const llmkit = client()
    const response = await llmkit.generateImage(new ImageGenerationRequest(model, 'a lighthouse'))
    expect(response.first()?.url).toMatch(/^http:\/\/127\.0\.0\.1:/)
    const target = join(cacheDir, `${provider}-ok.png`)
    await response.first()!.save(target)
    expect((await readFile(target)).subarray(1, 4).toString()).toBe('PNG')
    await llmkit.close()
  })
})

it('HOSTILE_METADATA_URL is the metadata address', () => {
  expect(new URL(HOSTILE_METADATA_URL).hostname).toBe('169.254.169.254')
})

describe('ids in request paths', () => {
  it.each([
    'fal:fal-ai/flux/../../../admin/delete-everything',
    'fal:fal-ai/flux/%2e%2e/admin',
    'fal:fal-ai/flux%2F..%2Fadmin',
    'replicate:../..',
    'replicate:owner/..',
    'replicate:owner/name%2F..',
  ])('%s is refused with invalid_request before any request', async (model) => {
    const llmkit = client()
    emulator.clearRequests()
    const error = await rejection(llmkit.generateImage(new ImageGenerationRequest(model, 'a lighthouse')))
    expect(error.code).toBe('invalid_request')
    expect(error.message).toMatch(/model id .* is not valid: it must look like/)
    expect(emulator.requests).toHaveLength(0)
    await llmkit.close()
  })

  it.each([
    ['fal', 'fal:fal-ai/flux/schnell'],
    ['replicate', 'replicate:black-forest-labs/flux-schnell'],
    ['runway', 'runway:gen4_image'],
    ['arta', 'arta:flux'],
    ['imagelabs', 'imagelabs:sdxl-turbo'],
  ])('%s echoing a traversal-shaped job id: refused, never put into a path', async (provider, model) => {
    const llmkit = client()
    emulator.clearRequests()
    emulator.inject({ kind: 'id_traversal', provider })
    const error = await rejection(llmkit.generateImage(new ImageGenerationRequest(model, 'a lighthouse')))
    expect([error.code, error.isRetryable]).toEqual(['provider_error', false])
    expect(error.message).toContain(`answered with job id "${TRAVERSAL_ID_PREFIX}`)
    expect(emulator.requests.filter((entry) => /admin|\.\.|%2e|%2f/i.test(entry.url))).toEqual([])
    emulator.clearFaults()
    await llmkit.close()
  })

  it('resumeImage refuses a handle whose id would leave the path', async () => {
    const llmkit = client()
    const job = {
      provider: 'replicate',
      model: 'black-forest-labs/flux-schnell',
      id: '../../admin',
      createdAt: Date.now(),
      call: { n: 1, width: 1024, height: 1024, format: ImageFormat.Url, callIndex: 0 },
    }
    emulator.clearRequests()
    const error = await rejection(llmkit.resumeImage(job))
    expect(error.code).toBe('invalid_request')
    expect(emulator.requests).toHaveLength(0)
    await llmkit.close()
  })
})
