import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createContext, runInContext } from 'node:vm'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '@llmkit/testing'

// @llmkit/core + this provider as a bundler builds them for an edge runtime or a browser
// (`esbuild --platform=neutral`: no `node` export condition, no Node built-ins), run in a bare
// V8 context that has the web platform's globals but no require, process or Buffer, against the
// emulator on 127.0.0.1 through the fetch handed in from outside. Needs both packages built.

const here = dirname(fileURLToPath(import.meta.url))

const ENTRY = `
import { LLMKitClient, ImageGenerationRequest, ImageFormat, HttpClient, GeneratedImage } from '@llmkit/core'
import { openai } from ${JSON.stringify(join(here, '..', 'dist', 'index.js'))}

export async function run(env) {
  const client = new LLMKitClient({ providers: [openai], env, retry: { maxRetries: 0 } })
  const b64 = await client.generateImage(
    new ImageGenerationRequest('dall-e-3', 'a lighthouse on a cliff').with_format(ImageFormat.B64Json),
  )
  const byUrl = await client.generateImage(
    new ImageGenerationRequest('dall-e-2', 'a red fox').with_n(2).with_format(ImageFormat.Url),
  )
  const downloaded = await byUrl.first().bytes()
  const http = new HttpClient()
  const failed = (promise) => promise.then(() => undefined, (error) => ({ code: error.code, message: error.message }))
  const name = new URL(env.OPENAI_BASE_URL)
  name.hostname = 'localhost'
  return {
    transport: http.transport,
    b64: { count: b64.images.length, mediaType: b64.first().media_type, length: (await b64.first().bytes()).length },
    url: { count: byUrl.images.length, url: byUrl.first().url, head: [...downloaded.subarray(0, 4)] },
    undici: failed(Promise.resolve().then(() => new HttpClient({ transport: 'undici' }))),
    loopback: await failed(GeneratedImage.from_url(env.OPENAI_BASE_URL + '/x.png').bytes({ http })),
    byName: await failed(GeneratedImage.from_url(name.href + '/x.png').bytes({ http })),
    save: await failed(b64.first().save('out.png')),
    proxy: await failed(new HttpClient({ proxy: 'http://127.0.0.1:9' }).send({ url: env.OPENAI_BASE_URL })),
  }
}
`

let emulator: Emulator
let code: string

beforeAll(async () => {
  emulator = await startEmulator({ providers: ['openai'] })
  const result = await build({
    stdin: { contents: ENTRY, resolveDir: here, loader: 'js' },
    bundle: true,
    platform: 'neutral',
    format: 'iife',
    globalName: 'edge',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  })
  code = result.outputFiles[0]!.text
})
afterAll(() => emulator.close())

/** The globals an edge runtime (workerd, Vercel Edge, Deno Deploy) or a browser has, and nothing of Node. */
function edgeGlobals(): Record<string, unknown> {
  const names = [
    'fetch',
    'Request',
    'Response',
    'Headers',
    'FormData',
    'Blob',
    'File',
    'URL',
    'URLSearchParams',
    'AbortController',
    'AbortSignal',
    'DOMException',
    'TextEncoder',
    'TextDecoder',
    'ReadableStream',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'queueMicrotask',
    'structuredClone',
    'atob',
    'btoa',
    'crypto',
    'console',
    'Event',
    'EventTarget',
  ] as const
  return Object.fromEntries(names.map((name) => [name, (globalThis as Record<string, unknown>)[name]]))
}

describe('core + openai bundled for an edge runtime', () => {
  it('bundles with platform neutral: no Node built-in, no undici, no require', () => {
    expect(code).not.toMatch(/\brequire\(|from ['"](node:|undici|fs|path|crypto|dns)/)
    expect(code).not.toContain('undici.Agent')
    expect(code.length).toBeLessThan(900_000)
  })

  it('generates against the emulator through fetch in a V8 context without require, process or Buffer', async () => {
    const context = createContext(edgeGlobals())
    runInContext(code, context)
    expect(runInContext('[typeof require, typeof process, typeof Buffer]', context)).toEqual([
      'undefined',
      'undefined',
      'undefined',
    ])
    const result = await (context.edge as { run(env: object): Promise<Record<string, unknown>> }).run({
      ...emulator.env,
    })
    expect(result.transport).toBe('fetch')
    expect(result.b64).toEqual({ count: 1, mediaType: 'image/png', length: expect.any(Number) })
    expect((result.b64 as { length: number }).length).toBeGreaterThan(100)
    const byUrl = result.url as { count: number; url: string; head: number[] }
    expect(byUrl.count).toBe(2)
    expect(byUrl.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//)
    expect(byUrl.head).toEqual([0x89, 0x50, 0x4e, 0x47])
    expect(emulator.requestsFor('openai', 'generate').length).toBeGreaterThanOrEqual(2)
  })

  it('keeps the download policy and says what needs Node', async () => {
    const context = createContext(edgeGlobals())
    runInContext(code, context)
    const result = await (context.edge as { run(env: object): Promise<Record<string, unknown>> }).run({
      ...emulator.env,
    })
    const error = (key: string) => result[key] as { code: string; message: string }
    expect(await (result.undici as Promise<unknown>)).toMatchObject({ code: 'invalid_request' })
    expect(error('loopback').message).toMatch(/^Refused to download an image from 127\.0\.0\.1: a private, loopback/)
    expect(error('byName').message).toMatch(
      /^Refused to download an image from localhost: without Node's DNS this runtime cannot check/,
    )
    expect(error('save')).toMatchObject({ code: 'invalid_request' })
    expect(error('save').message).toContain("Writing out.png needs Node's file system")
    expect(error('proxy').message).toContain("A proxy URL needs llmkit's undici transport")
  })
})
