import { randomUUID } from 'node:crypto'
import type { Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { createAdaptorServer } from '@hono/node-server'
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import { LLMKitError, type LLMKitClient } from '@llmkit/core'
import type { Redis } from 'ioredis'
import { DiskFileStore, type FileStore } from './file-store'
import type { GatewayEnv, GatewayServices } from './gateway-context'
import { registerImageRoutes } from './image-routes'
import { JobRunner } from './job-runner'
import { FileJobStore, type JobStore } from './job-store'
import { KeyLimiter } from './key-limiter'
import { KeyRing, isModelAllowed, type GatewayKey } from './keys'
import { GatewayMetrics } from './metrics'
import { GatewayError, invalidBody, toErrorAnswer } from './openai-error'
import { RedisRpm } from './redis-rpm'
import { connectRedis, RedisFileStore, RedisJobStore } from './redis-stores'
import { jsonLinesToStdout, type GatewayLogger } from './request-log'
import { errorResponses, idParamSchema, modelListSchema } from './schemas'

/** Settings for {@link createGateway}. */
export interface GatewayOptions {
  /** The llmkit client whose providers the gateway serves (provider keys stay in its environment). */
  client: LLMKitClient
  /** Gateway keys. None: no auth, and the gateway listens on loopback only. */
  keys?: readonly GatewayKey[]
  /** Where jobs and served files are kept. Default `$LLMKIT_DATA_DIR`, else `~/.local/share/llmkit/gateway`. */
  dataDir?: string
  /** Redis for jobs, files and keys' requests per minute, shared by several gateways. Default `$LLMKIT_REDIS_URL`; unset: the data folder (and limits per gateway). */
  redisUrl?: string
  /** Origin of file URLs in answers (behind a proxy). Default: the request's own origin. */
  publicURL?: string
  /** Largest request body. Default 1 MiB. */
  maxBodyBytes?: number
  /** Longest prompt. Default 32 000 characters. */
  maxPromptLength?: number
  /** How long `/v1/files/{id}` URLs work. Default 1 hour. */
  fileTtlMs?: number
  /** Deadline of one job. Default 15 minutes. */
  jobTimeoutMs?: number
  /** Deadline of one synchronous generation. Default: the client's. */
  requestTimeoutMs?: number
  /** One entry per request. Default: JSON lines on stdout. */
  log?: GatewayLogger
  /** Environment read for the defaults above. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>
  /** How long a gateway holds a job before another may take it over (shared Redis). Default 30 s. */
  leaseMs?: number
}

/** Where a started gateway listens. */
export interface GatewayAddress {
  host: string
  port: number
  /** `http://<host>:<port>` */
  url: string
}

/** A gateway: a hono app plus what to start and stop it. */
export interface Gateway {
  readonly app: OpenAPIHono<GatewayEnv>
  /** The app as a fetch handler (tests, other servers). */
  fetch(request: Request): Promise<Response>
  /** Whether gateway keys are required. */
  readonly isAuthEnabled: boolean
  /** Listens on `host` (default 127.0.0.1) and `port` (default 8080; 0 picks a free one); resumes unfinished jobs. Refuses a non-loopback host without keys. */
  listen(options?: { host?: string; port?: number }): Promise<GatewayAddress>
  /** Resumes unfinished jobs from the store (done by `listen`); resolves to how many. */
  resumeJobs(): Promise<number>
  /**
   * Stops: refuses new requests, lets those in flight finish for `graceMs`
   * (default 10 s), then stops waiting on jobs without cancelling them
   * upstream (the next start resumes them). Does not close the client.
   */
  close(options?: { graceMs?: number }): Promise<void>
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i

/** True for loopback addresses, the only ones a gateway without keys binds. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host.replace(/^\[|\]$/g, ''))
}

/** The default data folder. */
export function defaultDataDir(env: Readonly<Record<string, string | undefined>>): string {
  if (env.LLMKIT_DATA_DIR) return env.LLMKIT_DATA_DIR
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'llmkit', 'gateway')
}

const REQUEST_ID = /^[\w.:-]{1,128}$/

/**
 * Makes the gateway: every provider of `client` behind OpenAI's images API,
 * plus jobs, keys, limits, metrics and the OpenAPI document.
 *
 * ```ts
 * const gateway = createGateway({ client: LLMKitClient.fromEnv(), keys })
 * const { url } = await gateway.listen({ port: 8080 })
 * ```
 */
export function createGateway(options: GatewayOptions): Gateway {
  const env = options.env ?? process.env
  const log = options.log ?? jsonLinesToStdout
  const metrics = new GatewayMetrics()
  const ring = new KeyRing(options.keys ?? [])
  const isAuthEnabled = ring.size > 0
  const redisUrl = options.redisUrl ?? env.LLMKIT_REDIS_URL
  const dataDir = options.dataDir ?? defaultDataDir(env)
  const redis: Redis | undefined = redisUrl ? connectRedis(redisUrl) : undefined
  const store: JobStore = redis ? new RedisJobStore(redis) : new FileJobStore(dataDir)
  const files: FileStore = redis ? new RedisFileStore(redis) : new DiskFileStore(dataDir)
  const fileTtlMs = options.fileTtlMs ?? 3_600_000
  const leaseMs = options.leaseMs ?? 30_000
  const jobs = new JobRunner({
    client: options.client,
    store,
    files,
    metrics,
    log,
    fileTtlMs,
    jobTimeoutMs: options.jobTimeoutMs ?? 15 * 60_000,
    instanceId: randomUUID(),
    leaseMs,
  })
  let inFlight = 0
  let drained: (() => void) | undefined
  let isClosing = false
  const closing = new AbortController()
  const services: GatewayServices = {
    client: options.client,
    files,
    jobs,
    store,
    limiter: new KeyLimiter(Date.now, redis ? new RedisRpm(redis) : undefined),
    metrics,
    log,
    isAuthEnabled,
    publicURL: options.publicURL?.replace(/\/+$/, ''),
    maxPromptLength: options.maxPromptLength ?? 32_000,
    fileTtlMs,
    requestTimeoutMs: options.requestTimeoutMs,
    track(work) {
      inFlight += 1
      return work.finally(() => {
        inFlight -= 1
        if (inFlight === 0) drained?.()
      })
    },
    get isClosing() {
      return isClosing
    },
    closingSignal: closing.signal,
  }

  const app = new OpenAPIHono<GatewayEnv>({
    defaultHook: (result) => {
      if (!result.success) throw invalidBody(result.error.issues)
    },
  })

  app.use('*', async (c, next) => {
    const started = performance.now()
    const incoming = c.req.header('x-request-id')
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : `req_${randomUUID().replaceAll('-', '')}`
    c.set('requestId', requestId)
    c.set('route', 'unmatched')
    c.set('provider', '')
    c.set('model', '')
    if (isClosing && c.req.path !== '/healthz' && c.req.path !== '/metrics') {
      c.header('connection', 'close')
      throw new GatewayError(
        503,
        'server_error',
        'shutting_down',
        'The gateway is shutting down; retry on another instance',
      )
    }
    setRequestIdHeader(c, requestId)
    await services.track(next())
    const route = c.get('route')
    const provider = c.get('provider')
    const model = c.get('model')
    const status = c.res.status
    const seconds = (performance.now() - started) / 1000
    metrics.requests.inc({ route, method: c.req.method, status: String(status), provider, model })
    metrics.latency.observe({ route, provider, model }, seconds)
    const errorCode = c.get('errorCode')
    log({
      time: new Date().toISOString(),
      level: status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info',
      msg: 'request',
      request_id: requestId,
      method: c.req.method,
      route,
      status,
      duration_ms: Math.round(seconds * 100_000) / 100,
      key: c.get('key')?.name,
      provider: provider || undefined,
      model: model || undefined,
      error_code: errorCode,
    })
  })

  app.onError((error, c) => answerError(c, error, metrics))

  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024
  const tooLarge = () => {
    throw new GatewayError(
      413,
      'invalid_request_error',
      'request_too_large',
      `The request body is larger than ${maxBodyBytes} bytes`,
    )
  }
  const streamedBodyLimit = bodyLimit({ maxSize: maxBodyBytes, onError: tooLarge })
  // Auth, then the body size limit, in one middleware (each one more is a promise per request).
  app.use('/v1/*', async (c, next) => {
    if (c.req.path.startsWith('/v1/files/')) return next()
    if (isAuthEnabled) {
      const header = c.req.header('authorization')
      const key = ring.authenticate(header)
      if (!key) {
        throw new GatewayError(
          401,
          'invalid_request_error',
          'invalid_api_key',
          header ? 'Incorrect gateway key provided' : 'Missing gateway key: send Authorization: Bearer <key>',
        )
      }
      c.set('key', key)
    }
    const method = c.req.method
    if (method === 'GET' || method === 'HEAD') return next()
    // Node's parser holds a body to its Content-Length, so the header is enough; hono's bodyLimit
    // (which turns the request into a web stream) only for chunked bodies.
    const length = c.req.header('content-length')
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number(length) > maxBodyBytes ? tooLarge() : next()
    }
    return streamedBodyLimit(c, next)
  })

  registerImageRoutes(app, services)
  registerOtherRoutes(app, services)
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'llmkit gateway',
      version: '0.1.0',
      description: "Every llmkit image provider behind OpenAI's images API, plus jobs (llmkit extension).",
    },
    security: isAuthEnabled ? [{ bearer: [] }] : [],
  })
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' })
  app.notFound((c) =>
    answerError(
      c,
      new GatewayError(404, 'invalid_request_error', 'not_found', `No route ${c.req.method} ${c.req.path}`),
      metrics,
    ),
  )

  let server: Server | undefined
  let sweeper: NodeJS.Timeout | undefined
  let closed: Promise<void> | undefined

  const gateway: Gateway = {
    app,
    isAuthEnabled,
    fetch: (request) => Promise.resolve(app.fetch(request)),
    resumeJobs: () => jobs.resumeUnfinished(),
    async listen({ host = '127.0.0.1', port = 8080 } = {}) {
      if (!isAuthEnabled && !isLoopback(host)) {
        throw new LLMKitError({
          code: 'invalid_request',
          message: `Refusing to listen on ${host} without gateway keys: anyone who reaches it could spend your provider credits. Set LLMKIT_GATEWAY_KEYS or pass --keys keys.json, or listen on 127.0.0.1`,
        })
      }
      server = createAdaptorServer({ fetch: app.fetch }) as Server
      server.keepAliveTimeout = 65_000
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject)
        server!.listen(port, host, () => {
          server!.off('error', reject)
          resolve()
        })
      })
      const address = server.address() as AddressInfo
      await jobs.resumeUnfinished()
      // With a shared store, pick up the jobs of gateways that died (their leases run out).
      if (redis) sweeper = setInterval(() => void jobs.resumeUnfinished().catch(() => undefined), leaseMs).unref()
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
      return { host: address.address, port: address.port, url: `http://${shownHost}:${address.port}` }
    },
    close({ graceMs = 10_000 } = {}) {
      closed ??= (async () => {
        isClosing = true
        closing.abort()
        clearInterval(sweeper)
        const stopped = server ? new Promise<void>((resolve) => server!.close(() => resolve())) : Promise.resolve()
        server?.closeIdleConnections()
        if (inFlight > 0) {
          await new Promise<void>((resolve) => {
            drained = resolve
            setTimeout(resolve, graceMs).unref()
          })
        }
        await jobs.close()
        // Answers just handed to the socket still have to be written: give them a moment before cutting connections.
        await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 1_000).unref())])
        server?.closeAllConnections()
        await stopped
        log.flush?.()
        await Promise.all([store.close(), files.close()])
        await redis?.quit().catch(() => undefined)
      })()
      return closed
    },
  }
  return gateway
}

