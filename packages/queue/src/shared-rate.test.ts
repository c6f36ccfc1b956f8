import { ImageGenerationRequest, ImageSize, LLMKitClient } from '@llmkit/core'
import { fal } from '@llmkit/fal'
import { startEmulator, startRedisServer, type Emulator, type RedisServer } from '@llmkit/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createImageQueue, createImageWorker, type ItemResult } from './index'
import { parseRate } from './shared-rate'

let redis: RedisServer
let emulator: Emulator

beforeAll(async () => {
  ;[redis, emulator] = await Promise.all([
    startRedisServer(),
    startEmulator({ providers: ['fal'], timing: { queueMs: 20, runMs: 100 } }),
  ])
})
afterAll(async () => {
  await Promise.all([redis?.close(), emulator?.close()])
})

/** The most requests inside any window of `windowMs` (half-open), from arrival times. */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b)
  let most = 0
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++
    most = Math.max(most, i - j + 1)
  }
  return most
}

async function runBatch(
  name: string,
  count: number,
  workerCount: number,
  rates = {},
  concurrency = 4,
): Promise<ItemResult[]> {
  const queue = createImageQueue({ connection: redis.url, name })
  const workers = Array.from({ length: workerCount }, () =>
    createImageWorker({
      connection: redis.url,
      name,
      concurrency,
      rates,
      client: new LLMKitClient({ providers: [fal], env: emulator.env }),
    }),
  )
  const requests = Array.from({ length: count }, (_, i) =>
    new ImageGenerationRequest('fal-ai/flux/schnell', `tile ${i}`).with_size(ImageSize.Square256).with_seed(i),
  )
  const results: ItemResult[] = []
  for await (const result of queue.results(await queue.enqueue(requests), { pollMs: 50 })) results.push(result)
  await Promise.all(workers.map((worker) => worker.close()))
  await queue.close()
  return results
}

describe('shared rates', () => {
  it('parses --rate values', () => {
    expect(parseRate('fal=5/s')).toEqual(['fal', { limit: 5, windowMs: 1000 }])
    expect(parseRate('openai=50/min')).toEqual(['openai', { limit: 50, windowMs: 60_000 }])
    expect(parseRate('replicate=10/10s')).toEqual(['replicate', { limit: 10, windowMs: 10_000 }])
    expect(() => parseRate('fal=5')).toThrow(/fal=5\/s/)
    expect(() => parseRate('fal=0/s')).toThrow()
  })

  it('holds one limit across three workers: no second with more than 5 submits', async () => {
    emulator.clearRequests()
    const results = await runBatch('rate', 16, 3, { fal: { limit: 5, windowMs: 1000 } })
    expect(results.every((result) => result.status === 'done')).toBe(true)
    const submits = emulator.requestsFor('fal', 'submit').map((request) => request.at)
    expect(submits).toHaveLength(16)
    expect(busiestWindow(submits, 1000)).toBeLessThanOrEqual(5)
  })

  it('pauses a provider for every worker when one of them is told 429 with Retry-After', async () => {
    emulator.clearRequests()
    emulator.inject({ kind: 'rate_limit', provider: 'fal', endpoint: 'submit', retryAfterSeconds: 1, times: 1 })
    const results = await runBatch('pause', 6, 2, {}, 1)
    expect(results.every((result) => result.status === 'done')).toBe(true)
    const submits = emulator.requestsFor('fal', 'submit').map((request) => request.at)
    const refusedAt = submits[0]!
    expect(submits).toHaveLength(7)
    // Only the other worker's submit already in flight beside the refused one came within the second the
    // provider asked for; every later submit, from either worker, waited it out.
    expect(submits.slice(1).filter((at) => at - refusedAt < 990).length).toBeLessThanOrEqual(1)
  })
})
