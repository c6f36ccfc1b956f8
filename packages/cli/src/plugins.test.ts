import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GeneratedImage, type ImageProvider } from '@llmkit/sdk'
import { renderPng } from '@llmkit/testing'
import { run } from './index'
import { pluginSpecifiers } from './plugins'

// A plugin as a file in the working folder: a provider (listing needs no network) and an emulator that only sets its key.
const ECHO_PLUGIN = `
const model = { id: 'echo-1', maxImagesPerCall: 1, sizes: { range: { min: 64, max: 512 } }, supports: { formats: ['b64_json'] } }
export const provider = {
  id: 'echo',
  models: [model],
  env: { apiKey: ['ECHO_API_KEY'] },
  isConfigured: (env) => Boolean(env.ECHO_API_KEY),
  generate: async () => ({ images: [] }),
}
export const emulator = {
  id: 'echo',
  defaultKey: 'emu-echo-key',
  environment: (context) => ({ ECHO_API_KEY: context.apiKey }),
  handlers: () => [],
  endpointOf: () => 'other',
  errorBody: (_status, message) => ({ message }),
}
`

let folder: string
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'llmkit-plugins-'))
  await writeFile(join(folder, 'echo.mjs'), ECHO_PLUGIN)
  await writeFile(join(folder, 'empty.mjs'), 'export const other = 1\n')
  await writeFile(join(folder, 'wrong.mjs'), "export const provider = { id: 'wrong' }\n")
})
afterAll(() => rm(folder, { recursive: true, force: true }))

function cli(argv: string[], extra: { env?: Record<string, string>; providers?: ImageProvider[] } = {}) {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
  const done = run(argv, { stdout, stderr, cwd: folder, env: { NO_COLOR: '1', ...extra.env }, ...extra })
  return done.then((code) => ({ code, out, err }))
}

const providerIds = (json: string) => (JSON.parse(json) as { providers: { id: string }[] }).providers.map((p) => p.id)

describe('provider plugins', () => {
  it('lists a plugin loaded with --provider beside the bundled providers', async () => {
    const result = await cli(['--provider', './echo.mjs', 'models', '--json'])
    expect(result.code).toBe(0)
    expect(providerIds(result.out).slice(-2)).toEqual(['local', 'echo'])
    const echo = (await cli(['--provider', './echo.mjs', 'models', '--provider', 'echo', '--json'])).out
    expect(JSON.parse(echo)).toMatchObject({
      providers: [{ id: 'echo', configured: false, models: [{ qualifiedId: 'echo:echo-1' }] }],
    })
  })

  it('loads modules listed in LLMKIT_PROVIDERS, once each', async () => {
    const result = await cli(['--provider', './echo.mjs', 'models', '--json'], {
      env: { LLMKIT_PROVIDERS: './echo.mjs, ./echo.mjs' },
    })
    expect(providerIds(result.out).filter((id) => id === 'echo')).toHaveLength(1)
    expect(pluginSpecifiers(['a'], { LLMKIT_PROVIDERS: 'b, a,,c' })).toEqual(['a', 'b', 'c'])
  })

  it("serves the plugin's emulator under --emulator", async () => {
    const result = await cli(['--provider', './echo.mjs', 'models', '--provider', 'echo', '--emulator', '--json'])
    expect(JSON.parse(result.out)).toMatchObject({ providers: [{ id: 'echo', configured: true }] })
  })

  it.each([
    ['nowhere-plugin', 'Cannot find module "nowhere-plugin" from'],
    ['./empty.mjs', 'the module has no `provider` export (exports: other)'],
    ['./wrong.mjs', 'its `provider` export is not an llmkit provider'],
  ])('says what is wrong with --provider %s (exit 2)', async (specifier, message) => {
    const result = await cli(['--provider', specifier, 'models'])
    expect(result.code).toBe(2)
    expect(result.err).toContain(`--provider ${specifier}: ${message}`)
    expect(result.out).toBe('')
  })

  it('generates with providers given to run(argv, { providers })', async () => {
    const painter: ImageProvider = {
      id: 'painter',
      models: [
        {
          id: 'brush',
          maxImagesPerCall: 1,
          sizes: { range: { min: 64, max: 512 } },
          supports: { formats: ['b64_json'] },
        },
      ],
      generate: async (call) => ({
        images: [GeneratedImage.from_b64(renderPng(call.prompt, call.width, call.height, 1).toString('base64'))],
      }),
    }
    const output = join(folder, 'out')
    const result = await cli(
      ['generate', 'a fox', '-m', 'painter:brush', '--size', '128x128', '-o', output, '--json'],
      {
        providers: [painter],
      },
    )
    expect(result.code).toBe(0)
    const json = JSON.parse(result.out) as { provider: string; files: string[]; size: string }
    expect(json).toMatchObject({ provider: 'painter', size: '128x128' })
    expect((await stat(json.files[0]!)).size).toBeGreaterThan(100)
  })
})