/**
 * On Node's server, on the Node response (written with the answer's own
 * headers), so the answer's headers stay a plain object: a web `Headers` costs
 * several µs to fill and convert. Elsewhere, on the answer, set before the
 * handler answers (set on a finished answer, hono rebuilds it as a stream).
 */
function setRequestIdHeader(c: Context<GatewayEnv>, requestId: string): void {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing
  if (outgoing) outgoing.setHeader('x-request-id', requestId)
  else c.header('x-request-id', requestId)
}

function answerError(c: Context<GatewayEnv>, error: unknown, metrics: GatewayMetrics): Response {
  if (error instanceof HTTPException) {
    const status = error.status
    error = new GatewayError(
      status,
      'invalid_request_error',
      status === 400 ? 'invalid_json' : 'invalid_request',
      status === 400 ? 'The body is not valid JSON' : error.message,
    )
  }
  const answer = toErrorAnswer(error)
  c.set('errorCode', answer.body.error.code ?? undefined)
  if (LLMKitError.isInstance(error) && error.provider) {
    metrics.upstreamErrors.inc({
      provider: error.provider,
      model: c.get('model') || error.model || '',
      code: error.code,
    })
  }
  if (answer.status === 500) {
    // The only place a stack may go: the log, never the answer.
    console.error(`[llmkit gateway] ${c.get('requestId')}:`, error)
  }
  const headers: Record<string, string> = { 'x-request-id': c.get('requestId') ?? '' }
  if (answer.retryAfterSeconds !== undefined) headers['retry-after'] = String(answer.retryAfterSeconds)
  return c.json(answer.body, answer.status as 400, headers)
}

