import { afterEach, describe, expect, it, vi } from 'vitest'
import * as z from 'zod'
import { LLMKitError } from '../errors/llmkit-error'
import type { ImageModelInfo } from '../provider/image-model-info'
import type { ImageCall, ImageJob, ImageProvider, JobStatus } from '../provider/image-provider'
import { ImageGenerationRequest } from '../request/image-generation-request'
import { ImageQuality, ImageStyle } from '../request/image-options'
import { GeneratedImage } from '../response/generated-image'
import type { Clock } from '../util/clock'
import type { LLMKitClientOptions } from './client-options'
import { LLMKitClient } from './llmkit-client'
import type { ImageProgressEvent } from '../call/progress-event'

/** A 1x1 PNG. */
const PNG_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC'
const START = 1_700_000_000_000

/**
 * A clock whose sleeps record their length and return at once (advancing `now`),
 * or, from sleep number `hangFrom` on, wait until the signal aborts.
 */
function fakeClock(options: { hangFrom?: number; onSleep?: (ms: number, index: number) => void } = {}) {
  let now = START
  const sleeps: number[] = []
  const clock: Clock = {
    now: () => now,
    sleep(ms, signal) {
      const index = sleeps.push(ms) - 1
      options.onSleep?.(ms, index)
      if (signal?.aborted) return Promise.reject(signal.reason)
      if (options.hangFrom !== undefined && index >= options.hangFrom) {
        return new Promise((_resolve, reject) =>
          signal?.addEventListener('abort', () => reject(signal.reason), { once: true }),
        )
      }
      now += ms
      return Promise.resolve()
    },
  }
  return { clock, sleeps, advance: (ms: number) => (now += ms) }
}

function model(id: string, extra: Partial<ImageModelInfo> = {}): ImageModelInfo {
  return {
    id,
    maxImagesPerCall: 1,
    sizes: { sizes: [{ width: 1024, height: 1024 }] },
    supports: { formats: ['url', 'b64_json'] },
    ...extra,
  }
}

const urlImage = (call: ImageCall, index: number) =>
  GeneratedImage.from_url(`https://img.test/${call.callIndex}-${index}.png`)

/** A synchronous provider that records its calls and how many ran at once. */
function syncProvider(
  options: {
    models?: ImageModelInfo[]
    fail?: (call: ImageCall) => LLMKitError | undefined
    empty?: boolean
    extra?: Partial<ImageProvider>
  } = {},
) {
  const calls: ImageCall[] = []
  let inFlight = 0
  const stats = { maxInFlight: 0 }
  const provider: ImageProvider = {
    id: 'sync',
    models: options.models ?? [model('one-per-call')],
    async generate(call) {
      calls.push(call)
      inFlight++
      stats.maxInFlight = Math.max(stats.maxInFlight, inFlight)
      try {
        // Yield to the event loop so that calls started together overlap.
        await new Promise((resolve) => setImmediate(resolve))
        const error = options.fail?.(call)
        if (error) throw error
        if (options.empty) return { images: [] }
        return {
          images: Array.from({ length: call.n }, (_, index) => urlImage(call, index)),
          usage: { images: call.n },
        }
      } finally {
        inFlight--
      }
    },
    ...options.extra,
  }
  return { provider, calls, stats }
}

/** A job provider whose status answers come from `statuses` in order (the last one repeats). */
function jobProvider(
  statuses: JobStatus[],
  options: { watch?: ImageProvider['watch']; models?: ImageModelInfo[] } = {},
) {
  const started: ImageCall[] = []
  const polled: ImageJob[] = []
  const cancelled: ImageJob[] = []
  let next = 0
  const provider: ImageProvider = {
    id: 'jobs',
    models: options.models ?? [model('queue-model')],
    async start(call) {
      started.push(call)
      return { id: `job-${started.length}` }
    },
    async status(job) {
      polled.push(job)
      return statuses[Math.min(next++, statuses.length - 1)]!
    },
    async cancel(job) {
      cancelled.push(job)
    },
    ...(options.watch ? { watch: options.watch } : {}),
  }
  return { provider, started, polled, cancelled }
}

