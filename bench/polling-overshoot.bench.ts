// How soon after a job completes does generateImage return, and how many
// status requests did it make? Core's adaptive poll (Runway: poll only;
// Replicate: with and without `Prefer: wait`) against a fixed 500 ms poll
// (what the Replicate SDK does by default), in the same run, against the
// emulators with 3-second jobs. The emulator's job store knows when each job
// completed; overshoot = return time − completion time.
//
//   npx tsx bench/polling-overshoot.bench.ts [runs=10]
import { register } from 'node:module'
import { header, row, sleep, staggered, summarize, type Sample } from './overshoot-stats'

// Workspace packages resolve to their TypeScript sources (the `@llmkit/source` condition), built or not.
register(
  `data:text/javascript,${encodeURIComponent("export async function resolve(s, c, n) { return n(s, { ...c, conditions: [...c.conditions, '@llmkit/source'] }) }")}`,
)
const { ImageFormat, ImageGenerationRequest, ImageSize, LLMKitClient } = await import('@llmkit/core')
const { startEmulator } = await import('@llmkit/testing')
const { createReplicate, replicate } = await import('@llmkit/replicate')
const { runway } = await import('@llmkit/runway')
type Emulator = Awaited<ReturnType<typeof startEmulator>>
type Client = InstanceType<typeof LLMKitClient>

const RUNS = Number(process.argv[2] ?? 10)
const TIMING = { queueMs: 400, runMs: 2_600, initialPosition: 1 }
const STAGGER_MS = 40
const FIXED_POLL_MS = 500
const PROMPT = 'a lighthouse on a cliff at dawn'
const SEED = 7

function measure(emulator: Emulator, provider: 'runway' | 'replicate', id: string, returnedAt: number): Sample {
  const finishedAt = emulator.jobs.view(emulator.jobs.get(id)!).finishedAt!
  const statusRequests = emulator.requestsFor(provider, 'status').filter((r) => r.path.endsWith(`/${id}`)).length
  return { overshootMs: returnedAt - finishedAt, statusRequests }
}

const runwayRequest = () =>
  new ImageGenerationRequest('runway:gen4_image', PROMPT)
    .with_size(ImageSize.Square1024)
    .with_seed(SEED)
    .with_format(ImageFormat.Url)
const replicateRequest = () =>
  new ImageGenerationRequest('replicate:black-forest-labs/flux-dev', PROMPT)
    .with_seed(SEED)
    .with_format(ImageFormat.Url)

/** One job through llmkit; a fresh client unless one is given (a shared client has learned the model's duration). */
async function viaLlmkit(
  emulator: Emulator,
  provider: 'runway' | 'replicate',
  shared?: Client,
  waitSeconds?: number,
): Promise<Sample> {
  const plugin =
    provider === 'runway' ? runway : waitSeconds === undefined ? replicate : createReplicate({ waitSeconds })
  const client = shared ?? new LLMKitClient({ providers: [plugin], env: emulator.env })
  const response = await client.generateImage(provider === 'runway' ? runwayRequest() : replicateRequest())
  const returnedAt = Date.now()
  if (!shared) await client.close()
  return measure(emulator, provider, response.jobs[0]!.id, returnedAt)
}

/**
 * The fixed loop: submit, then poll every 500 ms until done. Every emulated job
 * lasts exactly 3 s, so the first poll comes after a random part of the interval:
 * real jobs vary in length, and where their end falls between two polls is random.
 */
async function viaFixedPoll(emulator: Emulator, provider: 'runway' | 'replicate'): Promise<Sample> {
  const isRunway = provider === 'runway'
  const base = isRunway ? emulator.urls.runway! : `${emulator.urls.replicate!}/v1`
  const headers = {
    authorization: `Bearer ${emulator.keys[provider]}`,
    'content-type': 'application/json',
    ...(isRunway ? { 'x-runway-version': '2024-11-06' } : {}),
  }
  const submitURL = isRunway ? `${base}/v1/text_to_image` : `${base}/models/black-forest-labs/flux-dev/predictions`
  const body = isRunway
    ? { model: 'gen4_image', promptText: PROMPT, ratio: '1024:1024', seed: SEED }
    : { input: { prompt: PROMPT, seed: SEED } }
  const { id } = (await (await fetch(submitURL, { method: 'POST', headers, body: JSON.stringify(body) })).json()) as {
    id: string
  }
  const statusURL = isRunway ? `${base}/v1/tasks/${id}` : `${base}/predictions/${id}`
  await sleep(Math.random() * FIXED_POLL_MS)
  for (;;) {
    const status = (await (await fetch(statusURL, { headers })).json()) as { status: string }
    if (status.status === 'SUCCEEDED' || status.status === 'succeeded') break
    await sleep(FIXED_POLL_MS)
  }
  return measure(emulator, provider, id, Date.now())
}

