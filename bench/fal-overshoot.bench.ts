// How soon after a fal job completes does generateImage return, and how many
// status requests did it make? @llmkit/fal (queue status stream) against a
// fixed 500 ms status poll (what fal-js does), in the same run, against the
// fal emulator with 3-second jobs. The emulator's job store knows when each
// job completed; overshoot = return time − completion time.
//
//   npx tsx bench/fal-overshoot.bench.ts [runs=7]
import { register } from 'node:module'
import { header, row, sleep, staggered, summarize, type Sample } from './overshoot-stats'

// Workspace packages resolve to their TypeScript sources (the `@llmkit/source` condition), built or not.
register(
  `data:text/javascript,${encodeURIComponent("export async function resolve(s, c, n) { return n(s, { ...c, conditions: [...c.conditions, '@llmkit/source'] }) }")}`,
)
const { ImageGenerationRequest, ImageSize, LLMKitClient } = await import('@llmkit/core')
const { startEmulator } = await import('@llmkit/testing')
const { fal } = await import('@llmkit/fal')
type Emulator = Awaited<ReturnType<typeof startEmulator>>

const RUNS = Number(process.argv[2] ?? 7)
const TIMING = { queueMs: 500, runMs: 2_500, initialPosition: 2 }
const STAGGER_MS = 40
const FIXED_POLL_MS = 500
const PROMPT = 'a lighthouse on a cliff at dawn'

/** Completion time per the emulator, and the status requests (polls and stream opens) made for the job. */
function measure(emulator: Emulator, requestId: string, returnedAt: number): Sample {
  const job = emulator.jobs.get(requestId)!
  const finishedAt = emulator.jobs.view(job).finishedAt!
  const statusRequests = emulator
    .requestsFor('fal')
    .filter((r) => (r.endpoint === 'status' || r.endpoint === 'stream') && r.path.includes(requestId)).length
  return { overshootMs: returnedAt - finishedAt, statusRequests }
}

async function viaLlmkit(emulator: Emulator): Promise<Sample> {
  const client = new LLMKitClient({ providers: [fal], env: emulator.env })
  const response = await client.generateImage(
    new ImageGenerationRequest('fal-ai/flux/schnell', PROMPT).with_size(ImageSize.Square512),
  )
  const returnedAt = Date.now()
  await client.close()
  return measure(emulator, response.jobs[0]!.id, returnedAt)
}

/** fal-js's loop: submit, poll status at once and then every 500 ms until COMPLETED, then fetch the result. */
async function viaFixedPoll(emulator: Emulator): Promise<Sample> {
  const base = emulator.urls.fal!
  const headers = {
    authorization: `Key ${emulator.keys.fal}`,
    accept: 'application/json',
    'content-type': 'application/json',
  }
  const submitted = (await (
    await fetch(`${base}/fal-ai/flux/schnell`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ prompt: PROMPT, image_size: 'square' }),
    })
  ).json()) as { request_id: string }
  const url = `${base}/fal-ai/flux/requests/${submitted.request_id}`
  // Real jobs vary in length; a random phase keeps exactly-3-second emulated jobs from aligning with the poll.
  await sleep(Math.random() * FIXED_POLL_MS)
  for (;;) {
    const status = (await (await fetch(`${url}/status?logs=0`, { headers })).json()) as { status: string }
    if (status.status === 'COMPLETED') break
    await sleep(FIXED_POLL_MS)
  }
  const result = (await (await fetch(url, { headers })).json()) as { images: unknown[] }
  if (result.images.length !== 1) throw new Error('no image')
  return measure(emulator, submitted.request_id, Date.now())
}

const batch = (run: () => Promise<Sample>, runs = RUNS) => staggered(run, runs, STAGGER_MS)

const warmup = await startEmulator({ providers: ['fal'], timing: { queueMs: 10, runMs: 50, initialPosition: 0 } })
await batch(() => viaLlmkit(warmup), 2)
await batch(() => viaFixedPoll(warmup), 2)
await warmup.close()

const emulator = await startEmulator({ providers: ['fal'], timing: TIMING })
const stream = summarize(await batch(() => viaLlmkit(emulator)))
const fixed = summarize(await batch(() => viaFixedPoll(emulator)))
await emulator.close()

console.log(
  `fal overshoot: ${RUNS} jobs of ${(TIMING.queueMs + TIMING.runMs) / 1000} s each per mode (emulator on loopback, starts ${STAGGER_MS} ms apart)`,
)
console.log(header(34))
console.log(row('@llmkit/fal (status stream)', stream, 34))
console.log(row(`fixed ${FIXED_POLL_MS} ms poll (fal-js)`, fixed, 34))
console.log(
  `overshoot ratio fixed/stream: median ${(fixed.median / Math.max(1, stream.median)).toFixed(1)}x, p90 ${(fixed.p90 / Math.max(1, stream.p90)).toFixed(1)}x; status requests ${fixed.requestsMedian} → ${stream.requestsMedian}`,
)
const ok = stream.median <= 50 && stream.requestsMax <= 2
console.log(`target (median ≤ 50 ms, ≤ 2 status requests): ${ok ? 'met' : 'NOT met'}`)
