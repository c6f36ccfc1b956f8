import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ImageGenerationRequest, ImageSize, LLMKitClient } from '@llmkit/core'
import { fal } from '@llmkit/fal'
import { openai } from '@llmkit/openai'
import { startEmulator, startRedisServer, type Emulator, type RedisServer } from '@llmkit/testing'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createImageQueue, createImageWorker, FolderResultStore, type ImageWorker, type ItemResult } from './index'
import { ItemLedger } from './item-ledger'
import { queueKeys } from './keys'

let redis: RedisServer
let emulator: Emulator
let admin: Redis
let queueNumber = 0
let name: string

beforeAll(async () => {
  ;[redis, emulator] = await Promise.all([
    startRedisServer(),
    startEmulator({ providers: ['fal', 'openai'], timing: { queueMs: 50, runMs: 250 } }),
  ])
  admin = new Redis(redis.url)
})
afterAll(async () => {
  admin?.disconnect()
  await Promise.all([redis?.close(), emulator?.close()])
})
beforeEach(() => {
  name = `test-${++queueNumber}`
  emulator.clearRequests()
  emulator.clearFaults()
})

function worker(options: Partial<Parameters<typeof createImageWorker>[0]> = {}): ImageWorker {
  const client = new LLMKitClient({ providers: [fal, openai], env: emulator.env })
  return createImageWorker({ connection: redis.url, name, client, concurrency: 4, ...options })
}

async function collect(iterable: AsyncIterable<ItemResult>): Promise<ItemResult[]> {
  const results: ItemResult[] = []
  for await (const result of iterable) results.push(result)
  return results
}

const square = (model: string, prompt: string, seed: number) =>
  new ImageGenerationRequest(model, prompt).with_size(ImageSize.Square256).with_seed(seed)

