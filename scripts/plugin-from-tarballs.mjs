#!/usr/bin/env node
// The example provider plugin (examples/plugin-bfl) as an outside developer has it:
// the llmkit packages packed with `pnpm pack` (as they would be published),
// installed with npm into a scratch app in a temporary folder (no workspace, no
// source condition), then: the plugin builds and typechecks there, passes its
// conformance suite, is packed and installed like any npm package, generates
// through LLMKitClient, and through the `llmkit` CLI with --provider.
// Run after the packages are built: `pnpm turbo run build --filter=@llmkit/cli...`.
// KEEP=1 keeps the scratch folder.
import { execFileSync, spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const pluginSource = join(root, 'examples', 'plugin-bfl')
const work = mkdtempSync(join(tmpdir(), 'llmkit-plugin-e2e-'))
const tarballs = join(work, 'tarballs')
const app = join(work, 'app')
const plugin = join(app, 'plugin-bfl')
const started = Date.now()
/** Dev tools the plugin's author installs from the registry (the versions the repo pins). */
const DEV_TOOLS = ['vitest@3.2.7', 'typescript@5.9.3', '@types/node@20.19.43']

function step(title, action) {
  const at = Date.now()
  const result = action()
  console.log(`ok ${title} (${((Date.now() - at) / 1000).toFixed(1)} s)`)
  return result
}

function sh(command, args, cwd, env = {}) {
  try {
    return execFileSync(command, args, {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
  } catch (error) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) failed:\n${error.stdout ?? ''}${error.stderr ?? error}`)
  }
}

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'))

/** Workspace packages by name, with their folder and manifest. */
function workspacePackages() {
  const folders = readdirSync(join(root, 'packages')).map((name) => join(root, 'packages', name))
  return new Map(
    folders
      .filter((folder) => existsSync(join(folder, 'package.json')))
      .map((folder) => [
        readJson(join(folder, 'package.json')).name,
        { folder, manifest: readJson(join(folder, 'package.json')) },
      ]),
  )
}

/** The workspace packages `names` need at run time (dependencies and required peers), themselves included. */
function closure(names, packages) {
  const seen = new Set()
  const visit = (name) => {
    if (seen.has(name) || !packages.has(name)) return
    seen.add(name)
    const { manifest } = packages.get(name)
    const optional = manifest.peerDependenciesMeta ?? {}
    const peers = Object.keys(manifest.peerDependencies ?? {}).filter((peer) => !optional[peer]?.optional)
    for (const dependency of [...Object.keys(manifest.dependencies ?? {}), ...peers]) visit(dependency)
  }
  names.forEach(visit)
  return [...seen]
}

function pack(names, packages) {
  mkdirSync(tarballs, { recursive: true })
  return names.map((name) => {
    const { folder } = packages.get(name)
    if (!existsSync(join(folder, 'dist')))
      throw new Error(`${name} is not built: run \`pnpm turbo run build --filter=@llmkit/cli...\` first`)
    const before = new Set(readdirSync(tarballs))
    sh('pnpm', ['pack', '--pack-destination', tarballs], folder)
    const made = readdirSync(tarballs).find((file) => !before.has(file))
    if (!made) throw new Error(`pnpm pack made no tarball for ${name}`)
    return join(tarballs, made)
  })
}

