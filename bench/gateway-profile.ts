// Where the gateway's CPU goes: runs bench/gateway-child.ts (or the bare floor,
// FLOOR=bare) under `node --cpu-prof` in front of the loopback mock, drives it
// at 32 concurrent clients, stops it, and prints self time by package and by
// function from the profile.
//
//   cd bench && pnpm exec tsx gateway-profile.ts [requests=20000]
//   FLOOR=bare: the bare floor instead; SERVER=<file>: any child printing its port on stderr;
//   CLIENTS=1: one request at a time (the latency path) instead of 32 concurrent clients
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, openSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Agent, request } from 'undici'

const here = fileURLToPath(new URL('.', import.meta.url))
const total = Number(process.argv[2] ?? 20_000)
const isBare = process.env.FLOOR === 'bare'

function start(
  args: string[],
  env: Record<string, string>,
  stream: 'stdout' | 'stderr',
): [ChildProcess, Promise<number>] {
  // The gateway's log lines go to /dev/null, as in gateway.bench.ts.
  const stdout = stream === 'stderr' ? openSync('/dev/null', 'w') : 'pipe'
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', stdout, 'pipe'] })
  let output = ''
  const port = new Promise<number>((resolve, reject) => {
    child[stream]!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /^(\d+)\n/.exec(output)
      if (match) resolve(Number(match[1]))
    })
    child.once('exit', (code) => reject(new Error(`${args.at(-1)} exited (${code}): ${output.slice(-2000)}`)))
  })
  child.stdout?.resume()
  return [child, port]
}

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** The package a frame's file belongs to (`@llmkit/<dir>` for workspace packages), or undefined for Node and natives. */
function packageOf(url: string): string | undefined {
  const dependency = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (dependency) return dependency[1]
  const workspace = /\/packages\/([^/]+)\//.exec(url)
  if (workspace) return `@llmkit/${workspace[1]}`
  if (url.startsWith('file:')) return url.replace(/^.*\//, '')
  return undefined
}

/** µs per request by function (self time) and by package (self time plus the Node internals it called). */
function summarise(file: string, requests: number): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const owner = new Map<number, string>()
  const visit = (node: ProfileNode, inherited: string) => {
    const { functionName, url } = node.callFrame
    const isVmState = ['(garbage collector)', '(program)', '(idle)'].includes(functionName)
    const own = packageOf(url) ?? (isVmState ? functionName : inherited)
    owner.set(node.id, own)
    for (const child of node.children ?? []) visit(byId.get(child)!, own)
  }
  visit(profile.nodes[0]!, 'node (event loop, http, streams)')
  const selfMicros = new Map<number, number>()
  profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
  const byFunction = new Map<string, number>()
  const byPackage = new Map<string, number>()
  let busy = 0
  for (const [id, micros] of selfMicros) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame
    if (functionName === '(idle)') continue
    busy += micros
    const where = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(packages|bench)\//, '')
    const name = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros)
    byPackage.set(owner.get(id)!, (byPackage.get(owner.get(id)!) ?? 0) + micros)
  }
  const show = (title: string, map: Map<string, number>, count: number) => {
    console.log(title)
    for (const [name, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, count))
      console.log(`  ${(micros / requests).toFixed(1).padStart(6)} us  ${name}`)
  }
  console.log(`busy CPU (startup included): ${(busy / requests).toFixed(0)} us per request`)
  show('by package (self time plus the Node internals it called), per request', byPackage, 20)
  show('by function (self time), per request', byFunction, 50)
}

const [mock, mockPort] = start(
  ['--import', 'tsx', `${here}mock-openai-server.ts`],
  { MOCK_IMAGES: '1', MOCK_IMAGE_BYTES: '2048' },
  'stdout',
)
const profileDir = mkdtempSync(join(tmpdir(), 'llmkit-gateway-profile-'))
const [server, serverPort] = start(
  [
    '--cpu-prof',
    `--cpu-prof-dir=${profileDir}`,
    '--import',
    'tsx',
    isBare ? `${here}loopback-floor-child.ts` : (process.env.SERVER ?? `${here}gateway-child.ts`),
  ],
  { MOCK_PORT: String(await mockPort), FLOOR: 'bare' },
  isBare ? 'stdout' : 'stderr',
)
const url = `http://127.0.0.1:${await serverPort}/v1/images/generations`
const dispatcher = new Agent({ connections: 64, keepAliveTimeout: 30_000 })
const body = JSON.stringify({
  model: 'dall-e-2',
  prompt: 'a cat',
  n: 1,
  size: '1024x1024',
  response_format: 'b64_json',
})
let next = 0
const started = performance.now()
await Promise.all(
  Array.from({ length: Number(process.env.CLIENTS ?? 32) }, async () => {
    while (next++ < total) {
      const response = await request(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', authorization: 'Bearer unused' },
        dispatcher,
      })
      const text = await response.body.text()
      if (response.statusCode !== 200) throw new Error(`${response.statusCode} ${text.slice(0, 300)}`)
    }
  }),
)
console.log(`${total} requests, ${(total / ((performance.now() - started) / 1000)).toFixed(0)} req/s`)
await dispatcher.close()
await new Promise((resolve) => {
  server.once('exit', resolve)
  server.kill('SIGTERM')
})
mock.kill('SIGTERM')
summarise(
  join(
    profileDir,
    readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'))!,
  ),
  total,
)