const batch = (run: () => Promise<Sample>, runs = RUNS) => staggered(run, runs, STAGGER_MS)

// Warm-up: JIT, and one render of each image (the emulators cache renders; a megapixel takes the renderer about 0.1 s, on a worker thread).
const warmup = await startEmulator({
  providers: ['runway', 'replicate'],
  timing: { queueMs: 10, runMs: 50, initialPosition: 0 },
})
await batch(() => viaLlmkit(warmup, 'runway'), 2)
await batch(() => viaLlmkit(warmup, 'replicate', undefined, 0), 2)
await batch(() => viaFixedPoll(warmup, 'runway'), 1)
await warmup.close()

const emulator = await startEmulator({ providers: ['runway', 'replicate'], timing: TIMING })
// Clients that have seen one job of this model and learned its duration.
const learnedRunway = new LLMKitClient({ providers: [runway], env: emulator.env })
const learnedReplicate = new LLMKitClient({ providers: [createReplicate({ waitSeconds: 0 })], env: emulator.env })
await Promise.all([viaLlmkit(emulator, 'runway', learnedRunway), viaLlmkit(emulator, 'replicate', learnedReplicate)])

// One mode at a time (its runs concurrent): the emulator shares this process, and 70 jobs at once would measure its event loop.
const started = Date.now()
const modes = [
  () => batch(() => viaLlmkit(emulator, 'runway')),
  () => batch(() => viaLlmkit(emulator, 'runway', learnedRunway)),
  () => batch(() => viaFixedPoll(emulator, 'runway')),
  () => batch(() => viaLlmkit(emulator, 'replicate')),
  () => batch(() => viaLlmkit(emulator, 'replicate', undefined, 0)),
  () => batch(() => viaLlmkit(emulator, 'replicate', learnedReplicate)),
  () => batch(() => viaFixedPoll(emulator, 'replicate')),
]
type Summary = ReturnType<typeof summarize>
const results: Summary[] = []
for (const mode of modes) results.push(summarize(await mode()))
const [runwayCold, runwayWarm, runwayFixed, replicateWait, replicateCold, replicateWarm, replicateFixed] = results as [
  Summary,
  Summary,
  Summary,
  Summary,
  Summary,
  Summary,
  Summary,
]
const elapsedMs = Date.now() - started
await Promise.all([learnedRunway.close(), learnedReplicate.close(), emulator.close()])

console.log(
  `polling overshoot: ${RUNS} jobs of ${(TIMING.queueMs + TIMING.runMs) / 1000} s (${TIMING.queueMs} ms queued) per mode, modes one after another (${(elapsedMs / 1000).toFixed(1)} s), emulators on loopback`,
)
console.log(header(44))
console.log(row('runway, adaptive poll (new client)', runwayCold, 44))
console.log(row('runway, adaptive poll (learned duration)', runwayWarm, 44))
console.log(row(`runway, fixed ${FIXED_POLL_MS} ms poll (random phase)`, runwayFixed, 44))
console.log(row('replicate, Prefer: wait', replicateWait, 44))
console.log(row('replicate, no wait, adaptive (new client)', replicateCold, 44))
console.log(row('replicate, no wait, adaptive (learned)', replicateWarm, 44))
console.log(row(`replicate, fixed ${FIXED_POLL_MS} ms poll (random phase)`, replicateFixed, 44))
const ratio = (fixed: ReturnType<typeof summarize>, adaptive: ReturnType<typeof summarize>) =>
  `median ${(fixed.median / Math.max(1, adaptive.median)).toFixed(1)}x, status requests ${fixed.requestsMedian} → ${adaptive.requestsMedian}`
console.log(
  `runway overshoot ratio fixed/adaptive: new client ${ratio(runwayFixed, runwayCold)}; learned ${ratio(runwayFixed, runwayWarm)}`,
)
console.log(
  `replicate overshoot ratio fixed/adaptive: new client ${ratio(replicateFixed, replicateCold)}; learned ${ratio(replicateFixed, replicateWarm)}`,
)
const pollOk = [runwayCold, runwayWarm].every((s) => s.median <= 150 && s.requestsMax <= runwayFixed.requestsMax)
console.log(
  `target runway (median ≤ 150 ms, no more status requests than the fixed poll): ${pollOk ? 'met' : 'NOT met'}`,
)
console.log(
  `target replicate Prefer: wait (no poll for a short prediction): ${replicateWait.requestsMax === 0 ? 'met' : 'NOT met'}`,
)
