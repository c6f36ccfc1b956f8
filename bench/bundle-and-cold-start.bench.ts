// What one OpenAI call costs an app before it runs: (a) the bundle of core + openai
// (esbuild, minified, platform node, code splitting on as app bundlers have it), split into
// undici, zod and llmkit's own bytes, and into what the app loads and what only an `import()`
// of a path it never takes would load (job polling, downloads, save, the fetch fallback);
// (b) `import + first call` in a fresh process, llmkit against raw undici doing the
// same call, each side in its own child processes, alternating, medians compared. Core loads
// undici's dispatcher files, not undici's index (fetch, WebSocket, caches, mocks): a third side
// does the raw call with those files alone, so llmkit's own share stays visible.
// Both use the built packages (dist), as users get them.
//
//   pnpm bench   (or, after building core and openai: cd bench && npx tsx bundle-and-cold-start.bench.ts;
//   BUNDLE_ONLY=1 for the sizes alone)
import { spawn, type ChildProcess } from 'node:child_process'
import { relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build, type Metafile } from 'esbuild'

const here = fileURLToPath(new URL('.', import.meta.url))
/** esbuild needs an output folder to split chunks into; nothing is written. */
const OUTDIR = `${here}bundle-out`
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

type Part = 'undici' | 'zod' | 'llmkit' | 'other'
type Bundle = {
  /** Every output file: the entry chunk, the chunks it imports, and the chunks loaded on demand. */
  bytes: number
  /** What a one-call app loads: the entry chunk and the chunks it imports statically. */
  loaded: number
  /** gzip of the loaded chunks. */
  gzip: number
  fromSources: number
  /** By owner, from the sources bundle: loaded, and only on demand (`import()` chunks a one-call app never loads). */
  parts: Record<Part, number>
  lazy: Record<Part, number>
  /** llmkit's loaded bytes by package folder (`core/http`, `openai`). */
  areas: Record<string, number>
}

