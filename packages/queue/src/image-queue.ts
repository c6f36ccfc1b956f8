import { createHash } from 'node:crypto'
import { ImageGenerationRequest, type ImageGenerationRequestData, sleep } from '@llmkit/core'
import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import { closeRedis, openRedis, type RedisConnection } from './connection'
import { DEFAULT_QUEUE_NAME, jobIdOf, queueKeys } from './keys'
import type { ItemResult, QueueJobData, StoredImage } from './item-result'
import { DEFAULT_RESULT_TTL_MS, RedisResultStore, type ResultStore } from './result-store'

/** Settings for {@link createImageQueue}. */
export interface ImageQueueOptions {
  /** Redis: URL, ioredis options or client. */
  connection: RedisConnection
  /** Queue name; workers must use the same. Default `llmkit-images`. */
  name?: string
  /** Where workers put image bytes (the same store the workers use). Default: Redis. */
  store?: ResultStore
  /** How long finished items (and with the Redis store, their images) stay in Redis. Default 24 h. */
  resultTtlMs?: number
  /** Redis connection errors while it is away (the queue reconnects by itself). */
  onError?: (error: Error) => void
}

/** One item to generate: a request (or its JSON) and an optional id. */
export type EnqueueItem =
  | ImageGenerationRequest
  | ImageGenerationRequestData
  | { id?: string; request: ImageGenerationRequest | ImageGenerationRequestData }

/** Counts over the whole queue. */
export interface QueueProgress {
  waiting: number
  active: number
  delayed: number
  completed: number
  failed: number
}

/** The producing side of a distributed batch. */
export interface ImageQueue {
  /**
   * Adds items; returns their ids. An id already in the queue (waiting, running or finished) is
   * left as it is, so enqueueing the same items again after a crash adds nothing. Without an id,
   * an item's id is a hash of its request (plus its occurrence, for repeats). With `retryFailed`,
   * items that failed (other than `in_doubt`) are queued again.
   */
  enqueue(items: readonly EnqueueItem[], options?: { retryFailed?: boolean }): Promise<string[]>
  /** Counts of items by state. */
  progress(): Promise<QueueProgress>
  /** The result of each given item as it finishes (and at once for those already finished), in finishing order. */
  results(ids: readonly string[], options?: { signal?: AbortSignal; pollMs?: number }): AsyncIterable<ItemResult>
  /** An item's result, or undefined while it is not finished (or unknown). */
  result(id: string): Promise<ItemResult | undefined>
  /** The bytes of a stored image. */
  imageBytes(image: StoredImage): Promise<Buffer>
  close(): Promise<void>
  /** The BullMQ queue underneath. */
  readonly bullmq: Queue<QueueJobData, ItemResult>
}

/**
 * A queue of image requests on Redis (BullMQ). Workers made with
 * `createImageWorker` on any machine generate them; results come back through
 * `results()`. The producing side needs no provider key.
 */
export function createImageQueue(options: ImageQueueOptions): ImageQueue {
  const name = options.name ?? DEFAULT_QUEUE_NAME
  const keys = queueKeys(name)
  const ttlMs = options.resultTtlMs ?? DEFAULT_RESULT_TTL_MS
  const redis = openRedis(options.connection, options.onError)
  const store = options.store ?? new RedisResultStore(redis, keys, ttlMs)
  const queue = new Queue<QueueJobData, ItemResult>(name, {
    connection: openRedis(options.connection, options.onError),
    defaultJobOptions: {
      attempts: 1,
      removeOnComplete: { age: Math.ceil(ttlMs / 1000) },
      removeOnFail: { age: Math.ceil(ttlMs / 1000) },
    },
  })
  queue.on('error', (error) => options.onError?.(error))
  const result = (id: string) => readResults(redis, queue, [id]).then((found) => found.get(id))
  return {
    bullmq: queue,
    async enqueue(items, enqueueOptions = {}) {
      const prepared = prepareItems(items)
      await queue.addBulk(prepared.map((item) => ({ name: 'image', data: item, opts: { jobId: jobIdOf(item.id) } })))
      if (enqueueOptions.retryFailed)
        await retryFailed(
          redis,
          queue,
          prepared.map((item) => item.id),
        )
      return prepared.map((item) => item.id)
    },
    async progress() {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized')
      return {
        waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        completed: counts.completed ?? 0,
        failed: counts.failed ?? 0,
      }
    },
    results: (ids, resultOptions = {}) =>
      pollResults(redis, queue, ids, resultOptions.signal, resultOptions.pollMs ?? 250),
    result,
    imageBytes: (image) => store.load(image.key),
    async close() {
      await queue.close()
      await closeRedis(redis, options.connection)
    },
  }
}

