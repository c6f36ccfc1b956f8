import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { ImageFormat, ImageGenerationRequest, ImageSize, LLMKitClient, systemClock } from '@llmkit/core'
import type { ImageCall, ImageModelIds, ProviderContext, ProviderHttp } from '@llmkit/core'
import { createLocal, local, resolveCacheDir } from './local-provider'
import { sketchModel } from './local-models'
import { decodePng } from './test-utils/decode-png'

const folders: string[] = []
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
})

function temporaryFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'llmkit-local-'))
  folders.push(folder)
  return folder
}

function call(overrides: Partial<ImageCall> = {}): ImageCall {
  return {
    model: sketchModel,
    prompt: 'a lake at sunset',
    n: 1,
    width: 64,
    height: 64,
    aspectRatio: '1:1',
    format: ImageFormat.B64Json,
    options: {},
    callIndex: 0,
    ...overrides,
  }
}

function context(overrides: Partial<ProviderContext> & { warnings?: string[] } = {}): ProviderContext {
  const warnings = overrides.warnings ?? []
  return {
    http: {} as ProviderHttp, // the local renderer never touches the network
    signal: new AbortController().signal,
    clock: systemClock,
    env: {},
    deadline: Date.now() + 60_000,
    warn: (message) => void warnings.push(message),
    progress: () => undefined,
    ...overrides,
  }
}

describe('createLocal', () => {
  it('is a configured, official provider with one model, sketch', () => {
    expect(local).toMatchObject({ id: 'local', apiStatus: 'official' })
    expect(local.isConfigured?.({})).toBe(true)
    expect(local.models.map((model) => model.id)).toEqual(['sketch'])
    expect(sketchModel.maxImagesPerCall).toBe(10)
  })

  it('resolves the cache folder from the setting, then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(resolveCacheDir('/explicit', { XDG_CACHE_HOME: '/xdg' })).toBe('/explicit')
    expect(resolveCacheDir(undefined, { XDG_CACHE_HOME: '/xdg' })).toBe(join('/xdg', 'llmkit'))
    expect(resolveCacheDir(undefined, {})).toMatch(/[/\\]\.cache[/\\]llmkit$/)
  })

  it('returns base64 PNGs with size, seed and media type for B64Json', async () => {
    const { images } = await local.generate!(call({ width: 128, height: 72, seed: 7 }), context())
    expect(images).toHaveLength(1)
    const image = images[0]!
    expect(image).toMatchObject({ width: 128, height: 72, seed: 7, media_type: 'image/png' })
    expect(image.url).toBeUndefined()
    const decoded = decodePng(Buffer.from(image.b64_json!, 'base64'))
    expect([decoded.width, decoded.height]).toEqual([128, 72])
    expect(image.revised_prompt).toMatch(/^Procedural sunset landscape with a lake/)
  })

  it('gives n different images with consecutive seeds, each reproducible alone', async () => {
    const { images } = await local.generate!(call({ n: 3, seed: 100 }), context())
    expect(images.map((image) => image.seed)).toEqual([100, 101, 102])
    expect(new Set(images.map((image) => image.b64_json)).size).toBe(3)
    const { images: again } = await local.generate!(call({ n: 1, seed: 101 }), context())
    expect(again[0]!.b64_json).toBe(images[1]!.b64_json)
  })

  it('draws a random seed when none is given and reports it', async () => {
    const { images } = await local.generate!(call({ n: 2 }), context())
    const seed = images[0]!.seed!
    expect(Number.isInteger(seed)).toBe(true)
    expect(images[1]!.seed).toBe((seed + 1) % 2 ** 32)
    const { images: again } = await local.generate!(call({ seed }), context())
    expect(again[0]!.b64_json).toBe(images[0]!.b64_json)
  })

  it('writes Url images under $XDG_CACHE_HOME/llmkit/images and returns a file: URL', async () => {
    const xdg = temporaryFolder()
    const { images } = await local.generate!(
      call({ format: ImageFormat.Url, seed: 3 }),
      context({ env: { XDG_CACHE_HOME: xdg } }),
    )
    const url = images[0]!.url!
    expect(url).toMatch(/^file:\/\//)
    const path = fileURLToPath(url)
    expect(path.startsWith(join(xdg, 'llmkit', 'images'))).toBe(true)
    expect(path).toMatch(/[0-9a-f]{32}\.png$/)
    expect(existsSync(path)).toBe(true)
    expect(decodePng(readFileSync(path)).width).toBe(64)
    expect(images[0]!.b64_json).toBeUndefined()
  })

  it('prefers the cacheDir setting over the environment', async () => {
    const folder = temporaryFolder()
    const { images } = await createLocal({ cacheDir: folder }).generate!(
      call({ format: ImageFormat.Url }),
      context({ env: { XDG_CACHE_HOME: '/nowhere' } }),
    )
    expect(fileURLToPath(images[0]!.url!).startsWith(join(folder, 'images'))).toBe(true)
  })

  it('throws the AbortError when aborted before it starts', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(local.generate!(call(), context({ signal: controller.signal }))).rejects.toMatchObject({
      name: 'AbortError',
    })
  })

  it('stops between images when aborted mid-way', async () => {
    const controller = new AbortController()
    let painted = 0
    const progress: ProviderContext['progress'] = () => {
      painted++
      if (painted === 2) controller.abort()
    }
    await expect(
      local.generate!(call({ n: 5 }), context({ signal: controller.signal, progress })),
    ).rejects.toMatchObject({ name: 'AbortError' })
    expect(painted).toBe(2)
  })

  it('warns when the prompt names nothing it can draw', async () => {
    const warnings: string[] = []
    await local.generate!(call({ prompt: 'a portrait of a cat' }), context({ warnings }))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/procedural landscapes/)
    expect(warnings[0]).toMatch(/cannot draw "cat"; it drew: Procedural day landscape with hills, trees/)
  })

  it('names the subjects it cannot draw next to those it can, and says what it drew', async () => {
    const warnings: string[] = []
    await local.generate!(call({ prompt: 'a lighthouse on a cliff at dusk' }), context({ warnings }))
    expect(warnings).toEqual([
      'sketch paints procedural landscapes and cannot draw "lighthouse"; it drew: Procedural sunset landscape with mountains, hills, sun, clouds',
    ])
  })

  it('stays quiet when every subject is one it draws', async () => {
    const warnings: string[] = []
    for (const prompt of ['A serene mountain landscape', 'a red city at night', 'a misty lake at dawn, no trees'])
      await local.generate!(call({ prompt, n: 1 }), context({ warnings }))
    expect(warnings).toEqual([])
  })
})