/** Whose code a bundled input file is. */
function owner(file: string): Part {
  if (/node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?undici\//.test(file)) return 'undici'
  if (/node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?zod\//.test(file)) return 'zod'
  if (/(^|\/)packages\/[^/]+\/(dist|src)\//.test(file)) return 'llmkit'
  return 'other'
}

/** `core/http` for packages/core/src/http/x.ts, `openai` for packages/openai/src/x.ts. */
function area(file: string): string {
  const [, pkg, rest] = /packages\/([^/]+)\/(?:dist|src)\/(.*)$/.exec(file)!
  const folder = rest!.includes('/') ? `/${rest!.split('/')[0]}` : ''
  return pkg === 'core' ? `core${folder}` : pkg!
}

/**
 * The output files a one-call app loads: the entry chunk and, transitively, the chunks it imports
 * statically. Chunks reached only through `import()` (jobs, downloads, save, the fetch fallback, …)
 * are split off as any app bundler (Vite, webpack, Rollup, esbuild with splitting) does, and counted apart.
 */
function loadedOutputs(metafile: Metafile): Set<string> {
  // The app's own entry (chunks reached by `import()` are entry points too).
  const entry = Object.keys(metafile.outputs).find((path) => metafile.outputs[path]!.entryPoint === 'app.mjs')!
  const loaded = new Set<string>()
  const visit = (path: string) => {
    if (loaded.has(path)) return
    loaded.add(path)
    for (const target of metafile.outputs[path]!.imports)
      if (target.kind === 'import-statement' && !target.external) visit(target.path)
  }
  visit(entry)
  return loaded
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
  const lazy = { undici: 0, zod: 0, llmkit: 0, other: 0 }
  const areas: Record<string, number> = {}
  const sourcesLoaded = loadedOutputs(sources.metafile)
  for (const [path, output] of Object.entries(sources.metafile.outputs)) {
    for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
      const part = owner(file)
      ;(sourcesLoaded.has(path) ? parts : lazy)[part] += bytesInOutput
      if (part === 'llmkit' && sourcesLoaded.has(path)) areas[area(file)] = (areas[area(file)] ?? 0) + bytesInOutput
    }
  }
  const builtLoaded = loadedOutputs(built.metafile)
  const files = (result: typeof built, only?: Set<string>) =>
    result.outputFiles.filter((file) => !only || only.has(relative(process.cwd(), file.path)))
  const loadedFiles = files(built, builtLoaded)
  const size = (list: { contents: Uint8Array }[]) => list.reduce((sum, file) => sum + file.contents.length, 0)
  return {
    bytes: size(files(built)),
    loaded: size(loadedFiles),
    gzip: size(loadedFiles.map((file) => ({ contents: gzipSync(file.contents) }))),
    fromSources: size(files(sources)),
    parts,
    lazy,
    areas,
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
    // As app bundlers do with `import()`: what the app may never need goes into chunks loaded on demand.
    splitting: true,
    outdir: OUTDIR,
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
/** The raw sides' request: its options, then the body read and its image decoded. */
const RAW_OPTIONS = `method: 'POST',
  headers: { authorization: 'Bearer sk-bench', 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'dall-e-2', prompt: 'a cat', n: 1, size: '1024x1024', response_format: 'b64_json' }),`
const RAW_READ = `const json = await response.body.json()
let bytes = 0
for (const item of json.data) bytes += Buffer.from(item.b64_json, 'base64').length
${FINISH}`
const CHILD = {
  raw: (port: number) => `
const t0 = performance.now()
const { request } = await import('undici')
const t1 = performance.now()
const response = await request('http://127.0.0.1:${port}/v1/images/generations', { ${RAW_OPTIONS} })
${RAW_READ}`,
  // The same call with only the undici files core loads (its dispatchers, not undici's index):
  // what is left of the difference is llmkit's own import and call.
  parts: (port: number) => `
const t0 = performance.now()
const [{ default: Agent }, { default: api }, { default: Dispatcher }] = await Promise.all([
  import('undici/lib/dispatcher/agent.js'), import('undici/lib/api/index.js'), import('undici/lib/dispatcher/dispatcher.js'),
  import('undici/lib/dispatcher/proxy-agent.js'), import('undici/lib/dispatcher/env-http-proxy-agent.js'),
])
Object.assign(Dispatcher.prototype, api)
const t1 = performance.now()
const response = await new Agent().request({ origin: 'http://127.0.0.1:${port}', path: '/v1/images/generations', ${RAW_OPTIONS} })
${RAW_READ}`,
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
  const lazyTotal = (bundle: Bundle) => bundle.bytes - bundle.loaded
  console.log(
    'core + openai bundled for one generateImage call (esbuild, minified, platform node, code splitting as app bundlers do, built packages)',
  )
  console.log(
    `  total: ${KiB(full.bytes)} minified  (target <= 650 KiB); loaded by the app: ${KiB(full.loaded)} minified, ${KiB(full.gzip)} gzip; on demand: ${KiB(lazyTotal(full))}`,
  )
  console.log(
    `  loaded, of which (split from sources) undici ${KiB(full.parts.undici)}, zod ${KiB(full.parts.zod)}, llmkit ${KiB(full.parts.llmkit)}  (target llmkit <= 50 KiB), other ${KiB(full.parts.other)}`,
  )
  const areas = Object.entries(full.areas).sort(([, a], [, b]) => b - a)
  console.log(`  llmkit loaded by area: ${areas.map(([name, bytes]) => `${name} ${KiB(bytes)}`).join(', ')}`)
  console.log(
    `  on demand (import() chunks: jobs, downloads, save, fetch fallback, …): llmkit ${KiB(full.lazy.llmkit)}, zod ${KiB(full.lazy.zod)}, undici ${KiB(full.lazy.undici)}; llmkit in all: ${KiB(full.parts.llmkit + full.lazy.llmkit)}`,
  )
  console.log(
    `  the same app from sources: ${KiB(full.fromSources)} (the built total is larger by what core and openai each bundle of zod/mini)`,
  )
  console.log(
    `  undici left external: ${KiB(withoutUndici.loaded)} minified loaded, ${KiB(withoutUndici.gzip)} gzip (zod ${KiB(withoutUndici.parts.zod)}, llmkit ${KiB(withoutUndici.parts.llmkit)})`,
  )
  // BUNDLE_ONLY=1: the sizes alone, without the cold-start processes.
  if (process.env.BUNDLE_ONLY) return

  const server = await startServer()
  try {
    const runs = Number(process.env.COLD_RUNS ?? 12)
    const sides = { raw: [] as Cold[], parts: [] as Cold[], llmkit: [] as Cold[] }
    const names = Object.keys(sides) as (keyof typeof sides)[]
    for (const side of names) await coldStart(side, server.port) // the first process of each kind warms the OS file cache
    for (let i = 0; i < runs; i++) {
      const order = i % 2 === 0 ? names : [...names].reverse()
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
    console.log(
      `  undici's dispatcher files only (what core loads of undici): ${total(sides.parts).toFixed(1)} ms (import ${part(sides.parts, 'importMs')} ms, first request ${part(sides.parts, 'callMs')} ms)`,
    )
    console.log(`  ratio ${(total(sides.llmkit) / total(sides.raw)).toFixed(2)}x raw undici  (target <= 1.15x)`)
    console.log(
      `  llmkit's own share: +${(total(sides.llmkit) - total(sides.parts)).toFixed(1)} ms over the same undici files (${(total(sides.llmkit) / total(sides.parts)).toFixed(2)}x)`,
    )
  } finally {
    server.child.kill('SIGTERM')
  }
}

await main()