const completed = (count = 1): JobStatus => ({
  state: 'completed',
  images: Array.from({ length: count }, (_, index) => GeneratedImage.from_b64(PNG_B64, { seed: 7 + index })),
})
const queued = (position: number): JobStatus => ({ state: 'pending', phase: 'queued', position })
const running = (progress: number): JobStatus => ({ state: 'pending', phase: 'running', progress })

function client(providers: ImageProvider[], clock: Clock, extra: LLMKitClientOptions = {}) {
  return new LLMKitClient({ providers, clock, env: {}, httpOptions: { env: {} }, ...extra })
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

/** Event summaries without timestamps, for order checks. */
function summarize(events: ImageProgressEvent[]): string[] {
  return events.map((event) => {
    if (event.type === 'queued') return `queued:${event.position}`
    if (event.type === 'running') return `running:${event.progress}`
    if (event.type === 'image') return `image:${event.index}`
    if (event.type === 'submitted') return `submitted:${event.job.id}`
    if (event.type === 'done') return `done:${event.response.count}`
    return event.type
  })
}

afterEach(() => {
  vi.useRealTimers()
})

describe('LLMKitClient with a synchronous provider', () => {
  it('splits n=4 into 4 calls of 1 with at most `concurrency` in flight', async () => {
    const { provider, calls, stats } = syncProvider()
    const { clock } = fakeClock()
    const response = await client([provider], clock, { concurrency: 2 }).generateImage(
      new ImageGenerationRequest('one-per-call', 'a cat').with_n(4),
    )
    expect(calls.map((call) => [call.callIndex, call.n])).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
      [3, 1],
    ])
    expect(stats.maxInFlight).toBe(2)
    expect(response.count).toBe(4)
    expect(response.images.map((image) => image.url)).toEqual([
      'https://img.test/0-0.png',
      'https://img.test/1-0.png',
      'https://img.test/2-0.png',
      'https://img.test/3-0.png',
    ])
    expect(response.usage).toEqual({ images: 4 })
    expect([response.provider, response.model]).toEqual(['sync', 'one-per-call'])
    expect(response.failures).toEqual([])
    expect(response.warnings).toEqual([])
  })

  it('lets a call override the concurrency, and defaults to 4', async () => {
    const first = syncProvider()
    await client([first.provider], fakeClock().clock).generateImage(
      new ImageGenerationRequest('one-per-call', 'a cat').with_n(6),
      { concurrency: 3 },
    )
    expect(first.stats.maxInFlight).toBe(3)
    const second = syncProvider()
    await client([second.provider], fakeClock().clock).generateImage(
      new ImageGenerationRequest('one-per-call', 'a cat').with_n(6),
    )
    expect(second.stats.maxInFlight).toBe(4)
  })

  it('fills in the call size on images that do not say theirs', async () => {
    const { provider } = syncProvider()
    const response = await client([provider], fakeClock().clock).generateImage(
      new ImageGenerationRequest('one-per-call', 'a cat'),
    )
    expect([response.first()?.width, response.first()?.height]).toEqual([1024, 1024])
  })

  it('keeps the images of the calls that succeeded and reports the failed call', async () => {
    const failure = new LLMKitError({
      code: 'provider_error',
      message: 'sync: 500 boom',
      provider: 'sync',
      status: 500,
    })
    const { provider } = syncProvider({ fail: (call) => (call.callIndex === 2 ? failure : undefined) })
    const response = await client([provider], fakeClock().clock).generateImage(
      new ImageGenerationRequest('one-per-call', 'a cat').with_n(4),
    )
    expect(response.count).toBe(3)
    expect(response.images.map((image) => image.url)).toEqual([
      'https://img.test/0-0.png',
      'https://img.test/1-0.png',
      'https://img.test/3-0.png',
    ])
    expect(response.failures).toEqual([{ callIndex: 2, n: 1, error: failure }])
    expect(response.warnings).toEqual(['1 of 4 calls failed, so 1 image(s) are missing: sync: 500 boom'])
  })

  it('throws a summary with the first code when every split call fails', async () => {
    const { provider, calls } = syncProvider({
      fail: (call) =>
        new LLMKitError({
          code: 'rate_limited',
          message: `sync: 429 slow down ${call.callIndex}`,
          provider: 'sync',
          status: 429,
          retryAfterMs: 1000,
        }),
    })
    const error = await rejection(
      client([provider], fakeClock().clock).generateImage(
        new ImageGenerationRequest('one-per-call', 'a cat').with_n(3),
      ),
    )
    expect(calls).toHaveLength(3)
    expect(LLMKitError.isInstance(error)).toBe(true)
    const llmkitError = error as LLMKitError
    expect(llmkitError.code).toBe('rate_limited')
    expect(llmkitError.status).toBe(429)
    expect(llmkitError.isRetryable).toBe(true)
    expect(llmkitError.retryAfterMs).toBe(1000)
    expect(llmkitError.message).toBe(
      'All 3 calls failed: sync: 429 slow down 0 | sync: 429 slow down 1 | sync: 429 slow down 2',
    )
  })

  it('rethrows the very error when the only call fails', async () => {
    const failure = new LLMKitError({ code: 'content_policy', message: 'sync: refused', provider: 'sync' })
    const { provider } = syncProvider({ fail: () => failure })
    expect(
      await rejection(
        client([provider], fakeClock().clock).generateImage(new ImageGenerationRequest('one-per-call', 'a cat')),
      ),
    ).toBe(failure)
  })

  it('refuses an empty result with no_image', async () => {
    const { provider } = syncProvider({ empty: true })
    const error = (await rejection(
      client([provider], fakeClock().clock).generateImage(new ImageGenerationRequest('one-per-call', 'a cat')),
    )) as LLMKitError
    expect(error.code).toBe('no_image')
    expect(error.message).toBe(
      'sync: one-per-call answered without any image; check the prompt and your quota, then try again',
    )
  })

  it('warns about settings the model ignores and leaves them out of the call', async () => {
    const { provider, calls } = syncProvider({
      models: [model('plain', { supports: { formats: ['url'], quality: ['standard'] } })],
    })
    const request = new ImageGenerationRequest('plain', 'a cat')
      .with_quality(ImageQuality.Hd)
      .with_style(ImageStyle.Vivid)
      .with_negative_prompt('blur')
      .with_seed(42)
    const events: ImageProgressEvent[] = []
    const response = await client([provider], fakeClock().clock).generateImage(request, {
      onProgress: (event) => events.push(event),
    })
    const expected = [
      'plain has no quality setting; ignoring quality "hd" (supported: standard)',
      'plain has no style setting; ignoring style "vivid"',
      'plain does not take a negative prompt; ignoring it',
      'plain does not take a seed; results will not be reproducible',
    ]
    expect(response.warnings).toEqual(expected)
    expect(
      events.filter((event) => event.type === 'warning').map((event) => (event as { message: string }).message),
    ).toEqual(expected)
    expect([calls[0]!.quality, calls[0]!.style, calls[0]!.negativePrompt, calls[0]!.seed]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ])
  })

  it('passes supported settings through without warnings', async () => {
    const rich = model('rich', {
      supports: { formats: ['url'], quality: ['standard', 'hd'], style: ['vivid'], negativePrompt: true, seed: true },
    })
    const { provider, calls } = syncProvider({ models: [rich] })
    const request = new ImageGenerationRequest('rich', 'a cat')
      .with_quality(ImageQuality.Hd)
      .with_style(ImageStyle.Vivid)
      .with_negative_prompt('blur')
      .with_seed(42)
    const response = await client([provider], fakeClock().clock).generateImage(request)
    expect(response.warnings).toEqual([])
    expect([calls[0]!.quality, calls[0]!.style, calls[0]!.negativePrompt, calls[0]!.seed]).toEqual([
      'hd',
      'vivid',
      'blur',
      42,
    ])
  })

  it('offsets the seed by the images before each split call, wrapping at 2^32', async () => {
    const seeded = model('seeded', { maxImagesPerCall: 2, supports: { formats: ['url'], seed: true } })
    const { provider, calls } = syncProvider({ models: [seeded] })
    await client([provider], fakeClock().clock).generateImage(
      new ImageGenerationRequest('seeded', 'a cat').with_n(5).with_seed(100),
    )
    expect(calls.map((call) => [call.n, call.seed])).toEqual([
      [2, 100],
      [2, 102],
      [1, 104],
    ])
    const wrap = syncProvider({ models: [model('seeded1', { supports: { formats: ['url'], seed: true } })] })
    await client([wrap.provider], fakeClock().clock).generateImage(
      new ImageGenerationRequest('seeded1', 'a cat').with_n(2).with_seed(2 ** 32 - 1),
    )
    expect(wrap.calls.map((call) => call.seed)).toEqual([4294967295, 0])
  })

  it("refuses a seed outside the model's range before any call, and keeps split seeds inside it", async () => {
    const ranged = model('ranged', {
      maxImagesPerCall: 1,
      supports: { formats: ['url'], seed: true },
      seedRange: { min: 1, max: 4_294_967_294 },
    })
    const { provider, calls } = syncProvider({ models: [ranged] })
    for (const [seed, extra] of [
      [4_294_967_295, ''],
      [0, ' (the API reads 0 as "pick a random seed")'],
    ] as const) {
      const error = (await rejection(
        client([provider], fakeClock().clock).generateImage(
          new ImageGenerationRequest('ranged', 'a cat').with_seed(seed),
        ),
      )) as LLMKitError
      expect(error.code).toBe('invalid_request')
      expect(error.message).toBe(`ranged takes seeds from 1 to 4294967294; got ${seed}${extra}`)
    }
    expect(calls).toHaveLength(0)
    await client([provider], fakeClock().clock).generateImage(
      new ImageGenerationRequest('ranged', 'a cat').with_n(3).with_seed(4_294_967_293),
    )
    expect(calls.map((call) => call.seed)).toEqual([4_294_967_293, 4_294_967_294, 1])
  })

  it('warns when a call returns fewer images than it asked for', async () => {
    const few = model('few', { maxImagesPerCall: 4 })
    const { provider } = syncProvider({
      models: [few],
      extra: { generate: async (call) => ({ images: [urlImage(call, 0)] }) },
    })
    const response = await client([provider], fakeClock().clock).generateImage(
      new ImageGenerationRequest('few', 'a cat').with_n(3),
    )
    expect(response.count).toBe(1)
    expect(response.warnings).toEqual(['sync: few returned 1 of the 3 images asked for; the API gave no reason'])
  })

  it('warns when a job returns fewer images than it asked for', async () => {
    const { provider } = jobProvider([completed(1)], { models: [model('queue-model', { maxImagesPerCall: 2 })] })
    const response = await client([provider], fakeClock().clock).generateImage(
      new ImageGenerationRequest('queue-model', 'a cat').with_n(2),
    )
    expect(response.warnings).toEqual([
      'jobs: queue-model returned 1 of the 2 images asked for; the API gave no reason',
    ])
  })

  it('refuses n above the model limit before any call', async () => {
    const { provider, calls } = syncProvider({ models: [model('small', { maxImagesPerRequest: 2 })] })
    const error = (await rejection(
      client([provider], fakeClock().clock).generateImage(new ImageGenerationRequest('small', 'a cat').with_n(3)),
    )) as LLMKitError
    expect([error.code, error.message]).toEqual([
      'invalid_request',
      'small returns at most 2 images per request; asked for 3',
    ])
    expect(calls).toEqual([])
  })

  it('validates provider options with the zod schema before any provider call', async () => {
    const schema = z.object({ steps: z.number().int().min(1).max(50).optional() }).strict()
    const { provider, calls } = syncProvider({ extra: { optionsSchema: schema } })
    const llmkit = client([provider], fakeClock().clock)
    const base = new ImageGenerationRequest('one-per-call', 'a cat')

    const wrongType = (await rejection(
      llmkit.generateImage(base.with_provider_options('sync', { steps: 'many' })),
    )) as LLMKitError
    expect(wrongType.code).toBe('invalid_request')
    expect(wrongType.message).toMatch(/^Invalid sync options for one-per-call: steps: /)
    const unknownKey = (await rejection(
      llmkit.generateImage(base.with_provider_options('sync', { stpes: 3 })),
    )) as LLMKitError
    expect(unknownKey.code).toBe('invalid_request')
    expect(unknownKey.message).toContain('stpes')
    expect(calls).toEqual([])

    const response = await llmkit.generateImage(
      base.with_provider_options('sync', { steps: 28 }).with_provider_options('other', { anything: true }),
    )
    expect(calls.map((call) => call.options)).toEqual([{ steps: 28 }])
    expect(response.warnings).toContain('options for "other" are ignored: one-per-call is served by sync')
  })

  it('refuses a prompt longer than the model accepts before any call', async () => {
    const { provider, calls } = syncProvider({ models: [model('short', { maxPromptLength: 10 })] })
    const error = (await rejection(
      client([provider], fakeClock().clock).generateImage(new ImageGenerationRequest('short', 'a cat on a mat')),
    )) as LLMKitError
    expect([error.code, error.message]).toEqual([
      'invalid_request',
      'short accepts prompts of at most 10 characters; this one has 14',
    ])
    expect(calls).toEqual([])
  })

  it('refuses provider options for a provider without a schema', async () => {
    const { provider, calls } = syncProvider()
    const error = (await rejection(
      client([provider], fakeClock().clock).generateImage(
        new ImageGenerationRequest('one-per-call', 'a cat').with_provider_options('sync', { steps: 3 }),
      ),
    )) as LLMKitError
    expect([error.code, error.message]).toEqual(['invalid_request', 'sync takes no provider options; got steps'])
    expect(calls).toEqual([])
  })

  it('collects provider warnings once and reports progress of a synchronous call', async () => {
    const { provider } = syncProvider({
      extra: {
        async generate(call, context) {
          context.warn('sync: prompt was shortened')
          context.warn('sync: prompt was shortened')
          context.progress({ phase: 'running', progress: 0.5 })
          return { images: [urlImage(call, 0)], warnings: ['sync: used the turbo variant'] }
        },
      },
    })
    const events: ImageProgressEvent[] = []
    const response = await client([provider], fakeClock().clock).generateImage(
      new ImageGenerationRequest('one-per-call', 'a cat'),
      { onProgress: (event) => events.push(event) },
    )
    expect(response.warnings).toEqual(['sync: prompt was shortened', 'sync: used the turbo variant'])
    expect(summarize(events)).toEqual(['warning', 'running:0.5', 'image:0', 'done:1'])
  })

  it('rejects with the reason of an already aborted signal without calling the provider', async () => {
    const { provider, calls } = syncProvider()
    const controller = new AbortController()
    const reason = new DOMException('stop', 'AbortError')
    controller.abort(reason)
    const error = await rejection(
      client([provider], fakeClock().clock).generateImage(
        new ImageGenerationRequest('one-per-call', 'a cat').with_n(2),
        { signal: controller.signal },
      ),
    )
    expect(error).toBe(reason)
    expect(calls).toEqual([])
  })
})

