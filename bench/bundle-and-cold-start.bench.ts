// What one OpenAI call costs an app before it runs: (a) the bundle of core + openai
// (esbuild, minified, platform node), split into undici, zod and llmkit's own bytes;
// (b) `import + first call` in a fresh process, llmkit against raw undici doing the
// same call, each side in its own child processes, alternating, medians compared.
// Both use the built packages (dist), as users get them.
//
//   pnpm bench   (or, after building core and openai: cd bench && npx tsx bundle-and-cold-start.bench.ts)
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build, type Metafile } from 'esbuild'

const here = fileURLToPath(new URL('.', import.meta.url))
const KiB = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

/** An app that makes one OpenAI call: what a bundler keeps of core + openai for it. */
const APP = `
import { ImageFormat, ImageGenerationRequest, LLMKitClient } from '@llmkit/core'
import { createOpenAI } from '@llmkit/openai'
const client = new LLMKitClient({ providers: [createOpenAI({ apiKey: process.env.OPENAI_API_KEY })] })
const response = await client.generateImage(new ImageGenerationRequest('dall-e-2', 'a cat').with_format(ImageFormat.B64Json))
console.log(response.count)
`

type Bundle = {
  bytes: number
  gzip: number
  fromSources: number
  parts: Record<'undici' | 'zod' | 'llmkit' | 'other', number>
}

