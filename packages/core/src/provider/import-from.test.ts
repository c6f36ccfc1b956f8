import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importFrom } from './import-from'
import { isImageProvider } from './is-image-provider'

let app: string
async function write(path: string, text: string): Promise<void> {
  await mkdir(join(app, path, '..'), { recursive: true })
  await writeFile(join(app, path), text)
}

beforeAll(async () => {
  app = await mkdtemp(join(tmpdir(), 'llmkit-import-from-'))
  await write('package.json', '{"name":"app","type":"module"}')
  await write('local-plugin.mjs', 'export const provider = "from a path"')
  // A dual package: the import condition must win over require.
  await write(
    'node_modules/dual/package.json',
    JSON.stringify({
      name: 'dual',
      exports: {
        '.': { types: './index.d.ts', require: './index.cjs', import: './index.mjs' },
        './extra': { default: './extra.mjs' },
      },
    }),
  )
  await write('node_modules/dual/index.mjs', 'export const kind = "esm"')
  await write('node_modules/dual/index.cjs', 'exports.kind = "cjs"')
  await write('node_modules/dual/extra.mjs', 'export const kind = "extra"')
  await write('node_modules/@acme/old/package.json', '{"name":"@acme/old","main":"lib/main"}')
  await write('node_modules/@acme/old/lib/main.js', 'exports.kind = "main"')
  await mkdir(join(app, 'nested', 'deeper'), { recursive: true })
})
afterAll(() => rm(app, { recursive: true, force: true }))

describe('importFrom', () => {
  it('imports a package as an import in that folder would, through exports or main', async () => {
    expect((await importFrom('dual', app)).kind).toBe('esm')
    expect((await importFrom('dual/extra', app)).kind).toBe('extra')
    expect((await importFrom('@acme/old', app)).kind).toBe('main')
    // Found in a parent's node_modules, like Node's lookup.
    expect((await importFrom('dual', join(app, 'nested', 'deeper'))).kind).toBe('esm')
  })

  it('imports a path relative to the folder, or a file URL', async () => {
    expect((await importFrom('./local-plugin.mjs', app)).provider).toBe('from a path')
    expect((await importFrom(pathToFileURL(join(app, 'local-plugin.mjs')).href, '/')).provider).toBe('from a path')
  })

  it('says what is missing', async () => {
    await expect(importFrom('nowhere-to-be-found', app)).rejects.toMatchObject({
      code: 'invalid_request',
      message: `Cannot find module "nowhere-to-be-found" from ${app}: install it there, or give its path`,
    })
    await expect(importFrom('dual/secret', app)).rejects.toThrow('the exports of dual have no "./secret" for import')
    await expect(importFrom('./missing.mjs', app)).rejects.toThrow('Cannot find module "./missing.mjs"')
  })
})

describe('isImageProvider', () => {
  it('accepts generate or start + status, and nothing else', () => {
    const base = { id: 'x', models: [] }
    expect(isImageProvider({ ...base, generate: async () => ({ images: [] }) })).toBe(true)
    expect(isImageProvider({ ...base, start: async () => ({}), status: async () => ({}) })).toBe(true)
    expect(isImageProvider({ ...base, start: async () => ({}) })).toBe(false)
    expect(isImageProvider({ id: 'x', generate: () => undefined })).toBe(false)
    expect(isImageProvider('provider')).toBe(false)
    expect(isImageProvider(null)).toBe(false)
  })
})
