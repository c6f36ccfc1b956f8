import { randomBytes } from 'node:crypto'
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { streamSSE, type SSEStreamingApi } from 'hono/streaming'
import type { ImageGenerationRequest, ImageProgressEvent, ResolvedModel } from '@llmkit/core'
import { clientSignal } from './client-signal'
import type { GatewayEnv, GatewayServices } from './gateway-context'
import { isFinished, type JobRecord } from './job-store'
import type { JobEvent } from './job-runner'
import { isModelAllowed } from './keys'
import { GatewayError, invalidBody, toErrorAnswer } from './openai-error'
import {
  errorResponses,
  generationRequestSchema,
  generationResponseSchema,
  idParamSchema,
  jobSchema,
  type GenerationRequestBody,
} from './schemas'
import { DEFAULT_MODEL, toImageRequest, wantsBase64 } from './to-image-request'
import { toOpenAIResponse, type ImageOutput } from './to-openai-response'

const jsonBody = { content: { 'application/json': { schema: generationRequestSchema } }, required: true }

const generationsRoute = createRoute({
  method: 'post',
  path: '/v1/images/generations',
  summary: 'Generate images (OpenAI format; `stream: true` for server-sent events)',
  request: { body: jsonBody },
  responses: {
    200: {
      description: 'The images',
      content: {
        'application/json': { schema: generationResponseSchema },
        'text/event-stream': { schema: generationResponseSchema.partial() },
      },
    },
    ...errorResponses,
  },
})

const createJobRoute = createRoute({
  method: 'post',
  path: '/v1/images/jobs',
  summary: 'Start a generation as a job (llmkit extension); poll it or follow its events',
  request: { body: jsonBody },
  responses: {
    202: { description: 'Accepted', content: { 'application/json': { schema: jobSchema } } },
    ...errorResponses,
  },
})

const jobRoute = (method: 'get' | 'delete', summary: string) =>
  createRoute({
    method,
    path: '/v1/images/jobs/{id}',
    summary,
    request: { params: idParamSchema },
    responses: {
      200: { description: 'The job', content: { 'application/json': { schema: jobSchema } } },
      ...errorResponses,
    },
  })

const jobEventsRoute = createRoute({
  method: 'get',
  path: '/v1/images/jobs/{id}/events',
  summary: 'Server-sent events of a job: queued, running, partial_image, image, done, error',
  request: { params: idParamSchema },
  responses: {
    200: { description: 'Event stream', content: { 'text/event-stream': { schema: jobSchema } } },
    ...errorResponses,
  },
})

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i

/**
 * The body of a generation or job request, read once and checked with one
 * synchronous parse of the route's schema (zod compiles a sync object parse;
 * the async one the generic validator runs is interpreted).
 */
async function readBody(c: Context<GatewayEnv>): Promise<GenerationRequestBody> {
  const contentType = c.req.header('content-type')
  if (!contentType || !JSON_MEDIA_TYPE.test(contentType)) {
    throw new GatewayError(
      415,
      'invalid_request_error',
      'unsupported_media_type',
      'Send the body as JSON, with Content-Type: application/json',
    )
  }
  let json: unknown
  try {
    json = await c.req.json()
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error
    throw new GatewayError(400, 'invalid_request_error', 'invalid_json', 'The body is not valid JSON')
  }
  const result = generationRequestSchema.safeParse(json)
  if (!result.success) throw invalidBody(result.error.issues)
  return result.data
}

/**
 * Mounts a route whose JSON body the handler reads with {@link readBody}: the
 * OpenAPI document still describes it from the same schema.
 */
function bodyRoute(
  app: OpenAPIHono<GatewayEnv>,
  route: typeof generationsRoute | typeof createJobRoute,
  handler: (c: Context<GatewayEnv>) => Promise<Response>,
): void {
  app.openAPIRegistry.registerPath(route)
  app.post(route.path, handler)
}

interface Prepared {
  request: ImageGenerationRequest
  resolved: ResolvedModel
  output: ImageOutput
}

/** Validates, routes and authorises one body: everything short of calling the provider. */
function prepare(c: Context<GatewayEnv>, body: GenerationRequestBody, services: GatewayServices): Prepared {
  if (body.prompt.length > services.maxPromptLength) {
    throw new GatewayError(
      400,
      'invalid_request_error',
      'prompt_too_long',
      `prompt is longer than ${services.maxPromptLength} characters`,
      'prompt',
    )
  }
  const requested = body.model ?? DEFAULT_MODEL
  const resolved = services.client.resolveModel(requested)
  c.set('provider', resolved.provider.id)
  c.set('model', resolved.model.id)
  const key = c.get('key')
  if (!isModelAllowed(key, requested, resolved.provider.id, resolved.model.id)) {
    throw new GatewayError(
      403,
      'permission_error',
      'model_not_allowed',
      `The gateway key "${key!.name}" may not use the model ${requested}`,
      'model',
    )
  }
  const request = toImageRequest(body, resolved)
  const output: ImageOutput = {
    base64: body.stream ? true : wantsBase64(body, resolved),
    files: services.files,
    publicURL: services.publicURL ?? new URL(c.req.url).origin,
    fileTtlMs: services.fileTtlMs,
  }
  return { request, resolved, output }
}

