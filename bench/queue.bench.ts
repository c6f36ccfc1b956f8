// How does a distributed batch scale with worker processes? 1, 2 and 4 worker
// processes (concurrency 4 each) on one real redis-server generate the same
// number of fal items against the emulator, whose jobs take a fixed 1 s; the
// ratio is throughput against one worker, in the same run. A last row adds
// `--rate fal=10/s` to four workers: throughput stops at the limit.
//
//   npx tsx bench/queue.bench.ts [items=48]
import { spawn, type ChildProcess } from 'node:child_process'
import { register } from 'node:module'
import { fileURLToPath } from 'node:url'

// Workspace packages resolve to their TypeScript sources (the `@llmkit/source` condition), built or not.
register(
  `data:text/javascript,${encodeURIComponent("export async function resolve(s, c, n) { return n(s, { ...c, conditions: [...c.conditions, '@llmkit/source'] }) }")}`,
)
const { ImageGenerationRequest, ImageSize, LLMKitClient } = await import('@llmkit/core')
const { fal } = await import('@llmkit/fal')
const { createImageQueue, createImageWorker, parseRate } = await import('@llmkit/queue')
const { startEmulator, startRedisServer } = await import('@llmkit/testing')

const JOB_MS = { queueMs: 100, runMs: 900 }
const CONCURRENCY = 4

// A worker process: `queue.bench.ts --worker <redis> <queue> <env JSON> [rate]`.
if (process.argv[2] === '--worker') {
  const [, , , url, name, envJson, rate] = process.argv
  const worker = createImageWorker({
    connection: url!,
    name,
    concurrency: CONCURRENCY,
    client: new LLMKitClient({ providers: [fal], env: JSON.parse(envJson!) }),
    rates: rate ? Object.fromEntries([parseRate(rate)]) : {},
  })
  await worker.ready()
  process.stdout.write('ready\n')
  process.on('SIGTERM', () => void worker.close(true).then(() => process.exit(0)))
} else {
  await main()
}

async function main(): Promise<void> {
  const items = Number(process.argv[2] ?? 48)
  const [redis, emulator] = await Promise.all([
    startRedisServer(),
    startEmulator({ providers: ['fal'], timing: JOB_MS }),
  ])
  const runs: [workers: number, rate?: string][] = [[1], [2], [4], [4, 'fal=10/s']]
  const rows: string[] = []
  let baseline = 0
  try {
    for (const [index, [workers, rate]] of runs.entries()) {
      const name = `bench-${index}`
      const processes = await Promise.all(
        Array.from({ length: workers }, () => startWorker(redis.url, name, emulator.env, rate)),
      )
      const { seconds, done } = await timeBatch(redis.url, name, items, index)
      await Promise.all(processes.map(stop))
      const throughput = done / seconds
      baseline ||= throughput
      rows.push(
        `${`${workers} worker${workers > 1 ? 's' : ''}${rate ? ` --rate ${rate}` : ''}`.padEnd(26)} ${seconds.toFixed(2).padStart(7)} s ${throughput.toFixed(2).padStart(7)} items/s ${(throughput / baseline).toFixed(2).padStart(6)}×`,
      )
      console.log(rows.at(-1))
    }
  } finally {
    await Promise.all([redis.close(), emulator.close()])
  }
  console.log(
    `\n${items} fal items per run, jobs of ${JOB_MS.queueMs + JOB_MS.runMs} ms, concurrency ${CONCURRENCY} per worker process; ideal: ${CONCURRENCY} items/s per worker`,
  )
}

async function timeBatch(
  url: string,
  name: string,
  items: number,
  run: number,
): Promise<{ seconds: number; done: number }> {
  const queue = createImageQueue({ connection: url, name })
  const requests = Array.from({ length: items }, (_, i) =>
    new ImageGenerationRequest('fal-ai/flux/schnell', `bench tile ${run}-${i}`).with_size(ImageSize.Square256),
  )
  const started = performance.now()
  let done = 0
  for await (const result of queue.results(await queue.enqueue(requests), { pollMs: 50 })) {
    if (result.status === 'done') done += 1
    else console.error(`failed: ${result.error?.code} ${result.error?.message}`)
  }
  const seconds = (performance.now() - started) / 1000
  await queue.close()
  if (done !== items)
    console.error(`${items - done} of ${items} items failed (counted in the time, not the throughput)`)
  return { seconds, done }
}

function startWorker(url: string, name: string, env: object, rate?: string): Promise<ChildProcess> {
  const args = ['--import', 'tsx', fileURLToPath(import.meta.url), '--worker', url, name, JSON.stringify(env)]
  const child = spawn(process.execPath, rate ? [...args, rate] : args, { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)))
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child)
    })
  })
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit')
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}
