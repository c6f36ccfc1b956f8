import { describe, expect, it } from 'vitest'
import { recordingClock } from '../test-support'
import { LLMKitClient } from '../client/llmkit-client'
import { LLMKitError } from '../errors/llmkit-error'
import type { ImageJob, ImageProvider, JobStatus, ProviderContext } from '../provider/image-provider'
import { ImageGenerationRequest } from '../request/image-generation-request'
import { GeneratedImage } from '../response/generated-image'
import type { Clock } from '../util/clock'
import { DEFAULT_POLL } from './poll-interval'
import { waitForJob } from './wait-for-job'

const START = 1_700_000_000_000
const job: ImageJob = {
  provider: 'jobs',
  model: 'm',
  id: 'job-1',
  createdAt: START,
  call: { n: 1, width: 1024, height: 1024, format: 'url', callIndex: 0 },
}
const queued: JobStatus = { state: 'pending', phase: 'queued', position: 1 }
const running: JobStatus = { state: 'pending', phase: 'running', progress: 0.5 }
const completed: JobStatus = { state: 'completed', images: [GeneratedImage.from_url('https://img.test/done.png')] }

const fakeClock = () => recordingClock(START)

function context(clock: Clock, signal = new AbortController().signal, deadline = START + 60_000): ProviderContext {
  return {
    http: {} as ProviderContext['http'],
    signal,
    clock,
    env: {},
    deadline,
    warn: () => undefined,
    progress: () => undefined,
  }
}

/** A status stream that yields `statuses`, then ends or throws `error`. */
function stream(statuses: JobStatus[], error?: unknown): AsyncIterable<JobStatus> {
  return {
    async *[Symbol.asyncIterator]() {
      for (const status of statuses) yield status
      if (error) throw error
    },
  }
}

function provider(polls: JobStatus[], watch?: () => AsyncIterable<JobStatus>) {
  let next = 0
  const counts = { start: 0, status: 0, watch: 0 }
  const value: ImageProvider = {
    id: 'jobs',
    models: [
      {
        id: 'm',
        maxImagesPerCall: 1,
        sizes: { sizes: [{ width: 1024, height: 1024 }] },
        supports: { formats: ['url'] },
      },
    ],
    async start() {
      counts.start++
      return { id: job.id, data: job.data }
    },
    async status() {
      counts.status++
      return polls[Math.min(next++, polls.length - 1)]!
    },
    ...(watch
      ? {
          watch: () => {
            counts.watch++
            return watch()
          },
        }
      : {}),
  }
  return { provider: value, counts }
}

async function run(p: ImageProvider, ctx: ProviderContext, initialStatus?: JobStatus) {
  const seen: JobStatus[] = []
  const result = await waitForJob({
    provider: p,
    job,
    context: ctx,
    poll: DEFAULT_POLL,
    initialStatus,
    onStatus: (status) => seen.push(status),
    timeoutError: () => new LLMKitError({ code: 'timeout', message: 'the call did not finish within 1000 ms' }),
  })
  if (result.state === 'failed') throw result.error
  return { result, seen }
}

describe('waitForJob', () => {
  it('polls until the job completes', async () => {
    const { clock, sleeps } = fakeClock()
    const { provider: p, counts } = provider([queued, running, completed])
    const { result, seen } = await run(p, context(clock))
    expect(result.images.map((image) => image.url)).toEqual(['https://img.test/done.png'])
    expect(seen).toEqual([queued, running, completed])
    expect(counts.status).toBe(3)
    expect(sleeps).toEqual([250, 500, 562.5])
  })

  it('returns at once when the submit already returned the final status', async () => {
    const { clock, sleeps } = fakeClock()
    const { provider: p, counts } = provider([running])
    const { seen } = await run(p, context(clock), completed)
    expect(seen).toEqual([completed])
    expect([counts.status, sleeps.length]).toEqual([0, 0])
  })

  it('follows the status stream and does not poll when it completes the job', async () => {
    const { clock } = fakeClock()
    const { provider: p, counts } = provider([running], () => stream([queued, running, completed]))
    const { seen } = await run(p, context(clock))
    expect(seen).toEqual([queued, running, completed])
    expect(counts.status).toBe(0)
  })

  it('falls back to polling when the status stream breaks', async () => {
    const { clock } = fakeClock()
    const broken = new LLMKitError({ code: 'network', message: 'stream reset' })
    const { provider: p, counts } = provider([running, completed], () => stream([queued], broken))
    const { result, seen } = await run(p, context(clock))
    expect(seen).toEqual([queued, running, completed])
    expect(counts).toEqual({ start: 0, status: 2, watch: 1 })
    expect(result.images).toHaveLength(1)
  })

  it('falls back to polling when the status stream ends without a verdict', async () => {
    const { clock } = fakeClock()
    const { provider: p, counts } = provider([completed], () => stream([running]))
    const { seen } = await run(p, context(clock))
    expect(seen).toEqual([running, completed])
    expect(counts.status).toBe(1)
  })

  it('does not hide a stream error that is a verdict (authentication)', async () => {
    const { clock } = fakeClock()
    const denied = new LLMKitError({ code: 'authentication', message: 'bad key' })
    const { provider: p, counts } = provider([completed], () => stream([], denied))
    await expect(run(p, context(clock))).rejects.toBe(denied)
    expect(counts.status).toBe(0)
  })

  it('throws the failure a status reports', async () => {
    const { clock } = fakeClock()
    const error = new LLMKitError({ code: 'content_policy', message: 'flagged' })
    const { provider: p } = provider([running, { state: 'failed', error }])
    await expect(run(p, context(clock))).rejects.toBe(error)
  })

  it("stops at the deadline with the call's timeout error", async () => {
    const { clock, sleeps } = fakeClock()
    const { provider: p, counts } = provider([running])
    const error = (await run(p, context(clock, new AbortController().signal, START + 1_000)).catch(
      (caught: unknown) => caught,
    )) as LLMKitError
    expect(error.code).toBe('timeout')
    expect(error.message).toBe('the call did not finish within 1000 ms')
    expect(sleeps).toEqual([250, 375, 375])
    expect(counts.status).toBe(2)
  })

  it('rethrows the abort reason while waiting', async () => {
    const { clock } = fakeClock()
    const controller = new AbortController()
    const reason = new DOMException('stop', 'AbortError')
    controller.abort(reason)
    const { provider: p, counts } = provider([running])
    await expect(run(p, context(clock, controller.signal))).rejects.toBe(reason)
    expect(counts.status).toBe(0)
  })
})

describe('the client with a broken status stream', () => {
  it('submits once and finishes by polling', async () => {
    const { clock } = fakeClock()
    const { provider: p, counts } = provider([running, completed], () =>
      stream([queued], new LLMKitError({ code: 'provider_error', message: 'stream 502', status: 502 })),
    )
    const client = new LLMKitClient({ providers: [p], clock, env: {}, httpOptions: { env: {} } })
    const response = await client.generateImage(new ImageGenerationRequest('m', 'a cat'))
    expect(response.first()?.url).toBe('https://img.test/done.png')
    expect(counts).toEqual({ start: 1, status: 2, watch: 1 })
  })
})
