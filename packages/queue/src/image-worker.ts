import { hostname } from 'node:os'
import {
  extensionFor,
  ImageGenerationRequest,
  isAbortError,
  LLMKitError,
  type GeneratedImage,
  type ImageGenerationResponse,
  type ImageJob,
  type LLMKitClient,
} from '@llmkit/core'
import { Worker, type Job, type WorkerOptions } from 'bullmq'
import { closeRedis, openRedis, type RedisConnection } from './connection'
import { DEFAULT_QUEUE_NAME, queueKeys } from './keys'
import { ItemLedger, type ItemLedgerState } from './item-ledger'
import type { ItemResult, QueueJobData, StoredImage } from './item-result'
import { gateClient, runGated } from './paid-request-gate'
import { DEFAULT_RESULT_TTL_MS, RedisResultStore, type ResultStore } from './result-store'
import { SharedRate, type RateLimit } from './shared-rate'

/** Settings for {@link createImageWorker}. */
export interface ImageWorkerOptions {
  /** Redis: URL, ioredis options or client. */
  connection: RedisConnection
  /** Generates the images; only workers need provider keys. Its providers are replaced by gated copies (see below). */
  client: LLMKitClient
  /** Queue name. Default `llmkit-images`. */
  name?: string
  /** Items this worker generates at once. Default 4. */
  concurrency?: number
  /** Submits per window per provider id, shared by every worker (`{ fal: { limit: 5, windowMs: 1000 } }`). Give every worker the same. */
  rates?: Readonly<Record<string, RateLimit>>
  /** Where image bytes go. Default: Redis, with `resultTtlMs`. */
  store?: ResultStore
  /** How long results and item records stay in Redis. Default 24 h. */
  resultTtlMs?: number
  /** Deadline for one item's generation. Default: the client's. */
  timeoutMs?: number
  /** How long a recovered item whose submit was in flight waits for that submit's handle before it is `in_doubt`. Default 5 000 ms. */
  inDoubtGraceMs?: number
  /** 429s answered to one submit before it fails. Default 4. */
  maxRateLimitRetries?: number
  /** BullMQ worker settings (for example `lockDuration`, `stalledInterval`, `maxStalledCount`). */
  bullmq?: Partial<Omit<WorkerOptions, 'connection' | 'concurrency' | 'autorun'>>
  /** Redis connection errors while it is away (the worker reconnects by itself). */
  onError?: (error: Error) => void
  /** Each finished item. */
  onResult?: (result: ItemResult) => void
}

/** A running worker. */
export interface ImageWorker {
  /** Resolves once connected to Redis and taking items. */
  ready(): Promise<void>
  /** Stops taking items and waits for the ones in hand; `force` leaves them to other workers (their handles are stored). */
  close(force?: boolean): Promise<void>
  /** The BullMQ worker underneath. */
  readonly bullmq: Worker<QueueJobData, ItemResult>
}

const WORKER_ID = `${hostname()}:${process.pid}`

/**
 * A worker that takes items from the queue and generates them with `client`.
 * Every paid request goes through Redis first: a permit under the shared
 * rates (and any pause another worker set after a 429), a ledger entry before
 * it is sent, the job handle the moment the submit is answered. An item a dead
 * worker left behind (BullMQ's stalled-job recovery) is resumed from its
 * handles, never submitted again.
 */
export function createImageWorker(options: ImageWorkerOptions): ImageWorker {
  const name = options.name ?? DEFAULT_QUEUE_NAME
  const keys = queueKeys(name)
  const redis = openRedis(options.connection, options.onError)
  const ttlMs = options.resultTtlMs ?? DEFAULT_RESULT_TTL_MS
  const ledger = new ItemLedger(redis, keys, ttlMs)
  const rate = new SharedRate(redis, keys, options.rates ?? {})
  const store = options.store ?? new RedisResultStore(redis, keys, ttlMs)
  gateClient(options.client)
  const settings = { ...options, ledger, rate, store, lockPrefix: `${options.bullmq?.prefix ?? 'bull'}:${name}` }
  const worker = new Worker<QueueJobData, ItemResult>(
    name,
    (job, token, signal) => processItem(settings, job, token, signal),
    {
      maxStalledCount: 5,
      ...options.bullmq,
      connection: openRedis(options.connection, options.onError),
      concurrency: options.concurrency ?? 4,
      autorun: true,
    },
  )
  worker.on('error', (error) => options.onError?.(error))
  if (options.onResult) worker.on('completed', (_job, result) => options.onResult!(result))
  return {
    bullmq: worker,
    ready: async () => {
      await Promise.all([worker.waitUntilReady(), redis.ping()])
    },
    async close(force = false) {
      await worker.close(force)
      await closeRedis(redis, options.connection)
    },
  }
}

type WorkerSettings = ImageWorkerOptions & {
  ledger: ItemLedger
  rate: SharedRate
  store: ResultStore
  /** `<prefix>:<queue>`: BullMQ's job keys, whose `:lock` holds the token of the worker that owns the job. */
  lockPrefix: string
}

