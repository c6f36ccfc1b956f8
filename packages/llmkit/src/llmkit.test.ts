import net from 'node:net'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startEmulator, type Emulator } from '@llmkit/testing'
import {
  ImageFormat,
  ImageGenerationRequest,
  ImageSize,
  LLMKitClient,
  LLMKitError,
  BUNDLED_PROVIDERS,
  local,
  type ImageProvider,
} from './index'

let cacheDir: string
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'llmkit-test-'))
})
afterAll(() => rm(cacheDir, { recursive: true, force: true }))

describe('LLMKitClient.fromEnv', () => {
  it('with no keys registers only the local renderer, synchronously', () => {
    const client = LLMKitClient.fromEnv({ env: {} })
    expect(client).toBeInstanceOf(LLMKitClient)
    expect(client.providers.map((p) => p.id)).toEqual(['local'])
    expect(BUNDLED_PROVIDERS.map((p) => p.id)).toEqual([
      'openai',
      'fal',
      'stability',
      'recraft',
      'replicate',
      'runway',
      'arta',
      'imagelabs',
      'local',
    ])
  })

  it('runs the documented Quick Start offline without opening any connection', async () => {
    const connect = vi.spyOn(net.Socket.prototype, 'connect')
    const client = LLMKitClient.fromEnv({ env: { XDG_CACHE_HOME: cacheDir } })
    const request = new ImageGenerationRequest('local:sketch', 'A serene mountain landscape')
    const response = await client.generateImage(request)
    expect(response.count).toBe(1)
    const url = response.first()?.url
    expect(url).toMatch(/^file:\/\//)
    expect(fileURLToPath(url!).startsWith(join(cacheDir, 'llmkit'))).toBe(true)
    const png = await readFile(fileURLToPath(url!))
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1024, 1024])
    expect(connect).not.toHaveBeenCalled()
  })

  it('keeps BUNDLED_PROVIDERS frozen, and hints at bundled providers a hand-made client leaves out', () => {
    expect(Object.isFrozen(BUNDLED_PROVIDERS)).toBe(true)
    expect(() => (BUNDLED_PROVIDERS as ImageProvider[]).push(BUNDLED_PROVIDERS[0]!)).toThrow(TypeError)
    const client = new LLMKitClient({ providers: [local], env: {} })
    expect(() => client.resolveModel('recraft-v3')).toThrow(
      'recraft-v3 is served by recraft, which is not configured: set RECRAFT_API_TOKEN (and install @llmkit/recraft if it is not installed)',
    )
    expect(() => client.resolveModel('imagelabs:sdxl-turbo')).toThrow(
      'Install @llmkit/imagelabs and set IMAGELABS_ENABLED=1.',
    )
  })

  it('explains how to reach a documented model whose provider has no key', async () => {
    const client = LLMKitClient.fromEnv({ env: {} })
    const error = (await client
      .generateImage(new ImageGenerationRequest('dall-e-3', 'A serene mountain landscape'))
      .catch((e: unknown) => e)) as LLMKitError
    expect(LLMKitError.isInstance(error)).toBe(true)
    expect(error.code).toBe('unknown_model')
    expect(error.message).toContain('OPENAI_API_KEY')
  })

  it('registers a provider when its key is set, and ImageLabs only when enabled', () => {
    const keys = {
      OPENAI_API_KEY: 'k',
      FAL_KEY: 'k',
      STABILITY_API_KEY: 'k',
      RECRAFT_API_TOKEN: 'k',
      REPLICATE_API_TOKEN: 'k',
      RUNWAYML_API_SECRET: 'k',
      ARTA_API_KEY: 'k',
    }
    expect(LLMKitClient.fromEnv({ env: keys }).providers.map((p) => p.id)).toEqual([
      'openai',
      'fal',
      'stability',
      'recraft',
      'replicate',
      'runway',
      'arta',
      'local',
    ])
    expect(LLMKitClient.fromEnv({ env: { ...keys, IMAGELABS_ENABLED: '1' } }).providers.map((p) => p.id)).toContain(
      'imagelabs',
    )
  })

  it('routes every documented model id to its package, with or without a prefix', () => {
    const client = LLMKitClient.fromEnv({
      env: {
        OPENAI_API_KEY: 'k',
        FAL_API_KEY: 'k',
        STABILITY_API_KEY: 'k',
        RECRAFT_API_TOKEN: 'k',
        REPLICATE_API_TOKEN: 'k',
        RUNWAYML_API_SECRET: 'k',
        ARTA_API_KEY: 'k',
        IMAGELABS_ENABLED: '1',
      },
    })
    const routes: Record<string, string> = {
      'dall-e-3': 'openai',
      'dall-e-2': 'openai',
      'fal-ai/flux/dev': 'fal',
      'fal-ai/flux/schnell': 'fal',
      'fal-ai/stable-diffusion-3': 'fal',
      'stability-ai/stable-diffusion-xl': 'stability',
      'stability-ai/stable-diffusion-3': 'stability',
      'recraft-v3': 'recraft',
      'replicate:black-forest-labs/flux-schnell': 'replicate',
      'arta:Flux': 'arta',
      'imagelabs:sdxl-turbo': 'imagelabs',
      'local:sketch': 'local',
      sketch: 'local',
      'openai:dall-e-3': 'openai',
    }
    for (const [id, provider] of Object.entries(routes))
      expect([id, client.resolveModel(id).provider.id]).toEqual([id, provider])
  })
})

describe('every bundled provider against its emulator', () => {
  let emulator: Emulator
  beforeAll(async () => {
    emulator = await startEmulator({ timing: { queueMs: 30, runMs: 120 } })
  })
  afterAll(() => emulator.close())

  const documented = [
    'dall-e-3',
    'dall-e-2',
    'fal-ai/flux/dev',
    'fal-ai/flux/schnell',
    'fal-ai/stable-diffusion-3',
    'stability-ai/stable-diffusion-xl',
    'stability-ai/stable-diffusion-3',
    'recraft-v3',
    'replicate:black-forest-labs/flux-schnell',
    'runway:gen4_image',
    'arta:Flux',
    'imagelabs:sdxl-turbo',
  ]
  it.each(documented)('%s returns a real image through fromEnv()', async (model) => {
    const client = LLMKitClient.fromEnv({
      env: { ...emulator.env, ARTA_AUTH_FILE: join(cacheDir, 'arta-auth.json'), XDG_CACHE_HOME: cacheDir },
    })
    const response = await client.generateImage(
      new ImageGenerationRequest(model, 'a lighthouse by the sea at dusk')
        .with_size(ImageSize.Square1024)
        .with_format(ImageFormat.B64Json),
    )
    expect(response.count).toBe(1)
    const bytes = await response.first()!.bytes()
    expect(bytes.length).toBeGreaterThan(100)
    expect(['image/png', 'image/jpeg', 'image/webp', 'image/svg+xml']).toContain(response.first()!.media_type)
    await client.close()
  })
})
