// The llmkit gateway against a direct llmkit call and against Portkey's
// open-source gateway (@portkey-ai/gateway), all three in front of the same
// loopback mock of OpenAI's images endpoint (1 small base64 image per call),
// in one run. Prints the gateway's added latency per call (median of paired
// sequential calls) and throughput at 32 concurrent clients. Two floors, same
// client, same run (loopback-floor-child.ts): a bare loopback hop (a node:http
// server answering the gateway's body at once) and a bare node:http gateway
// (parse, one llmkit call, stringify; nothing else), so the added latency can be
// read against what one HTTP hop costs on this machine.
//
//   pnpm --filter @llmkit/bench exec tsx gateway.bench.ts
import { spawn, type ChildProcess } from 'node:child_process'
import { openSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { Agent, request } from 'undici'
import { ImageFormat, ImageGenerationRequest, LLMKitClient } from '@llmkit/core'
import { createOpenAI } from '@llmkit/openai'
import { freePort } from '@llmkit/testing'

const here = fileURLToPath(new URL('.', import.meta.url))
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const children: ChildProcess[] = []

function start(
  command: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  stdout: 'pipe' | number = 'pipe',
): Promise<string> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', stdout, 'pipe'] })
  children.push(child)
  let output = ''
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      if (output.length > 100_000) return
      output += chunk.toString()
      const match = ready.exec(output)
      if (match) resolve(match[1] ?? match[0])
    }
    child.stdout?.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => reject(new Error(`${args[0]} exited (${code}):\n${output.slice(-2000)}`)))
  })
}

type Call = () => Promise<number>
const dispatcher = new Agent({ connections: 64, keepAliveTimeout: 30_000 })
const body = JSON.stringify({
  model: 'dall-e-2',
  prompt: 'a cat',
  n: 1,
  size: '1024x1024',
  response_format: 'b64_json',
})

/** Calls retried after a socket error, by URL (printed: a server dropping keep-alive sockets shows here). */
const retried = new Map<string, number>()

/** A client of an OpenAI-compatible endpoint: POST, parse, decode every image. */
function httpCall(url: string, headers: Record<string, string>): Call {
  const once = async () => {
    const response = await request(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
      dispatcher,
    })
    const json = (await response.body.json()) as { data?: { b64_json: string }[] }
    if (response.statusCode !== 200 || !json.data)
      throw new Error(`${url}: ${response.statusCode} ${JSON.stringify(json).slice(0, 300)}`)
    let bytes = 0
    for (const item of json.data) bytes += Buffer.from(item.b64_json, 'base64').length
    return bytes
  }
  return () =>
    once().catch((error: unknown) => {
      // A server closing an idle keep-alive socket as the next request goes out (Portkey's idle timeout is 5 s).
      const code = (error as { code?: string }).code
      if (code !== 'ECONNRESET' && code !== 'UND_ERR_SOCKET')
        throw new Error(`${url}: ${String(error)}`, { cause: error })
      retried.set(url, (retried.get(url) ?? 0) + 1)
      return once()
    })
}

function directCall(mockPort: number): Call {
  const client = new LLMKitClient({
    providers: [createOpenAI({ apiKey: 'sk-bench', baseURL: `http://127.0.0.1:${mockPort}/v1` })],
  })
  return async () => {
    // A new request per call, as an app whose prompts vary builds them.
    const imageRequest = new ImageGenerationRequest('dall-e-2', 'a cat').with_format(ImageFormat.B64Json)
    const response = await client.generateImage(imageRequest)
    let bytes = 0
    for (const image of response.images) bytes += (await image.bytes()).length
    return bytes
  }
}

/** User + system CPU time of a process so far, in µs (Linux' /proc; undefined elsewhere). */
function cpuMicros(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / 100 // clock ticks of 10 ms
  } catch {
    return undefined
  }
}

async function throughput(call: Call, concurrency: number, total: number): Promise<number> {
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) await call()
    }),
  )
  return total / ((performance.now() - started) / 1000)
}

/** Differences (µs) of back-to-back pairs, order flipped each pair, so drift hits both sides alike. */
async function pairedMicros(base: Call, other: Call, pairs: number): Promise<number[]> {
  const differences: number[] = []
  for (let i = 0; i < pairs; i++) {
    const flip = i % 2 === 1
    const t0 = performance.now()
    await (flip ? other : base)()
    const t1 = performance.now()
    await (flip ? base : other)()
    const t2 = performance.now()
    const [baseMs, otherMs] = flip ? [t2 - t1, t1 - t0] : [t1 - t0, t2 - t1]
    differences.push((otherMs - baseMs) * 1000)
  }
  return differences
}