const NO_RELEASE = () => undefined

/** Takes one request from the key's limits, or throws the 429. Returns the release. */
async function acquire(c: Context<GatewayEnv>, services: GatewayServices): Promise<() => void> {
  const key = c.get('key')
  if (!key || (!key.rpm && !key.concurrency)) return NO_RELEASE
  let refusal
  try {
    refusal = await services.limiter.acquire(key)
  } catch (error) {
    console.error(
      `[llmkit gateway] ${c.get('requestId')}: the shared rate limit cannot be read: ${(error as Error).message}`,
    )
    throw new GatewayError(
      503,
      'server_error',
      'limiter_unavailable',
      'The gateway cannot check the rate limit of this key right now; retry shortly',
      null,
      1,
    )
  }
  if (refusal) {
    services.metrics.rejected.inc({ reason: refusal.reason })
    const message =
      refusal.reason === 'rpm'
        ? `Rate limit of the gateway key "${key.name}" reached (${key.rpm} requests per minute, its quota); retry in ${refusal.retryAfterSeconds} s`
        : `Rate limit of the gateway key "${key.name}" reached (${key.concurrency} requests at once); retry when one ends`
    throw new GatewayError(429, 'rate_limit_error', 'rate_limit_exceeded', message, null, refusal.retryAfterSeconds)
  }
  let isReleased = false
  return () => {
    if (!isReleased) services.limiter.release(key)
    isReleased = true
  }
}

/** The generation and job routes. */
export function registerImageRoutes(app: OpenAPIHono<GatewayEnv>, services: GatewayServices): void {
  bodyRoute(app, generationsRoute, async (c) => {
    c.set('route', '/v1/images/generations')
    const body = await readBody(c)
    // Validation and permission first: a refused request does not spend the key's rate.
    const prepared = prepare(c, body, services)
    const release = await acquire(c, services)
    let isStreaming = false
    try {
      const options = { signal: clientSignal(c), timeoutMs: services.requestTimeoutMs }
      if (body.stream) {
        isStreaming = true
        return await streamGeneration(c, body, prepared, services, options, release)
      }
      const response = await services.client.generateImage(prepared.request, options)
      return c.json(await toOpenAIResponse(response, prepared.output), 200)
    } finally {
      if (!isStreaming) release()
    }
  })

  bodyRoute(app, createJobRoute, async (c) => {
    c.set('route', '/v1/images/jobs')
    const body = await readBody(c)
    const prepared = prepare(c, body, services)
    const release = await acquire(c, services)
    try {
      if (body.stream)
        throw new GatewayError(
          400,
          'invalid_request_error',
          'invalid_request',
          'stream is not for jobs: follow GET /v1/images/jobs/{id}/events instead',
          'stream',
        )
      const { request, resolved, output } = prepared
      const now = Date.now()
      const record: JobRecord = {
        id: `job_${randomBytes(15).toString('base64url')}`,
        status: 'queued',
        created: Math.floor(now / 1000),
        updatedAt: now,
        model: body.model ?? DEFAULT_MODEL,
        key: c.get('key')?.name,
        request: request.toJSON(),
        output: { base64: output.base64, publicURL: output.publicURL },
        upstream: [],
        calls: Math.ceil(request.n / Math.max(1, resolved.model.maxImagesPerCall)),
      }
      await services.jobs.submit(record, (options) => services.client.generateImage(request, options), release)
      return c.json(jobView(record), 202)
    } catch (error) {
      release()
      throw error
    }
  })

  app.openapi(jobRoute('get', 'A job: status, progress and, when done, its result'), (async (
    c: Context<GatewayEnv>,
  ) => {
    c.set('route', '/v1/images/jobs/{id}')
    return c.json(jobView(await findJob(c, services)), 200)
  }) as never)

  app.openapi(jobRoute('delete', 'Cancel a job (upstream too)'), (async (c: Context<GatewayEnv>) => {
    c.set('route', '/v1/images/jobs/{id}')
    return c.json(jobView(await services.jobs.cancel(await findJob(c, services))), 200)
  }) as never)

  app.openapi(jobEventsRoute, (async (c: Context<GatewayEnv>) => {
    c.set('route', '/v1/images/jobs/{id}/events')
    const record = await findJob(c, services)
    return streamSSE(c, (stream) => services.track(followJob(stream, record, services, c.req.raw.signal)))
  }) as never)
}

async function findJob(c: Context<GatewayEnv>, services: GatewayServices): Promise<JobRecord> {
  const id = c.req.param('id')!
  const record = services.jobs.local(id) ?? (await services.store.get(id))
  if (!record || record.key !== c.get('key')?.name) {
    throw new GatewayError(404, 'invalid_request_error', 'job_not_found', `No job ${id}`, 'id')
  }
  return record
}