async function processItem(
  settings: WorkerSettings,
  job: Job<QueueJobData>,
  token: string | undefined,
  signal?: AbortSignal,
): Promise<ItemResult> {
  const { id } = job.data
  const base = { id, model: job.data.request.model, images: [], worker: WORKER_ID }
  try {
    const request = ImageGenerationRequest.fromJSON(job.data.request)
    const state = await settledLedger(settings, id, signal)
    if (state.submitting > 0) return inDoubtFailure(base, state.handles)
    const inDoubt = state.syncRequests > 0
    if (inDoubt) await settings.ledger.clearSyncRequests(id)
    const scope = {
      itemId: id,
      rate: settings.rate,
      ledger: settings.ledger,
      maxRateLimitRetries: settings.maxRateLimitRetries ?? 4,
      lock: token ? { key: `${settings.lockPrefix}:${job.id}:lock`, token } : undefined,
    }
    const responses = await runGated(scope, () => generateOrResume(settings, request, state.handles, signal))
    const images = await storeImages(settings.store, id, responses, signal)
    const warnings = [...new Set(responses.flatMap((response) => response.warnings))]
    if (inDoubt)
      warnings.push(
        'A worker died inside the synchronous request for this item; it was sent again, so the provider may have charged twice',
      )
    return {
      ...base,
      status: 'done',
      provider: responses[0]?.provider,
      images,
      ...(warnings.length > 0 ? { warnings } : {}),
      ...(inDoubt ? { inDoubt } : {}),
    }
  } catch (error) {
    if (isAbortError(error)) throw error
    return failure(base, error)
  }
}

/**
 * The ledger, once no submit is in flight. A raised counter is either a live
 * worker's submit (its lock lapsed while Redis was away: the handle comes
 * within moments) or a dead worker's: wait a little before calling it in doubt.
 */
async function settledLedger(settings: WorkerSettings, id: string, signal?: AbortSignal): Promise<ItemLedgerState> {
  const deadline = Date.now() + (settings.inDoubtGraceMs ?? 5_000)
  for (;;) {
    const state = await settings.ledger.read(id)
    if (state.submitting === 0 || Date.now() >= deadline) return state
    await new Promise((resolve) => setTimeout(resolve, 100))
    signal?.throwIfAborted()
  }
}

/** Resumes every recorded job (no second submit) and generates only the images no job covers. */
async function generateOrResume(
  settings: WorkerSettings,
  request: ImageGenerationRequest,
  handles: readonly ImageJob[],
  signal?: AbortSignal,
): Promise<ImageGenerationResponse[]> {
  const options = { signal, timeoutMs: settings.timeoutMs }
  if (handles.length === 0) return [await settings.client.generateImage(request, options)]
  const responses = await Promise.all(handles.map((job) => settings.client.resumeImage(job, options)))
  const missing = request.n - handles.reduce((sum, job) => sum + job.call.n, 0)
  if (missing > 0) responses.push(await settings.client.generateImage(request.with_n(missing), options))
  return responses
}

async function storeImages(
  store: ResultStore,
  id: string,
  responses: readonly ImageGenerationResponse[],
  signal?: AbortSignal,
): Promise<StoredImage[]> {
  const images: GeneratedImage[] = responses.flatMap((response) => response.images)
  return Promise.all(
    images.map(async (image, index) => {
      const raw = await image.bytes({ signal })
      // Core types bytes as Uint8Array (Buffers on Node): the same memory as a Buffer.
      const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)
      const key = await store.save(id, index, bytes, extensionFor(image.media_type ?? 'image/png'))
      const {
        url: _url,
        b64_json: _b64,
        ...metadata
      } = image.toJSON() as Omit<StoredImage, 'key' | 'bytes'> & {
        url?: string
        b64_json?: string
      }
      return { key, bytes: bytes.length, ...metadata }
    }),
  )
}

function inDoubtFailure(base: Omit<ItemResult, 'status'>, handles: ImageJob[]): ItemResult {
  return {
    ...base,
    status: 'failed',
    ...(handles.length > 0 ? { jobs: handles } : {}),
    error: {
      code: 'in_doubt',
      message:
        'A worker died while this paid submit was in flight and its job handle was never recorded; it is not submitted again (the provider may have the job). Check the provider and enqueue the item under a new id to generate it anyway',
    },
  }
}

function failure(base: Omit<ItemResult, 'status'>, error: unknown): ItemResult {
  const job = LLMKitError.isInstance(error) ? (error.job as ImageJob | undefined) : undefined
  return {
    ...base,
    status: 'failed',
    ...(LLMKitError.isInstance(error) && error.provider ? { provider: error.provider } : {}),
    ...(job ? { jobs: [job] } : {}),
    error: {
      code: LLMKitError.isInstance(error) ? error.code : 'worker_failed',
      message: error instanceof Error ? error.message : String(error),
    },
  }
}