describe('through LLMKitClient', () => {
  it('generates n images for local:sketch', async () => {
    const client = new LLMKitClient({ providers: [createLocal()], env: {} })
    const request = new ImageGenerationRequest('local:sketch', 'a lake at sunset')
      .with_n(3)
      .with_format(ImageFormat.B64Json)
      .with_seed(7)
      .with_size(ImageSize.Square256)
    const response = await client.generateImage(request)
    expect(response.count).toBe(3)
    expect(response.total_size).toBeGreaterThan(0)
    expect(response.images.map((image) => image.seed)).toEqual([7, 8, 9])
    expect(response.images.every((image) => image.width === 256 && image.height === 256 && image.b64_json)).toBe(true)
    expect(response.warnings).toEqual([])
  })

  it('routes the bare id sketch and honours documented sizes exactly', async () => {
    const client = new LLMKitClient({ providers: [local], env: {} })
    expect(client.resolveModel('sketch').provider.id).toBe('local')
    const response = await client.generateImage(
      new ImageGenerationRequest('sketch', 'mountains')
        .with_size(ImageSize.Portrait1024x1792)
        .with_format(ImageFormat.B64Json)
        .with_seed(1),
    )
    const decoded = decodePng(Buffer.from(response.first()!.b64_json!, 'base64'))
    expect([decoded.width, decoded.height]).toEqual([1024, 1792])
    expect(response.warnings).toEqual([])
  })

  it('writes Url images where XDG_CACHE_HOME in the client env points', async () => {
    const xdg = temporaryFolder()
    const client = new LLMKitClient({ providers: [local], env: { XDG_CACHE_HOME: xdg } })
    const response = await client.generateImage(
      new ImageGenerationRequest('local:sketch', 'a city at night')
        .with_size(ImageSize.Square256)
        .with_format(ImageFormat.Url),
    )
    const path = fileURLToPath(response.first()!.url!)
    expect(path.startsWith(xdg)).toBe(true)
    expect(decodePng(readFileSync(path)).height).toBe(256)
  })
})

describe('model ids', () => {
  it('declares local:sketch to core, so a request autocompletes it (checked by the typecheck)', () => {
    const known: keyof ImageModelIds = 'local:sketch'
    // @ts-expect-error an id no imported provider declares is not among the known ones (any string still works)
    const unknown: keyof ImageModelIds = 'local:painting'
    expect(new ImageGenerationRequest(known, 'a cat').model).toBe('local:sketch')
    expect(unknown).toBe('local:painting')
  })
})