describe('LLMKitClient with a job provider', () => {
  it('reports submitted → queued → running → image → done and paces polls from the hints', async () => {
    const { provider, started, polled } = jobProvider([queued(2), running(0.5), completed()])
    const { clock, sleeps } = fakeClock()
    const events: ImageProgressEvent[] = []
    const response = await client([provider], clock).generateImage(new ImageGenerationRequest('queue-model', 'a cat'), {
      onProgress: (event) => events.push(event),
    })
    expect(summarize(events)).toEqual(['submitted:job-1', 'queued:2', 'running:0.5', 'image:0', 'done:1'])
    expect(events.map((event) => event.elapsedMs)).toEqual([0, 250, 1000, 1562.5, 1562.5])
    // 250 first, then 250 * (1 + position 2), then the geometric 250 * 1.5^2.
    expect(sleeps).toEqual([250, 750, 562.5])
    expect(started).toHaveLength(1)
    expect(polled).toHaveLength(3)
    expect(response.count).toBe(1)
    expect(response.first()?.b64_json).toBe(PNG_B64)
    expect(response.first()?.media_type).toBe('image/png')
    expect(response.jobs.map((job) => job.id)).toEqual(['job-1'])
  })

  it('builds the job handle from what start returns: id and data from the provider, the rest from the call', async () => {
    const { provider, polled } = jobProvider([completed()])
    provider.start = async () => ({ id: 'abc', data: { app: 'fal-ai/flux' }, seed: 42 })
    const { clock } = fakeClock()
    const submitted: ImageJob[] = []
    const response = await client([provider], clock).generateImage(
      new ImageGenerationRequest('queue-model', 'a cat').with_format('url'),
      { onProgress: (event) => void (event.type === 'submitted' && submitted.push(event.job)) },
    )
    const handle: ImageJob = {
      provider: 'jobs',
      model: 'queue-model',
      id: 'abc',
      data: { app: 'fal-ai/flux' },
      createdAt: START,
      call: { n: 1, width: 1024, height: 1024, format: 'url', seed: 42, callIndex: 0 },
    }
    expect(submitted).toEqual([handle])
    expect(polled).toEqual([handle])
    expect(response.jobs).toEqual([handle])
  })

  it('refuses a job id from start that would steer the status path', async () => {
    const { provider, polled } = jobProvider([completed()])
    provider.start = async () => ({ id: '../admin' })
    const request = new ImageGenerationRequest('queue-model', 'a cat')
    const error = (await rejection(client([provider], fakeClock().clock).generateImage(request))) as LLMKitError
    expect(error.code).toBe('provider_error')
    expect(error.message).toContain('jobs: the API answered with job id "../admin"')
    expect(polled).toEqual([])
  })

  it('uses the status that start already returned, without polling', async () => {
    const { provider, polled } = jobProvider([running(0.1)])
    const start = provider.start!
    provider.start = async (call, context) => ({ ...(await start(call, context)), status: completed() })
    const { clock, sleeps } = fakeClock()
    const response = await client([provider], clock).generateImage(new ImageGenerationRequest('queue-model', 'a cat'))
    expect(response.count).toBe(1)
    expect(polled).toEqual([])
    expect(sleeps).toEqual([])
  })

  it('throws the job failure the provider reports', async () => {
    const failure = new LLMKitError({ code: 'content_policy', message: 'jobs: flagged', provider: 'jobs' })
    const { provider, cancelled } = jobProvider([running(0.2), { state: 'failed', error: failure }])
    expect(
      await rejection(
        client([provider], fakeClock().clock).generateImage(new ImageGenerationRequest('queue-model', 'a cat')),
      ),
    ).toBe(failure)
    expect(cancelled).toEqual([])
  })

  it('hands back the job when its status cannot be read, so a paid job can be resumed', async () => {
    const { provider, cancelled } = jobProvider([running(0.2)])
    const unreachable = new LLMKitError({
      code: 'network',
      message: 'jobs: status failed: ECONNRESET',
      provider: 'jobs',
    })
    let polls = 0
    provider.status = async () => {
      polls += 1
      if (polls > 1) throw unreachable
      return running(0.2)
    }
    const error = (await rejection(
      client([provider], fakeClock().clock).generateImage(new ImageGenerationRequest('queue-model', 'a cat')),
    )) as LLMKitError
    expect([error.code, error.message]).toEqual(['network', 'jobs: status failed: ECONNRESET'])
    expect((error.job as ImageJob).id).toBe('job-1')
    expect(cancelled).toEqual([])
  })

  it('streams the same events through streamImage()', async () => {
    const { provider } = jobProvider([queued(1), running(0.25), completed()])
    const events: ImageProgressEvent[] = []
    for await (const event of client([provider], fakeClock().clock).streamImage(
      new ImageGenerationRequest('queue-model', 'a cat'),
    ))
      events.push(event)
    expect(summarize(events)).toEqual(['submitted:job-1', 'queued:1', 'running:0.25', 'image:0', 'done:1'])
    const done = events.at(-1) as Extract<ImageProgressEvent, { type: 'done' }>
    expect(done.response.first()?.b64_json).toBe(PNG_B64)
  })

  it('throws the generation failure from the streamImage iterator', async () => {
    const failure = new LLMKitError({ code: 'provider_error', message: 'jobs: crashed', provider: 'jobs' })
    const { provider } = jobProvider([{ state: 'failed', error: failure }])
    const seen: string[] = []
    const error = await rejection(
      (async () => {
        for await (const event of client([provider], fakeClock().clock).streamImage(
          new ImageGenerationRequest('queue-model', 'a cat'),
        ))
          seen.push(event.type)
      })(),
    )
    expect(error).toBe(failure)
    expect(seen).toEqual(['submitted'])
  })

  it('aborts the job and cancels it upstream when the streamImage loop is left early', async () => {
    const { provider, cancelled, polled } = jobProvider([queued(0), running(0.3)])
    const { clock } = fakeClock({ hangFrom: 2 })
    const seen: string[] = []
    for await (const event of client([provider], clock).streamImage(
      new ImageGenerationRequest('queue-model', 'a cat'),
    )) {
      seen.push(summarize([event])[0]!)
      if (event.type === 'running') break
    }
    expect(seen).toEqual(['submitted:job-1', 'queued:0', 'running:0.3'])
    expect(cancelled.map((job) => job.id)).toEqual(['job-1'])
    expect(polled).toHaveLength(2)
  })

  it('rejects with the signal reason, unchanged, when aborted during a poll wait, and cancels the job', async () => {
    const controller = new AbortController()
    const { provider, cancelled } = jobProvider([queued(3)])
    const { clock, sleeps } = fakeClock({
      hangFrom: 1,
      onSleep: (_ms, index) => index === 1 && queueMicrotask(() => controller.abort()),
    })
    const error = await rejection(
      client([provider], clock).generateImage(new ImageGenerationRequest('queue-model', 'a cat'), {
        signal: controller.signal,
      }),
    )
    expect(error).toBe(controller.signal.reason)
    expect((error as Error).name).toBe('AbortError')
    expect(LLMKitError.isInstance(error)).toBe(false)
    expect(sleeps).toEqual([250, 1000])
    expect(cancelled.map((job) => job.id)).toEqual(['job-1'])
  })

  it('keeps the job running upstream on abort when cancelOnAbort is false', async () => {
    const controller = new AbortController()
    const { provider, cancelled } = jobProvider([queued(3)])
    const { clock } = fakeClock({
      hangFrom: 1,
      onSleep: (_ms, index) => index === 1 && queueMicrotask(() => controller.abort()),
    })
    const error = await rejection(
      client([provider], clock, { cancelOnAbort: false }).generateImage(
        new ImageGenerationRequest('queue-model', 'a cat'),
        { signal: controller.signal },
      ),
    )
    expect(error).toBe(controller.signal.reason)
    expect(cancelled).toEqual([])
  })

  it('keeps the job running upstream on abort when the call says cancelOnAbort: false, whatever the client says', async () => {
    const controller = new AbortController()
    const { provider, cancelled } = jobProvider([queued(3)])
    const { clock } = fakeClock({
      hangFrom: 1,
      onSleep: (_ms, index) => index === 1 && queueMicrotask(() => controller.abort()),
    })
    const error = await rejection(
      client([provider], clock).generateImage(new ImageGenerationRequest('queue-model', 'a cat'), {
        signal: controller.signal,
        cancelOnAbort: false,
      }),
    )
    expect(error).toBe(controller.signal.reason)
    expect(cancelled).toEqual([])
  })

  it('times out when the deadline timer fires, cancels the job and hands back no handle to a cancelled job', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const { provider, cancelled } = jobProvider([running(0.1)])
    const { clock } = fakeClock({ hangFrom: 1 })
    const pending = rejection(
      client([provider], clock, { timeoutMs: 1_000 }).generateImage(new ImageGenerationRequest('queue-model', 'a cat')),
    )
    await vi.advanceTimersByTimeAsync(1_000)
    const error = (await pending) as LLMKitError
    expect(error.code).toBe('timeout')
    expect(error.job).toBeUndefined()
    expect(error.provider).toBe('jobs')
    expect(error.message).toBe('jobs: job job-1 did not finish in time and was cancelled; raise timeoutMs')
    expect(cancelled.map((job) => job.id)).toEqual(['job-1'])
  })

  it('keeps the job for resumeImage when cancelOnTimeout is false', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const { provider, cancelled } = jobProvider([running(0.1)])
    const { clock } = fakeClock({ hangFrom: 1 })
    const llmkit = client([provider], clock, { timeoutMs: 60_000, cancelOnTimeout: false })
    const pending = rejection(
      llmkit.generateImage(new ImageGenerationRequest('queue-model', 'a cat'), { timeoutMs: 500 }),
    )
    await vi.advanceTimersByTimeAsync(500)
    const error = (await pending) as LLMKitError
    expect(error.code).toBe('timeout')
    expect((error.job as ImageJob).id).toBe('job-1')
    expect(error.message).toBe(
      'jobs: job job-1 did not finish in time; it may still finish: keep the job handle (error.job) and call resumeImage(job)',
    )
    expect(cancelled).toEqual([])
  })

  it('stops at the deadline measured by the injected clock, and cancels', async () => {
    const { provider, cancelled, polled } = jobProvider([running(0.1)])
    const { clock, sleeps } = fakeClock()
    const error = (await rejection(
      client([provider], clock, { timeoutMs: 2_000 }).generateImage(new ImageGenerationRequest('queue-model', 'a cat')),
    )) as LLMKitError
    expect(error.code).toBe('timeout')
    expect(error.job).toBeUndefined()
    // 250, 375, 562.5, then only what is left of the 2 000 ms.
    expect(sleeps).toEqual([250, 375, 562.5, 812.5])
    expect(sleeps.reduce((sum, ms) => sum + ms, 0)).toBe(2_000)
    expect(polled).toHaveLength(3)
    expect(cancelled.map((job) => job.id)).toEqual(['job-1'])
  })

  it('resumeImage polls an existing job without calling start', async () => {
    const { provider, started, polled } = jobProvider([running(0.9), completed(2)])
    const { clock } = fakeClock()
    const job: ImageJob = JSON.parse(
      JSON.stringify({
        provider: 'jobs',
        model: 'queue-model',
        id: 'old-7',
        createdAt: START - 10_000,
        call: { n: 2, width: 1024, height: 1024, format: 'b64_json', callIndex: 0 },
      }),
    )
    const events: ImageProgressEvent[] = []
    const response = await client([provider], clock).resumeImage(job, { onProgress: (event) => events.push(event) })
    expect(started).toEqual([])
    expect(polled.map((polledJob) => polledJob.id)).toEqual(['old-7', 'old-7'])
    expect(response.count).toBe(2)
    expect([response.provider, response.model]).toEqual(['jobs', 'queue-model'])
    expect(response.jobs).toEqual([job])
    expect(summarize(events)).toEqual(['running:0.9', 'image:0', 'image:1', 'done:2'])
  })

  it('resumeImage refuses a job of a provider that is not registered', async () => {
    const job: ImageJob = {
      provider: 'fal',
      model: 'x',
      id: 'j',
      createdAt: START,
      call: { n: 1, width: 1, height: 1, format: 'url', callIndex: 0 },
    }
    const error = (await rejection(client([], fakeClock().clock).resumeImage(job))) as LLMKitError
    expect([error.code, error.message]).toEqual([
      'unknown_model',
      'Cannot resume job j: no job provider "fal" is registered',
    ])
  })

  it('splits n across jobs and keeps image indexes in order', async () => {
    const { provider, started } = jobProvider([completed()])
    const events: ImageProgressEvent[] = []
    const response = await client([provider], fakeClock().clock).generateImage(
      new ImageGenerationRequest('queue-model', 'a cat').with_n(3),
      { onProgress: (event) => events.push(event) },
    )
    expect(started.map((call) => call.callIndex)).toEqual([0, 1, 2])
    expect(response.jobs.map((job) => job.id)).toEqual(['job-1', 'job-2', 'job-3'])
    expect(
      events
        .filter((event) => event.type === 'image')
        .map((event) => (event as { index: number }).index)
        .sort(),
    ).toEqual([0, 1, 2])
  })
})
