// Measures generateImage through @llmkit/openai against raw undici.request doing
// the same call (POST, JSON.parse, base64-decode every image), in the same run,
// against a loopback mock server in a child process. Prints ratios.
// llmkit builds a new ImageGenerationRequest per call, as users do when prompts
// vary; the reused-request case is reported too, labelled as such.
//
//   pnpm bench   (or, after building core and openai: cd bench && npx tsx openai-vs-undici.bench.ts)
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Agent, request } from 'undici'
import { ImageFormat, ImageGenerationRequest, LLMKitClient } from '@llmkit/core'
import { createOpenAI } from '@llmkit/openai'

const here = fileURLToPath(new URL('.', import.meta.url))
const mode = process.argv[2]

async function startServer(images: number, imageBytes: number): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', `${here}mock-openai-server.ts`], {
    env: { ...process.env, MOCK_IMAGES: String(images), MOCK_IMAGE_BYTES: String(imageBytes) },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const port = await new Promise<number>((resolve) =>
    child.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
  )
  return { port, child }
}

type Call = () => Promise<number>

function rawCall(port: number): Call {
  const dispatcher = new Agent({ connections: 64, keepAliveTimeout: 30_000 })
  const url = `http://127.0.0.1:${port}/v1/images/generations`
  return async () => {
    // The same work any client does per call: build the JSON body, send, parse, decode.
    const payload = JSON.stringify({
      model: 'dall-e-2',
      prompt: 'a cat',
      n: 1,
      size: '1024x1024',
      response_format: 'b64_json',
    })
    const response = await request(url, {
      method: 'POST',
      body: payload,
      headers: { authorization: 'Bearer sk-bench', 'content-type': 'application/json' },
      dispatcher,
    })
    const json = (await response.body.json()) as { data: { b64_json: string }[] }
    let bytes = 0
    for (const item of json.data) bytes += Buffer.from(item.b64_json, 'base64').length
    return bytes
  }
}

/** `reuse`: one request object for every call (what users do not get when prompts vary); otherwise a new one per call. */
function llmkitCall(port: number, reuse = false): Call {
  const client = new LLMKitClient({
    providers: [createOpenAI({ apiKey: 'sk-bench', baseURL: `http://127.0.0.1:${port}/v1` })],
  })
  const build = () => new ImageGenerationRequest('dall-e-2', 'a cat').with_n(1).with_format(ImageFormat.B64Json)
  const shared = build()
  return async () => {
    const response = await client.generateImage(reuse ? shared : build())
    let bytes = 0
    for (const image of response.images) bytes += (await image.bytes()).length
    return bytes
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

/**
 * Per-call cost difference of sequential calls, measured in pairs (one raw, one
 * llmkit, order flipped each pair), so the VM's drift hits both sides of every
 * pair alike. Returns every pair's difference in microseconds.
 */
async function pairedSequentialMicros(raw: Call, kit: Call, pairs: number): Promise<number[]> {
  const differences: number[] = []
  for (let i = 0; i < pairs; i++) {
    const first = i % 2 === 0 ? raw : kit
    const second = first === raw ? kit : raw
    const t0 = performance.now()
    await first()
    const t1 = performance.now()
    await second()
    const t2 = performance.now()
    const [rawMs, kitMs] = first === raw ? [t1 - t0, t2 - t1] : [t2 - t1, t1 - t0]
    differences.push((kitMs - rawMs) * 1000)
  }
  return differences
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

/**
 * Child mode: one variant against a large response, reporting time per call and
 * peak RSS. A full collection before each call (outside the timing) makes the
 * peak the largest single call's footprint, not an accident of when V8's
 * collector happened to run.
 */
async function largeChild(variant: 'raw' | 'llmkit', port: number): Promise<void> {
  const call = variant === 'raw' ? rawCall(port) : llmkitCall(port)
  const collect = (globalThis as { gc?: () => void }).gc!
  for (let i = 0; i < 3; i++) await call()
  const times: number[] = []
  for (let i = 0; i < 15; i++) {
    collect()
    const started = performance.now()
    await call()
    times.push(performance.now() - started)
  }
  process.stdout.write(JSON.stringify({ ms: median(times), maxRssMB: process.resourceUsage().maxRSS / 1024 }) + '\n')
  process.exit(0)
}

async function runChild(variant: 'raw' | 'llmkit', port: number): Promise<{ ms: number; maxRssMB: number }> {
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), 'large-child', variant, String(port)],
    {
      // Built packages, as users run them (the parent process uses them too).
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  let out = ''
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()))
  await new Promise((resolve) => child.once('exit', resolve))
  return JSON.parse(out.trim()) as { ms: number; maxRssMB: number }
}