async function main(): Promise<void> {
  const mockPort = Number(
    await start(
      process.execPath,
      ['--import', 'tsx', `${here}mock-openai-server.ts`],
      { MOCK_IMAGES: '1', MOCK_IMAGE_BYTES: '2048' },
      /^(\d+)\n/,
    ),
  )
  const gatewayPort = await start(
    process.execPath,
    ['--import', 'tsx', `${here}gateway-child.ts`],
    { MOCK_PORT: String(mockPort) },
    /^(\d+)\n/,
    openSync('/dev/null', 'w'),
  )
  const gatewayPid = children.at(-1)!.pid!
  const portkeyPort = await freePort()
  const portkeyScript = createRequire(import.meta.url).resolve('@portkey-ai/gateway/build/start-server.js')
  await start(
    process.execPath,
    [portkeyScript, `--port=${portkeyPort}`, '--headless'],
    { NODE_ENV: 'production' },
    /Ready for connections/,
  )

  const barePort = await start(
    process.execPath,
    ['--import', 'tsx', `${here}loopback-floor-child.ts`],
    { MOCK_PORT: String(mockPort), FLOOR: 'bare' },
    /^(\d+)\n/,
  )
  const barePid = children.at(-1)!.pid!
  const gatewayURL = `http://127.0.0.1:${gatewayPort}/v1/images/generations`
  const sample = await request(gatewayURL, { method: 'POST', body, headers: { 'content-type': 'application/json' } })
  const echoPort = await start(
    process.execPath,
    ['--import', 'tsx', `${here}loopback-floor-child.ts`],
    { FLOOR: 'echo', FLOOR_BODY: await sample.body.text() },
    /^(\d+)\n/,
  )

  const direct = directCall(mockPort)
  const viaGateway = httpCall(gatewayURL, { authorization: 'Bearer unused' })
  const viaBare = httpCall(`http://127.0.0.1:${barePort}/v1/images/generations`, {})
  const viaEcho = httpCall(`http://127.0.0.1:${echoPort}/v1/images/generations`, {})
  const viaPortkey = httpCall(`http://127.0.0.1:${portkeyPort}/v1/images/generations`, {
    authorization: 'Bearer sk-bench',
    'x-portkey-provider': 'openai',
    'x-portkey-custom-host': `http://127.0.0.1:${mockPort}/v1`,
  })
  for (const [name, call] of [
    ['direct', direct],
    ['llmkit gateway', viaGateway],
    ['Portkey', viaPortkey],
    ['bare node:http gateway', viaBare],
    ['loopback echo', viaEcho],
  ] as const) {
    await throughput(call, 32, 600).catch((error: unknown) => {
      throw new Error(`${name} failed during warm-up`, { cause: error })
    })
  }

  const added: number[] = []
  const addedPortkey: number[] = []
  const addedBare: number[] = []
  const echoHop: number[] = []
  const rps = { direct: [] as number[], gateway: [] as number[], portkey: [] as number[], bare: [] as number[] }
  const cpu = { gateway: [] as number[], bare: [] as number[] }
  for (let round = 0; round < 6; round++) {
    // Direct, gateway, bare gateway and echo hop back to back, order rotated, so load bursts hit all alike.
    const calls = [direct, viaGateway, viaBare, viaEcho]
    for (let i = 0; i < 150; i++) {
      const micros = [0, 0, 0, 0]
      for (let k = 0; k < 4; k++) {
        const which = (i + k) % 4
        const t0 = performance.now()
        await calls[which]!()
        micros[which] = (performance.now() - t0) * 1000
      }
      added.push(micros[1]! - micros[0]!)
      addedBare.push(micros[2]! - micros[0]!)
      echoHop.push(micros[3]!)
    }
    addedPortkey.push(...(await pairedMicros(direct, viaPortkey, 60)))
    const order =
      round % 2 === 0
        ? (['direct', 'gateway', 'portkey', 'bare'] as const)
        : (['bare', 'portkey', 'gateway', 'direct'] as const)
    for (const side of order) {
      const call = { direct, gateway: viaGateway, portkey: viaPortkey, bare: viaBare }[side]
      const pid = side === 'gateway' ? gatewayPid : side === 'bare' ? barePid : undefined
      const before = cpuMicros(pid)
      rps[side].push(await throughput(call, 32, 800))
      if (pid !== undefined && before !== undefined)
        cpu[side as 'gateway' | 'bare'].push((cpuMicros(pid)! - before) / 800)
    }
  }
  const ratios = rps.gateway.map((value, i) => value / rps.portkey[i]!)
  console.log(
    'llmkit gateway vs direct llmkit call vs Portkey gateway 1.15.2 (loopback OpenAI mock, 1 image of 2 KB per call)',
  )
  console.log(
    `  added latency per call over a direct llmkit call (median of ${added.length} back-to-back calls): llmkit gateway ${median(added).toFixed(0)} us (goal <= 150 us), Portkey ${median(addedPortkey).toFixed(0)} us (${addedPortkey.length} pairs)`,
  )
  console.log(
    `  floors, same client: one bare loopback hop (node:http answering the same body at once) ${median(echoHop).toFixed(0)} us per call (median of ${echoHop.length}); a bare node:http gateway (parse, one llmkit call, stringify) adds ${median(addedBare).toFixed(0)} us over a direct call (median of ${addedBare.length})`,
  )
  if (cpu.gateway.length > 0) {
    console.log(
      `  CPU time per request in the server process (from /proc, during the throughput runs; load-independent-ish): llmkit gateway ${median(cpu.gateway).toFixed(0)} us, bare node:http gateway ${median(cpu.bare).toFixed(0)} us`,
    )
  }
  if (retried.size > 0)
    console.log(`  calls sent again after a socket error: ${JSON.stringify(Object.fromEntries(retried))}`)
  console.log(
    `  throughput at 32 concurrent clients (median of 6 rounds): direct ${median(rps.direct).toFixed(0)} req/s, llmkit gateway ${median(rps.gateway).toFixed(0)} req/s, Portkey ${median(rps.portkey).toFixed(0)} req/s, bare node:http gateway ${median(rps.bare).toFixed(0)} req/s; gateway/Portkey ${median(ratios).toFixed(2)}x (goal >= 2x)`,
  )
}

try {
  await main()
} catch (error) {
  console.error(error)
  process.exitCode = 1
} finally {
  for (const child of children) child.kill('SIGTERM')
  await dispatcher.close()
}
