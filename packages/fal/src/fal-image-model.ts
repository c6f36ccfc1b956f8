import {
  errorFromResponse,
  LLMKitError,
  parseServerSentEvents,
  type HttpResponse,
  type ImageCall,
  type ImageJob,
  type JobStatus,
  type ProviderContext,
  type StartResult,
  joinUrlPath,
  parseResponse,
} from '@llmkit/core'
import type * as z from 'zod'
import {
  falLogsOf,
  falResultSchema,
  falStatusSchema,
  falSubmitResponseSchema,
  fromFalResult,
  toFalInput,
  readFalError,
  type FalLog,
  type FalStatus,
} from './fal-api'
import { falEndpointOf } from './fal-models'

/** What the caller's settings resolve to for one call. */
export interface FalQueueConfig {
  /** The queue host, `https://queue.fal.run` unless overridden. */
  baseURL: string
  headers(): Record<string, string | undefined>
  secrets(): readonly string[]
}

const NAMESPACES = new Set(['workflows', 'comfy'])
/** Status, result and cancel live under `owner/app` only, without the endpoint's path (fal.md §2.2). */
const appOf = (endpoint: string) =>
  endpoint
    .split('/')
    .slice(0, NAMESPACES.has(endpoint.split('/')[0]!) ? 3 : 2)
    .join('/')
const requestURL = (job: ImageJob, config: FalQueueConfig) =>
  joinUrlPath(
    config.baseURL,
    ...String(job.data?.app ?? appOf(falEndpointOf(job.model))).split('/'),
    'requests',
    job.id,
  )

function failure(response: HttpResponse, model: string, config: FalQueueConfig): LLMKitError {
  const { message, code } = readFalError(response.text(), response.status)
  return errorFromResponse({ provider: 'fal', model, response, message, code, secrets: config.secrets() })
}

function parse<T>(schema: z.ZodType<T>, answer: { json(): unknown }, model: string, what: string): T {
  return parseResponse(schema, answer, { provider: 'fal', model, what })
}

/** Submits the call to fal's queue; the handle keeps only the request id and the app path. */
export async function submitFalJob(
  call: ImageCall,
  context: ProviderContext,
  config: FalQueueConfig,
): Promise<StartResult> {
  const endpoint = falEndpointOf(call.model.id)
  const response = await context.http.send({
    method: 'POST',
    url: joinUrlPath(config.baseURL, ...endpoint.split('/')),
    headers: config.headers(),
    json: toFalInput(call),
    stage: 'submit',
    secrets: config.secrets(),
  })
  if (!response.ok) throw failure(response, call.model.id, config)
  const submitted = parse(falSubmitResponseSchema, response, call.model.id, 'submit answer')
  return {
    id: submitted.request_id,
    data: { app: appOf(endpoint) },
    status: { state: 'pending', phase: 'queued', position: submitted.queue_position ?? undefined },
  }
}

// FAILED and CANCELED appear in some third-party schemas [?]; fal ends every request as COMPLETED.
const isFinished = (status: FalStatus) => ['COMPLETED', 'FAILED', 'CANCELED', 'CANCELLED'].includes(status.status)

/** Progress from the newest log line that shows a percentage (diffusers' progress bar). */
function progressOf(logs: readonly FalLog[]): number | undefined {
  for (const log of [...logs].reverse()) {
    const match = /(\d{1,3}(?:\.\d+)?)\s?%/.exec(log.message ?? '')
    if (match) return Math.min(1, Number(match[1]) / 100)
  }
  return undefined
}

function pendingOf(status: FalStatus): JobStatus {
  if (status.status === 'IN_QUEUE')
    return { state: 'pending', phase: 'queued', position: status.queue_position ?? undefined }
  const logs = falLogsOf(status)
  const message = logs.at(-1)?.message?.trim().slice(0, 200) || undefined
  return { state: 'pending', phase: 'running', progress: progressOf(logs), message }
}

/** The output of a finished request: images, or the error the model returned. */
async function resultOf(job: ImageJob, context: ProviderContext, config: FalQueueConfig): Promise<JobStatus> {
  // The result of a finished request is fetched once, like a download: an error here is the run's verdict
  // (fal answers a failed run's result with its error status), not an outage to wait out.
  const response = await context.http.send({
    url: requestURL(job, config),
    headers: config.headers(),
    stage: 'download',
    secrets: config.secrets(),
  })
  if (!response.ok) return { state: 'failed', error: failure(response, job.model, config) }
  return fromFalResult(parse(falResultSchema, response, job.model, 'result'), job.model)
}

/** Asks once where the request stands (`?logs=1` for progress); fetches the result once it is COMPLETED. */
export async function falJobStatus(
  job: ImageJob,
  context: ProviderContext,
  config: FalQueueConfig,
): Promise<JobStatus> {
  const response = await context.http.send({
    url: `${requestURL(job, config)}/status?logs=1`,
    headers: config.headers(),
    stage: 'status',
    secrets: config.secrets(),
  })
  if (!response.ok) throw failure(response, job.model, config)
  const status = parse(falStatusSchema, response, job.model, 'status')
  return isFinished(status) ? resultOf(job, context, config) : pendingOf(status)
}

/**
 * Follows the queue's status stream (server-sent status objects until
 * COMPLETED), so completion is heard at once. A refused stream simply ends:
 * core's polling takes over and surfaces any real error with its retries.
 */
export async function* watchFalJob(
  job: ImageJob,
  context: ProviderContext,
  config: FalQueueConfig,
): AsyncGenerator<JobStatus> {
  const headers = { ...config.headers(), accept: 'text/event-stream' }
  const response = await context.http.stream({
    url: `${requestURL(job, config)}/status/stream?logs=1`,
    headers,
    stage: 'status',
    secrets: config.secrets(),
  })
  try {
    if (!response.ok) {
      // Read and dropped (closing an unread body raises a stray abort error): the caller falls back to polling.
      await response.readFailure()
      return
    }
    for await (const event of parseServerSentEvents(response.body)) {
      let data: unknown
      try {
        data = JSON.parse(event.data)
      } catch {
        throw new LLMKitError({
          code: 'provider_error',
          provider: 'fal',
          model: job.model,
          message: 'fal: the status stream sent an event that is not JSON',
        })
      }
      const status = parse(falStatusSchema, { json: () => data }, job.model, 'status event')
      if (!isFinished(status)) {
        yield pendingOf(status)
        continue
      }
      yield await resultOf(job, context, config)
      return
    }
  } finally {
    response.close()
  }
}

/** Asks fal to cancel the request (best effort: an already finished request stays as it is). */
export async function cancelFalJob(job: ImageJob, context: ProviderContext, config: FalQueueConfig): Promise<void> {
  await context.http.send({
    method: 'PUT',
    url: `${requestURL(job, config)}/cancel`,
    headers: config.headers(),
    stage: 'cancel',
    secrets: config.secrets(),
  })
}