function registerOtherRoutes(app: OpenAPIHono<GatewayEnv>, services: GatewayServices): void {
  const modelsRoute = createRoute({
    method: 'get',
    path: '/v1/models',
    summary: 'The models of the configured providers (OpenAI list format)',
    responses: {
      200: { description: 'Models', content: { 'application/json': { schema: modelListSchema } } },
      ...errorResponses,
    },
  })
  app.openapi(modelsRoute, (c) => {
    c.set('route', '/v1/models')
    const key = c.get('key')
    const data = services.client
      .listModels()
      .filter((model) => isModelAllowed(key, model.qualifiedId, model.provider, model.id))
      .map((model) => ({
        id: routingId(services, model),
        object: 'model' as const,
        created: 0,
        owned_by: model.provider,
      }))
    return c.json({ object: 'list' as const, data }, 200)
  })

  const fileRoute = createRoute({
    method: 'get',
    path: '/v1/files/{id}',
    summary: 'Image bytes behind an unguessable, expiring URL (no key needed: the URL is the capability)',
    request: { params: idParamSchema },
    responses: {
      200: { description: 'The image', content: { 'image/png': { schema: z.string().openapi({ format: 'binary' }) } } },
      404: errorResponses[404],
    },
  })
  app.openapi(fileRoute, (async (c: Context<GatewayEnv>) => {
    c.set('route', '/v1/files/{id}')
    const file = await services.files.get(c.req.param('id')!)
    if (!file)
      throw new GatewayError(404, 'invalid_request_error', 'file_not_found', 'No such file (it may have expired)', 'id')
    return c.body(new Uint8Array(file.bytes), 200, {
      'content-type': file.mediaType,
      'cache-control': 'private, max-age=3600',
      'x-content-type-options': 'nosniff',
    })
  }) as never)

  app.get('/healthz', (c) => {
    c.set('route', '/healthz')
    return services.isClosing ? c.json({ status: 'shutting_down' }, 503) : c.json({ status: 'ok' }, 200)
  })
  app.get('/metrics', async (c) => {
    c.set('route', '/metrics')
    return c.text(await services.metrics.text(), 200, { 'content-type': services.metrics.registry.contentType })
  })
}

/** The id that routes to this model: the bare id where it does, else `provider:id`. */
function routingId(services: GatewayServices, model: { id: string; provider: string; qualifiedId: string }): string {
  try {
    const resolved = services.client.resolveModel(model.id)
    if (resolved.provider.id === model.provider && resolved.model.id === model.id) return model.id
  } catch {
    // Reachable only with the prefix.
  }
  return model.qualifiedId
}