describe('queue and worker', () => {
  it('generates enqueued items once, however often they are enqueued, and hands back their bytes', async () => {
    const queue = createImageQueue({ connection: redis.url, name })
    const items = [
      { id: 'fox', request: square('fal-ai/flux/schnell', 'a red fox', 1) },
      { id: 'owl', request: square('dall-e-2', 'an owl', 2).toJSON() },
      square('fal-ai/flux/schnell', 'a lighthouse', 3),
    ]
    const ids = await queue.enqueue(items)
    expect(ids.slice(0, 2)).toEqual(['fox', 'owl'])
    expect(await queue.enqueue(items)).toEqual(ids)
    expect((await queue.progress()).waiting).toBe(3)
    const running = worker()
    await running.ready()
    const results = await collect(queue.results(ids))
    expect(results.map((result) => result.status)).toEqual(['done', 'done', 'done'])
    expect(new Set(results.map((result) => result.id))).toEqual(new Set(ids))
    const fox = results.find((result) => result.id === 'fox')!
    expect(fox.provider).toBe('fal')
    const bytes = await queue.imageBytes(fox.images[0]!)
    expect(bytes.subarray(1, 4).toString('ascii')).toBe('PNG')
    expect(fox.images[0]!.bytes).toBe(bytes.length)
    // Enqueued twice, submitted once.
    expect(emulator.requestsFor('fal', 'submit')).toHaveLength(2)
    expect(emulator.requestsFor('openai', 'generate')).toHaveLength(1)
    expect(await queue.enqueue(items)).toEqual(ids)
    expect((await queue.progress()).completed).toBe(3)
    await running.close()
    await queue.close()
  })

  it('resumes a job whose handle a dead worker recorded, instead of submitting again', async () => {
    const client = new LLMKitClient({ providers: [fal], env: emulator.env })
    const request = square('fal-ai/flux/schnell', 'a harbour at night', 9)
    const response = await client.generateImage(request)
    const job = response.jobs[0]!
    // The handle as fal built it by hand before core built handles from `start`'s { id, data }: still resumable.
    const saved = {
      provider: 'fal',
      model: 'fal-ai/flux/schnell',
      id: job.id,
      data: { app: 'fal-ai/flux' },
      createdAt: job.createdAt,
      call: { n: 1, width: 256, height: 256, format: 'url', callIndex: 0, seed: 9 },
    }
    expect(job).toEqual(saved)
    // What a worker killed right after the submit leaves behind: the handle, the counter lowered.
    await admin.hset(queueKeys(name).item('harbour'), `handle:fal:${job.id}`, JSON.stringify(saved), 'submitting', 0)
    emulator.clearRequests()
    const queue = createImageQueue({ connection: redis.url, name })
    const running = worker()
    await queue.enqueue([{ id: 'harbour', request }])
    const [result] = await collect(queue.results(['harbour']))
    expect(result!.status).toBe('done')
    expect(emulator.requestsFor('fal', 'submit')).toHaveLength(0)
    expect((await queue.imageBytes(result!.images[0]!)).equals(await response.images[0]!.bytes())).toBe(true)
    await running.close()
    await queue.close()
    await client.close()
  })

  it('does not submit again when a dead worker left a submit in flight without a handle (in_doubt)', async () => {
    await admin.hset(queueKeys(name).item('lost'), 'submitting', 1)
    const queue = createImageQueue({ connection: redis.url, name })
    const running = worker({ inDoubtGraceMs: 200 })
    await queue.enqueue([{ id: 'lost', request: square('fal-ai/flux/schnell', 'a lost job', 4) }])
    const [result] = await collect(queue.results(['lost']))
    expect(result).toMatchObject({ status: 'failed', error: { code: 'in_doubt' } })
    expect(emulator.requestsFor('fal', 'submit')).toHaveLength(0)
    await running.close()
    await queue.close()
  })

  it('generates a synchronous item again after a worker died inside its request, and says so', async () => {
    await admin.hset(queueKeys(name).item('sync'), 'syncRequests', 1)
    const queue = createImageQueue({ connection: redis.url, name })
    const running = worker()
    await queue.enqueue([{ id: 'sync', request: square('dall-e-2', 'a repeated request', 5) }])
    const [result] = await collect(queue.results(['sync']))
    expect(result).toMatchObject({ status: 'done', inDoubt: true })
    expect(result!.warnings?.join(' ')).toMatch(/charged twice/)
    expect(emulator.requestsFor('openai', 'generate')).toHaveLength(1)
    await running.close()
    await queue.close()
  })

  it('fails an item with the provider’s reason and retries it on request', async () => {
    emulator.inject({ kind: 'content_policy', provider: 'openai', endpoint: 'generate' })
    const queue = createImageQueue({ connection: redis.url, name })
    const running = worker()
    const ids = await queue.enqueue([{ id: 'refused', request: square('dall-e-2', 'a refused picture', 6) }])
    const [failed] = await collect(queue.results(ids))
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'content_policy' } })
    await queue.enqueue([{ id: 'refused', request: square('dall-e-2', 'a refused picture', 6) }], { retryFailed: true })
    const [retried] = await collect(queue.results(ids))
    expect(retried).toMatchObject({ status: 'done' })
    await running.close()
    await queue.close()
  })

  it('keeps images in a shared folder with the folder store', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'llmkit-queue-store-'))
    const store = new FolderResultStore(folder)
    const queue = createImageQueue({ connection: redis.url, name, store })
    const running = worker({ store })
    const ids = await queue.enqueue([square('fal-ai/flux/schnell', 'a folder of foxes', 7)])
    const [result] = await collect(queue.results(ids))
    expect(result!.images[0]!.key).toMatch(/-0\.png$/)
    expect((await queue.imageBytes(result!.images[0]!)).length).toBe(result!.images[0]!.bytes)
    expect(await admin.keys(`llmkit:${name}:image:*`)).toEqual([])
    await running.close()
    await queue.close()
    await rm(folder, { recursive: true, force: true })
  })

  it('lets only the worker holding the item’s lock start a paid request', async () => {
    const ledger = new ItemLedger(admin, queueKeys(name), 60_000)
    await admin.set('bull:x:item-a:lock', 'token-of-b')
    await expect(ledger.begin('a', 'submitting', { key: 'bull:x:item-a:lock', token: 'token-of-a' })).rejects.toThrow(
      /lost the item's lock/,
    )
    expect((await ledger.read('a')).submitting).toBe(0)
    await ledger.begin('a', 'submitting', { key: 'bull:x:item-a:lock', token: 'token-of-b' })
    expect((await ledger.read('a')).submitting).toBe(1)
  })
})