function prepareItems(items: readonly EnqueueItem[]): QueueJobData[] {
  const seen = new Map<string, number>()
  return items.map((item) => {
    const wrapped = 'request' in item && typeof item.request === 'object' ? item : undefined
    const source = (wrapped ? wrapped.request : item) as ImageGenerationRequest | ImageGenerationRequestData
    // Validated here, before anything is queued: a bad item fails the enqueue, not a worker.
    const request = (
      source instanceof ImageGenerationRequest ? source : ImageGenerationRequest.fromJSON(source)
    ).toJSON()
    let id = wrapped?.id
    if (!id) {
      const hash = createHash('sha256').update(JSON.stringify(request)).digest('hex').slice(0, 16)
      const occurrence = (seen.get(hash) ?? 0) + 1
      seen.set(hash, occurrence)
      id = occurrence === 1 ? hash : `${hash}-${occurrence}`
    }
    return { id, request }
  })
}

/** Finished items among `ids`, read from the job hashes in one pipeline. */
async function readResults(
  redis: Redis,
  queue: Queue<QueueJobData, ItemResult>,
  ids: readonly string[],
): Promise<Map<string, ItemResult>> {
  const pipeline = redis.pipeline()
  for (const id of ids) pipeline.hmget(queue.toKey(jobIdOf(id)), 'finishedOn', 'returnvalue', 'failedReason')
  const replies = (await pipeline.exec()) ?? []
  const found = new Map<string, ItemResult>()
  replies.forEach(([error, value], index) => {
    const [finishedOn, returnvalue, failedReason] = (error ? [] : value) as (string | null)[]
    if (!finishedOn) return
    const id = ids[index]!
    const parsed = returnvalue ? (JSON.parse(returnvalue) as ItemResult | null) : null
    found.set(
      id,
      parsed ?? {
        id,
        status: 'failed',
        images: [],
        error: { code: 'worker_failed', message: failedReason || 'the job failed in the queue' },
      },
    )
  })
  return found
}

async function* pollResults(
  redis: Redis,
  queue: Queue<QueueJobData, ItemResult>,
  ids: readonly string[],
  signal: AbortSignal | undefined,
  pollMs: number,
): AsyncIterable<ItemResult> {
  const pending = new Set(ids)
  while (pending.size > 0) {
    signal?.throwIfAborted()
    const found = await readResults(redis, queue, [...pending])
    for (const [id, result] of found) {
      pending.delete(id)
      yield result
    }
    if (pending.size > 0) await sleep(pollMs, signal)
  }
}

/** Queues again the items that failed for a reason worth another try (never `in_doubt`: that could pay twice). */
async function retryFailed(
  redis: Redis,
  queue: Queue<QueueJobData, ItemResult>,
  ids: readonly string[],
): Promise<void> {
  const finished = await readResults(redis, queue, ids)
  for (const result of finished.values()) {
    if (result.status !== 'failed' || result.error?.code === 'in_doubt') continue
    const job = await queue.getJob(jobIdOf(result.id))
    const state = await job?.getState()
    if (job && (state === 'completed' || state === 'failed')) await job.retry(state)
  }
}