/** A job as the API shows it. */
export function jobView(record: JobRecord) {
  return {
    id: record.id,
    object: 'image.job' as const,
    status: record.status,
    created: record.created,
    model: record.model,
    progress: record.progress,
    position: record.position,
    upstream: record.upstream.map((job) => ({ provider: job.provider, id: job.id })),
    result: record.result,
    error: record.error
      ? { message: record.error.message, type: record.error.type, code: record.error.code, param: record.error.param }
      : undefined,
  }
}

const snapshotEvent = (record: JobRecord): JobEvent => {
  if (record.status === 'succeeded')
    return { type: 'done', data: { id: record.id, status: record.status, result: record.result } }
  if (record.status === 'failed' || record.status === 'cancelled') {
    const error = jobView(record).error ?? {
      message: `The job was ${record.status}`,
      type: 'invalid_request_error',
      code: record.status,
      param: null,
    }
    return { type: 'error', data: { id: record.id, status: record.status, error } }
  }
  if (record.status === 'running') return { type: 'running', data: { id: record.id, progress: record.progress } }
  return { type: 'queued', data: { id: record.id, position: record.position } }
}

const PING_MS = 15_000
const STORE_POLL_MS = 500

/** Sends a job's events until it ends: live when it runs here, from the store when another gateway runs it. */
async function followJob(
  stream: SSEStreamingApi,
  record: JobRecord,
  services: GatewayServices,
  signal: AbortSignal,
): Promise<void> {
  const send = (event: JobEvent) => stream.writeSSE({ event: event.type, data: JSON.stringify(event.data) })
  const pending: JobEvent[] = []
  let wake: (() => void) | undefined
  const current = services.jobs.local(record.id) ?? record
  await send(snapshotEvent(current))
  if (isFinished(current.status)) return
  const unsubscribe = services.jobs.subscribe(record.id, (event) => {
    pending.push(event)
    wake?.()
  })
  const onAbort = () => wake?.()
  signal.addEventListener('abort', onAbort)
  services.closingSignal.addEventListener('abort', onAbort)
  let last = JSON.stringify(snapshotEvent(current))
  try {
    while (!signal.aborted && !services.isClosing) {
      await new Promise<void>((resolve) => {
        wake = resolve
        setTimeout(resolve, unsubscribe ? PING_MS : STORE_POLL_MS)
      })
      wake = undefined
      if (unsubscribe) {
        if (pending.length === 0) await stream.write(': ping\n\n')
        for (const event of pending.splice(0)) {
          await send(event)
          if (event.type === 'done' || event.type === 'error') return
        }
        continue
      }
      const stored = await services.store.get(record.id)
      if (!stored) return
      const event = snapshotEvent(stored)
      const text = JSON.stringify(event)
      if (text !== last) await send(event)
      last = text
      if (isFinished(stored.status)) return
    }
  } finally {
    unsubscribe?.()
    signal.removeEventListener('abort', onAbort)
    services.closingSignal.removeEventListener('abort', onAbort)
  }
}

/**
 * `stream: true`: OpenAI's image event stream (`image_generation.partial_image`
 * where the model streams partials, then one `image_generation.completed` per
 * image). A failure before the first event is an ordinary HTTP error.
 */
async function streamGeneration(
  c: Context<GatewayEnv>,
  body: GenerationRequestBody,
  prepared: Prepared,
  services: GatewayServices,
  options: { signal: AbortSignal; timeoutMs?: number },
  release: () => void,
): Promise<Response> {
  const events = services.client.streamImage(prepared.request, options)[Symbol.asyncIterator]()
  let first: IteratorResult<ImageProgressEvent>
  try {
    first = await events.next()
  } catch (error) {
    release()
    throw error
  }
  const common = {
    quality: body.quality ?? 'auto',
    background: body.background ?? 'auto',
    output_format: body.output_format ?? 'png',
  }
  const work = async (stream: SSEStreamingApi) => {
    try {
      for (let result = first; !result.done; result = await events.next()) {
        const event = result.value as ImageProgressEvent
        if (event.type === 'partial_image') {
          await stream.writeSSE({
            event: 'image_generation.partial_image',
            data: JSON.stringify({
              type: 'image_generation.partial_image',
              b64_json: event.image.b64_json ?? Buffer.from(await event.image.bytes()).toString('base64'),
              partial_image_index: event.index,
              created_at: Math.floor(Date.now() / 1000),
              size: body.size ?? 'auto',
              ...common,
            }),
          })
        } else if (event.type === 'done') {
          const { response } = event
          for (const image of response.images) {
            const b64 = image.b64_json ?? Buffer.from(await image.bytes()).toString('base64')
            await stream.writeSSE({
              event: 'image_generation.completed',
              data: JSON.stringify({
                type: 'image_generation.completed',
                b64_json: b64,
                created_at: response.created,
                size: image.width && image.height ? `${image.width}x${image.height}` : (body.size ?? 'auto'),
                ...common,
                ...(response.usage ? { usage: response.usage } : {}),
              }),
            })
          }
        }
      }
    } catch (error) {
      const answer = toErrorAnswer(error)
      await stream.writeSSE({ event: 'error', data: JSON.stringify({ type: 'error', ...answer.body }) })
    } finally {
      release()
    }
  }
  return streamSSE(c, (stream) => services.track(work(stream)))
}