async function main(): Promise<void> {
  if (mode === 'large-child') return largeChild(process.argv[3] as 'raw' | 'llmkit', Number(process.argv[4]))
  const small = await startServer(1, 2048)
  try {
    const raw = rawCall(small.port)
    const kit = llmkitCall(small.port)
    const reused = llmkitCall(small.port, true)
    await throughput(raw, 32, 2000)
    await throughput(kit, 32, 2000)
    await throughput(reused, 32, 2000)
    // Short alternating rounds (order flipped each round), so drift on a shared VM hits both sides alike.
    const ratios: number[] = []
    const rawRps: number[] = []
    const kitRps: number[] = []
    const reusedRatios: number[] = []
    const overheads: number[] = []
    const cpu = { raw: [] as number[], kit: [] as number[] }
    // Rounds of 5000 calls (about half a second a side): shorter rounds left the ratio to the VM's noise.
    const perRound = 5000
    for (let round = 0; round < 12; round++) {
      const order = round % 2 === 0 ? (['raw', 'kit'] as const) : (['kit', 'raw'] as const)
      const rps: Record<string, number> = {}
      for (const side of order) {
        const call = side === 'raw' ? raw : kit
        const before = process.cpuUsage()
        rps[side] = await throughput(call, 32, perRound)
        const used = process.cpuUsage(before)
        cpu[side].push((used.user + used.system) / perRound)
      }
      rawRps.push(rps.raw!)
      kitRps.push(rps.kit!)
      ratios.push(rps.kit! / rps.raw!)
      reusedRatios.push((await throughput(reused, 32, perRound)) / rps.raw!)
      overheads.push(...(await pairedSequentialMicros(raw, kit, 300)))
    }
    console.log(
      'openai generateImage vs raw undici.request (loopback mock server, 1 small image per call, a new request per call; medians of 12 alternating rounds)',
    )
    console.log(
      `  concurrency 32: raw ${median(rawRps).toFixed(0)} req/s, llmkit ${median(kitRps).toFixed(0)} req/s, ratio ${median(ratios).toFixed(2)}x  (target >= 0.95x)`,
    )
    console.log(`  (one request object reused for every call: ratio ${median(reusedRatios).toFixed(2)}x)`)
    console.log(
      `  client CPU per call at concurrency 32: raw ${median(cpu.raw).toFixed(0)} us, llmkit ${median(cpu.kit).toFixed(0)} us`,
    )
    console.log(
      `  sequential: llmkit adds ${median(overheads).toFixed(0)} us/call over raw (median of ${overheads.length} back-to-back pairs)  (target <= 25 us)`,
    )
  } finally {
    small.child.kill('SIGTERM')
  }
  const large = await startServer(4, 1_125_000)
  try {
    // Five processes each, alternating, so neither side gets the quieter moments of the VM.
    const rawLarge: { ms: number; maxRssMB: number }[] = []
    const kitLarge: { ms: number; maxRssMB: number }[] = []
    for (let i = 0; i < 5; i++) {
      rawLarge.push(await runChild('raw', large.port))
      kitLarge.push(await runChild('llmkit', large.port))
    }
    const rawMs = median(rawLarge.map((r) => r.ms))
    const kitMs = median(kitLarge.map((r) => r.ms))
    const rawRss = median(rawLarge.map((r) => r.maxRssMB))
    const kitRss = median(kitLarge.map((r) => r.maxRssMB))
    console.log(
      '4 images of ~1.5 MB base64 each per call (medians over 5 processes per side, each the median of 15 calls)',
    )
    console.log(
      `  time:     raw ${rawMs.toFixed(1)} ms, llmkit ${kitMs.toFixed(1)} ms, ratio ${(kitMs / rawMs).toFixed(2)}x  (target <= 1.05x)`,
    )
    console.log(
      `  peak RSS: raw ${rawRss.toFixed(0)} MB, llmkit ${kitRss.toFixed(0)} MB, ratio ${(kitRss / rawRss).toFixed(2)}x  (target <= 1.00x)`,
    )
  } finally {
    large.child.kill('SIGTERM')
  }
}

await main()