/** Whose code a bundled input file is. */
function owner(file: string): keyof Bundle['parts'] {
  if (/node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?undici\//.test(file)) return 'undici'
  if (/node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?zod\//.test(file)) return 'zod'
  if (/(^|\/)packages\/[^/]+\/(dist|src)\//.test(file)) return 'llmkit'
  return 'other'
}

/**
 * The app bundled from the built packages (what users get). core and openai bundle
 * the parts of zod/mini they use into their dist, so the split into undici, zod and
 * llmkit's own bytes comes from a second bundle of the same app from the packages'
 * TypeScript sources (the workspace's `@llmkit/source` condition), where zod is a file of its own.
 */
async function bundle(external: string[] = []): Promise<Bundle> {
  const built = await esbuildApp(external, [])
  const sources = await esbuildApp(external, ['@llmkit/source'])
  const parts = { undici: 0, zod: 0, llmkit: 0, other: 0 }
  const inputs = Object.values(sources.metafile!.outputs as Metafile['outputs'])[0]!.inputs
  for (const [file, { bytesInOutput }] of Object.entries(inputs)) parts[owner(file)] += bytesInOutput
  const output = built.outputFiles[0]!.contents
  return {
    bytes: output.length,
    gzip: gzipSync(output).length,
    fromSources: sources.outputFiles[0]!.contents.length,
    parts,
  }
}

function esbuildApp(external: string[], conditions: string[]) {
  return build({
    stdin: { contents: APP, resolveDir: here, loader: 'js', sourcefile: 'app.mjs' },
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external,
    conditions,
    write: false,
    metafile: true,
    logLevel: 'error',
  })
}

async function startServer(): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', `${here}mock-openai-server.ts`], {
    env: { ...process.env, MOCK_IMAGES: '1', MOCK_IMAGE_BYTES: '2048' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const port = await new Promise<number>((resolve) =>
    child.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
  )
  return { port, child }
}

// Each child times its own imports and first call (not Node's start-up, the same for both) and prints them.
const FINISH = `
const t2 = performance.now()
if (bytes !== 2048) throw new Error('expected one 2048-byte image, got ' + bytes)
process.stdout.write(JSON.stringify({ importMs: t1 - t0, callMs: t2 - t1 }))
process.exit(0)
`
const CHILD = {
  raw: (port: number) => `
const t0 = performance.now()
const { request } = await import('undici')
const t1 = performance.now()
const response = await request('http://127.0.0.1:${port}/v1/images/generations', {
  method: 'POST',
  headers: { authorization: 'Bearer sk-bench', 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'dall-e-2', prompt: 'a cat', n: 1, size: '1024x1024', response_format: 'b64_json' }),
})
const json = await response.body.json()
let bytes = 0
for (const item of json.data) bytes += Buffer.from(item.b64_json, 'base64').length
${FINISH}`,
  llmkit: (port: number) => `
const t0 = performance.now()
const { ImageFormat, ImageGenerationRequest, LLMKitClient } = await import('@llmkit/core')
const { createOpenAI } = await import('@llmkit/openai')
const t1 = performance.now()
const client = new LLMKitClient({ providers: [createOpenAI({ apiKey: 'sk-bench', baseURL: 'http://127.0.0.1:${port}/v1' })] })
const response = await client.generateImage(new ImageGenerationRequest('dall-e-2', 'a cat').with_format(ImageFormat.B64Json))
let bytes = 0
for (const image of response.images) bytes += (await image.bytes()).length
${FINISH}`,
}

type Cold = { importMs: number; callMs: number }

async function coldStart(side: keyof typeof CHILD, port: number): Promise<Cold> {
  // Run from bench/, so the child resolves the workspace's built packages; ESM, no tsx.
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD[side](port)], {
    cwd: here,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()))
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error(`${side} child exited with ${code}`)
  return JSON.parse(out) as Cold
}

async function main(): Promise<void> {
  const full = await bundle()
  const withoutUndici = await bundle(['undici'])
  console.log('core + openai bundled for one generateImage call (esbuild, minified, platform node, built packages)')
  console.log(`  total: ${KiB(full.bytes)} minified, ${KiB(full.gzip)} gzip  (target <= 650 KiB minified)`)
  console.log(
    `  of which (split from sources) undici ${KiB(full.parts.undici)}, zod ${KiB(full.parts.zod)}, llmkit ${KiB(full.parts.llmkit)}  (target llmkit <= 50 KiB), other ${KiB(full.parts.other)}`,
  )
  console.log(
    `  the same app from sources: ${KiB(full.fromSources)} (the built total is larger by what core and openai each bundle of zod/mini)`,
  )
  console.log(
    `  undici left external: ${KiB(withoutUndici.bytes)} minified, ${KiB(withoutUndici.gzip)} gzip (zod ${KiB(withoutUndici.parts.zod)}, llmkit ${KiB(withoutUndici.parts.llmkit)})`,
  )

  const server = await startServer()
  try {
    const runs = Number(process.env.COLD_RUNS ?? 12)
    const sides = { raw: [] as Cold[], llmkit: [] as Cold[] }
    await coldStart('raw', server.port) // the first process of each kind warms the OS file cache
    await coldStart('llmkit', server.port)
    for (let i = 0; i < runs; i++) {
      const order = i % 2 === 0 ? (['raw', 'llmkit'] as const) : (['llmkit', 'raw'] as const)
      for (const side of order) sides[side].push(await coldStart(side, server.port))
    }
    const total = (runs: Cold[]) => median(runs.map((run) => run.importMs + run.callMs))
    const part = (runs: Cold[], key: keyof Cold) => median(runs.map((run) => run[key])).toFixed(1)
    console.log(
      `import + first call in a fresh process (loopback mock server, 1 small image; medians of ${runs} alternating processes each)`,
    )
    console.log(
      `  raw undici: ${total(sides.raw).toFixed(1)} ms (import ${part(sides.raw, 'importMs')} ms, first request ${part(sides.raw, 'callMs')} ms)`,
    )
    console.log(
      `  llmkit:     ${total(sides.llmkit).toFixed(1)} ms (import ${part(sides.llmkit, 'importMs')} ms, first generateImage ${part(sides.llmkit, 'callMs')} ms)`,
    )
    console.log(`  ratio ${(total(sides.llmkit) / total(sides.raw)).toFixed(2)}x  (target <= 1.15x)`)
  } finally {
    server.child.kill('SIGTERM')
  }
}

await main()