/** The plugin may not cast types or reach into a package's private files. */
function checkPluginSource() {
  const folder = join(pluginSource, 'src')
  for (const file of readdirSync(folder)) {
    const lines = readFileSync(join(folder, file), 'utf8').split('\n')
    lines.forEach((line, index) => {
      const where = `examples/plugin-bfl/src/${file}:${index + 1}`
      // Comments and strings may say anything.
      const code = /^\s*(\/\*|\*)/.test(line) ? '' : line.replace(/\/\/.*$/, '').replace(/(['"`]).*?\1/g, "''")
      if (/^\s*(import|export)\b/.test(code) && /['"](@llmkit\/[^'"]+\/(src|dist)|\.\.\/)/.test(code))
        throw new Error(`${where}: private import: ${line.trim()}`)
      if (!/^\s*(import|export)\b/.test(code) && /[\w)\]]\s+as\s+(?!const\b)/.test(code))
        throw new Error(`${where}: type cast: ${line.trim()}`)
      if (/@ts-(ignore|expect-error|nocheck)|:\s*any\b|<any>/.test(code)) throw new Error(`${where}: ${line.trim()}`)
    })
  }
}

function runProcess(command, args, cwd, env, until) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1', ...env } })
    let output = ''
    const timer = setTimeout(() => {
      child.kill()
      reject(new Error(`${command} ${args.join(' ')}: no "${until}" within 20 s:\n${output}`))
    }, 20_000)
    const read = (chunk) => {
      output += chunk
      if (until && output.includes(until)) child.kill()
    }
    child.stdout.on('data', read)
    child.stderr.on('data', read)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

function assert(condition, message) {
  if (!condition) throw new Error(message)
}

async function main() {
  step('plugin source has no casts or private imports', checkPluginSource)
  const packages = workspacePackages()
  // The umbrella: \`@llmkit/sdk\` (\`llmkit\` before the rename).
  const sdk = ['@llmkit/sdk', 'llmkit'].find((name) => packages.has(name))
  const names = closure(['@llmkit/cli', '@llmkit/testing', '@llmkit/core', sdk], packages)
  const packed = step(`pnpm pack ${names.length} packages`, () => pack(names, packages))

  mkdirSync(app, { recursive: true })
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }))
  const npmInstall = (args) =>
    sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...args], app)
  step('npm install the tarballs and the dev tools', () => npmInstall([...packed, 'zod@^4.6.7', ...DEV_TOOLS]))

  cpSync(pluginSource, plugin, { recursive: true, filter: (path) => !/node_modules|dist$/.test(path) })
  const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc')
  step('plugin typechecks (tests included) and builds', () => {
    sh(process.execPath, [tsc, '-p', 'tsconfig.json', '--noEmit'], plugin)
    sh(process.execPath, [tsc, '-p', 'tsconfig.build.json'], plugin)
  })
  step('plugin passes its conformance suite', () =>
    sh(process.execPath, [join(app, 'node_modules', 'vitest', 'vitest.mjs'), 'run'], plugin),
  )
  const pluginTarball = step('npm pack the plugin and install it', () => {
    const file = sh('npm', ['pack', '--pack-destination', tarballs, '--loglevel=error'], plugin)
      .trim()
      .split('\n')
      .pop()
    npmInstall([join(tarballs, file)])
    return file
  })

  writeFileSync(
    join(app, 'generate.mjs'),
    `import { BUNDLED_PROVIDERS, ImageFormat, ImageGenerationRequest, LLMKitClient } from '${sdk}'
import { startEmulator } from '@llmkit/testing'
import { provider } from 'llmkit-provider-bfl'
import { emulator as bflEmulator } from 'llmkit-provider-bfl/emulator'

const emulator = await startEmulator({ providers: [bflEmulator], timing: { queueMs: 20, runMs: 40 } })
try {
  const client = LLMKitClient.fromEnv({ env: emulator.env, providers: [...BUNDLED_PROVIDERS, provider] })
  const results = []
  for (const model of ['flux-pro-1.1', 'bfl:flux-dev']) {
    const request = new ImageGenerationRequest(model, 'a red fox').with_format(ImageFormat.B64Json).with_seed(3)
    const response = await client.generateImage(request)
    results.push({ model, provider: response.provider, bytes: Buffer.from(response.first().b64_json, 'base64').subarray(1, 4).toString() })
  }
  const keyless = LLMKitClient.fromEnv({ env: {}, providers: [...BUNDLED_PROVIDERS, provider] })
  const hint = await keyless.generateImage(new ImageGenerationRequest('flux-pro-1.1', 'a fox')).catch((e) => e.message)
  console.log(JSON.stringify({ results, hint }))
} finally {
  await emulator.close()
}
`,
  )
  step('generate through LLMKitClient', () => {
    const { results, hint } = JSON.parse(sh(process.execPath, ['generate.mjs'], app).trim().split('\n').pop())
    assert(
      JSON.stringify(results) ===
        JSON.stringify([
          { model: 'flux-pro-1.1', provider: 'bfl', bytes: 'PNG' },
          { model: 'bfl:flux-dev', provider: 'bfl', bytes: 'PNG' },
        ]),
      `unexpected results ${JSON.stringify(results)}`,
    )
    assert(hint.includes('set BFL_API_KEY') && hint.includes('llmkit-provider-bfl'), `no setup hint in: ${hint}`)
  })

  const llmkit = join(app, 'node_modules', '.bin', 'llmkit')
  step('generate through the CLI with --provider (and --emulator)', () => {
    const out = join(work, 'images')
    const args = ['--provider', 'llmkit-provider-bfl/emulator', 'generate', 'a red fox', '-m', 'bfl:flux-pro-1.1']
    const json = JSON.parse(sh(llmkit, [...args, '--size', '512x512', '--emulator', '--json', '-o', out], app))
    assert(json.ok === true && json.provider === 'bfl' && json.size === '512x512', `CLI said ${JSON.stringify(json)}`)
    assert(existsSync(json.files[0]), `no image at ${json.files[0]}`)
  })
  step('llmkit models lists the plugin (LLMKIT_PROVIDERS)', () => {
    const listing = JSON.parse(
      sh(llmkit, ['models', '--provider', 'bfl', '--json'], app, { LLMKIT_PROVIDERS: 'llmkit-provider-bfl' }),
    )
    const ids = listing.providers[0].models.map((model) => model.qualifiedId)
    assert(ids.join() === 'bfl:flux-pro-1.1,bfl:flux-dev', `models listed ${ids}`)
  })
  step('a module that is not there is a usage error', () => {
    let code = 0
    try {
      sh(llmkit, ['--provider', 'llmkit-provider-nope', 'models'], app)
    } catch (error) {
      code = /Cannot find module "llmkit-provider-nope"/.test(error.message) ? 2 : -1
    }
    assert(code === 2, 'expected exit 2 naming the missing module')
  })
  const served = await runProcess(
    join(app, 'node_modules', '.bin', 'llmkit-emulator'),
    ['--port', '0', '--providers', 'openai', '--provider', 'llmkit-provider-bfl/emulator'],
    app,
    {},
    'BFL_BASE_URL=',
  )
  assert(
    /export BFL_BASE_URL=http:\/\/127\.0\.0\.1:\d+\/bfl/.test(served.output),
    `llmkit-emulator said:\n${served.output}`,
  )
  console.log('ok llmkit-emulator --provider serves the plugin emulator')
  console.log(
    `plugin from tarballs: all checks passed in ${((Date.now() - started) / 1000).toFixed(1)} s (${pluginTarball})`,
  )
}

main()
  .catch((error) => {
    console.error(`plugin from tarballs: FAILED\n${error.stack ?? error}`)
    process.exitCode = 1
  })
  .finally(() => {
    if (process.env.KEEP) console.log(`kept ${work}`)
    else rmSync(work, { recursive: true, force: true })
  })
