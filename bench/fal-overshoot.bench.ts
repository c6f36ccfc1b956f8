// How soon after a fal job completes does generateImage return, and how many
// status requests did it make? @llmkit/fal (queue status stream) against a
// fixed 500 ms status poll (what fal-js does), in the same run, against the
// fal emulator with 3-second jobs. The emulator's job store knows when each
// job completed; overshoot = return time − completion time.
//
//   npx tsx bench/fal-overshoot.bench.ts [runs=7]
import { register } from 'node:module'

// Workspace packages resolve to their TypeScript sources (the `@llmkit/source` condition), built or not.
register(`data:text/javascript,${encodeURIComponent("export async function resolve(s, c, n) { return n(s, { ...c, conditions: [...c.conditions, '@llmkit/source'] }) }")}`)
const { ImageGenerationRequest, ImageSize, LLMKitClient } = await import('@llmkit/core')
const { startEmulator } = await import('@llmkit/testing')
const { fal } = await import('@llmkit/fal')
type Emulator = Awaited<ReturnType<typeof startEmulator>>

const RUNS = Number(process.argv[2] ?? 7)
const TIMING = { queueMs: 500, runMs: 2_500, initialPosition: 2 }
const STAGGER_MS = 40
const FIXED_POLL_MS = 500
const PROMPT = 'a lighthouse on a cliff at dawn'

interface Sample {
  overshootMs: number
  statusRequests: number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Completion time per the emulator, and the status requests (polls and stream opens) made for the job. */
function measure(emulator: Emulator, requestId: string, returnedAt: number): Sample {
  const job = emulator.jobs.get(requestId)!
  const finishedAt = emulator.jobs.view(job).finishedAt!
  const statusRequests = emulator.requestsFor('fal').filter((r) => (r.endpoint === 'status' || r.endpoint === 'stream') && r.path.includes(requestId)).length
  return { overshootMs: returnedAt - finishedAt, statusRequests }
}

async function viaLlmkit(emulator: Emulator): Promise<Sample> {
  const client = new LLMKitClient({ providers: [fal], env: emulator.env })
  const response = await client.generateImage(new ImageGenerationRequest('fal-ai/flux/schnell', PROMPT).with_size(ImageSize.Square512))
  const returnedAt = Date.now()
  await client.close()
  return measure(emulator, response.jobs[0]!.id, returnedAt)
}

/** fal-js's loop: submit, poll status at once and then every 500 ms until COMPLETED, then fetch the result. */
async function viaFixedPoll(emulator: Emulator): Promise<Sample> {
  const base = emulator.urls.fal!
  const headers = { authorization: `Key ${emulator.keys.fal}`, accept: 'application/json', 'content-type': 'application/json' }
  const submitted = (await (await fetch(`${base}/fal-ai/flux/schnell`, { method: 'POST', headers, body: JSON.stringify({ prompt: PROMPT, image_size: 'square' }) })).json()) as { request_id: string }
  const url = `${base}/fal-ai/flux/requests/${submitted.request_id}`
  for (;;) {
    const status = (await (await fetch(`${url}/status?logs=0`, { headers })).json()) as { status: string }
    if (status.status === 'COMPLETED') break
    await sleep(FIXED_POLL_MS)
  }
  const result = (await (await fetch(url, { headers })).json()) as { images: unknown[] }
  if (result.images.length !== 1) throw new Error('no image')
  return measure(emulator, submitted.request_id, Date.now())
}

/** Runs `RUNS` jobs, started `STAGGER_MS` apart so their completions do not coincide. */
const batch = (run: () => Promise<Sample>, runs = RUNS) => Promise.all(Array.from({ length: runs }, (_, index) => sleep(index * STAGGER_MS).then(run)))

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!
}

function summarize(samples: readonly Sample[]) {
  const overshoot = samples.map((s) => s.overshootMs).sort((a, b) => a - b)
  const requests = samples.map((s) => s.statusRequests).sort((a, b) => a - b)
  return { median: quantile(overshoot, 0.5), p90: quantile(overshoot, 0.9), min: overshoot[0]!, max: overshoot.at(-1)!, requestsMedian: quantile(requests, 0.5), requestsMax: requests.at(-1)! }
}

const warmup = await startEmulator({ providers: ['fal'], timing: { queueMs: 10, runMs: 50, initialPosition: 0 } })
await batch(() => viaLlmkit(warmup), 2)
await batch(() => viaFixedPoll(warmup), 2)
await warmup.close()

const emulator = await startEmulator({ providers: ['fal'], timing: TIMING })
const stream = summarize(await batch(() => viaLlmkit(emulator)))
const fixed = summarize(await batch(() => viaFixedPoll(emulator)))
await emulator.close()

const row = (name: string, s: ReturnType<typeof summarize>) =>
  `${name.padEnd(34)} ${String(s.median).padStart(6)} ${String(s.p90).padStart(6)} ${`${s.min}–${s.max}`.padStart(10)} ${String(s.requestsMedian).padStart(9)} ${String(s.requestsMax).padStart(6)}`
console.log(`fal overshoot: ${RUNS} jobs of ${(TIMING.queueMs + TIMING.runMs) / 1000} s each per mode (emulator on loopback, starts ${STAGGER_MS} ms apart)`)
console.log(`${'mode'.padEnd(34)} ${'median'.padStart(6)} ${'p90'.padStart(6)} ${'range ms'.padStart(10)} ${'status rq'.padStart(9)} ${'max'.padStart(6)}`)
console.log(row('@llmkit/fal (status stream)', stream))
console.log(row(`fixed ${FIXED_POLL_MS} ms poll (fal-js)`, fixed))
console.log(`overshoot ratio fixed/stream: median ${(fixed.median / Math.max(1, stream.median)).toFixed(1)}x, p90 ${(fixed.p90 / Math.max(1, stream.p90)).toFixed(1)}x; status requests ${fixed.requestsMedian} → ${stream.requestsMedian}`)
const ok = stream.median <= 50 && stream.requestsMax <= 2
console.log(`target (median ≤ 50 ms, ≤ 2 status requests): ${ok ? 'met' : 'NOT met'}`)
