import { randomBytes } from 'node:crypto'
import { http, HttpResponse } from 'msw'
import { defineEmulatedProvider, type EmulatorContext } from '../../server/emulated-provider'
import { memoOnce } from '../../server/job-memo'
import type { EmulatedJob, JobView } from '../../server/job-store'
import { renderCached } from './render-cache'
import {
  lenientModel,
  OUTPUT_SHAPE_MODELS,
  progressLogs,
  REPLICATE_MODELS,
  REPLICATE_VERSIONS,
  type EmulatedReplicateModel,
  type InvalidField,
} from './replicate-models'

/** What a prediction remembers from its create request. */
interface PredictionInput {
  readonly model: string
  readonly version: string
  readonly input: Record<string, unknown>
  readonly seed: number
  /** The error text of a prediction that fails. */
  readonly error?: string
  /** Succeeds without any output (the `empty_result` fault). */
  readonly isEmpty?: boolean
  /** Epoch ms of the `Cancel-After` deadline, if the create request set one. */
  readonly cancelAt?: number
}

type Prediction = EmulatedJob<PredictionInput>

/** Longest `Prefer: wait=N` honoured (the documented default and presumed maximum). */
const MAX_WAIT_SECONDS = 60
const NSFW_ERROR = 'NSFW content detected. Try running it again, or try a different prompt.'

/** RFC 7807 problem details, as Replicate answers errors. */
export function problem(status: number, title: string, detail: string, extra: Record<string, unknown> = {}): Response {
  return HttpResponse.json(
    { type: `https://replicate.com/docs/reference/http#${status}`, title, status, detail, ...extra },
    { status, headers: { 'content-type': 'application/problem+json' } },
  )
}

function authenticate(request: Request, context: EmulatorContext, endpoint: string): Response | undefined {
  const match = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')
  if (!match || !context.isValidKey(match[1]) || context.take('unauthorized', endpoint)) {
    return problem(401, 'Unauthenticated', 'You did not pass a valid authentication token')
  }
  return undefined
}

const predictionId = () => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'
  return [...randomBytes(26)].map((byte) => alphabet[byte % alphabet.length]).join('')
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString())
const STATUS_BY_PHASE: Readonly<Record<JobView['phase'], string>> = {
  queued: 'starting',
  running: 'processing',
  succeeded: 'succeeded',
  failed: 'failed',
  canceled: 'canceled',
}

function modelOf(job: Prediction): EmulatedReplicateModel {
  return REPLICATE_MODELS[job.input.model] ?? OUTPUT_SHAPE_MODELS[job.input.model] ?? lenientModel(job.input.model)
}

/** Renders the output once and keeps it, in the model's output shape. */
async function outputOf(job: Prediction, context: EmulatorContext): Promise<unknown> {
  const model = modelOf(job)
  if (job.input.isEmpty) return model.output === 'list' ? [] : null
  const { width, height } = model.size(job.input.input)
  const prompt = String(job.input.input.prompt)
  const bytesOf = (index: number) => renderCached(context, prompt, width, height, job.input.seed + index)
  const count = model.count(job.input.input)
  if (count === 0) return `No image for "${prompt}": this model answers in text.`
  if (model.output === 'data-uri')
    return memoOnce(job.memo, 'output', () =>
      Promise.all(
        Array.from(
          { length: count },
          async (_, index) => `data:image/png;base64,${(await bytesOf(index)).toString('base64')}`,
        ),
      ),
    )
  const urls = await memoOnce(job.memo, 'output', () =>
    Promise.all(
      Array.from({ length: count }, async (_, index) => context.files.put('replicate', await bytesOf(index))),
    ),
  )
  if (model.output === 'object') return { images: urls.map((url) => ({ url })), seed: job.input.seed }
  return model.output === 'list' ? urls : (urls[0] ?? null)
}

/** Renders once the job starts running, so the status that reports success is not held up by drawing. */
function prerender(job: Prediction, context: EmulatorContext): void {
  const timer = setTimeout(() => {
    if (context.signal.aborted || job.canceledAt !== undefined) return
    // A failure is forgotten: the status request renders again and reports it there.
    outputOf(job, context).catch(() => undefined)
  }, job.queueMs)
  timer.unref()
}

/**
 * Parses a `Cancel-After` duration as Replicate's changelog shows it (`1m`,
 * `15s`; Go-style units `ms`, `s`, `m`, `h`, combinable as `1m30s`; a bare
 * number is seconds) into milliseconds, or undefined when malformed.
 */
export function parseCancelAfter(header: string): number | undefined {
  const text = header.trim()
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text) * 1000
  if (!/^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/.test(text)) return undefined
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }
  let total = 0
  for (const [, amount, name] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(amount) * unit[name!]!
  return total
}

/** Predictions their `Cancel-After` deadline cancelled (not a cancel request). */
const expired = new WeakSet<Prediction>()

/** Applies a passed `Cancel-After` deadline: the prediction is cancelled at that moment, as Replicate does. */
function expire(job: Prediction, context: EmulatorContext): void {
  const { cancelAt } = job.input
  if (cancelAt === undefined || context.clock.now() < cancelAt || !context.jobs.cancel(job.id)) return
  job.canceledAt = Math.min(job.canceledAt ?? cancelAt, cancelAt)
  expired.add(job)
}

/** The prediction object as `GET /v1/predictions/{id}` returns it, at the clock's current time. */
export async function predictionBody(
  job: Prediction,
  context: EmulatorContext,
  view: JobView = (expire(job, context), context.jobs.view(job)),
): Promise<Record<string, unknown>> {
  const base = `${context.mountURL}/v1/predictions/${job.id}`
  const startedAt =
    view.phase === 'queued' || (view.phase === 'canceled' && job.canceledAt! < job.createdAt + job.queueMs)
      ? undefined
      : job.createdAt + job.queueMs
  const steps = modelOf(job).steps(job.input.input)
  const logs =
    startedAt === undefined
      ? ''
      : progressLogs(
          job.input.seed,
          steps,
          view.phase === 'failed'
            ? 0.5
            : view.phase === 'canceled'
              ? (job.canceledAt! - startedAt) / job.runMs
              : view.progress,
        )
  const body: Record<string, unknown> = {
    id: job.id,
    model: job.input.model,
    version: job.input.version,
    input: job.input.input,
    logs,
    output: view.phase === 'succeeded' ? await outputOf(job, context) : null,
    data_removed: false,
    error: view.phase === 'failed' ? (job.input.error ?? 'Prediction failed') : null,
    // A deadline reached before the prediction started is `aborted` (not charged), after it `canceled`.
    status:
      view.phase === 'canceled' && startedAt === undefined && expired.has(job)
        ? 'aborted'
        : STATUS_BY_PHASE[view.phase],
    source: 'api',
    created_at: iso(job.createdAt),
    urls: { cancel: `${base}/cancel`, get: base, web: `https://replicate.com/p/${job.id}` },
  }
  // Replicate's OpenAPI document types both as date-time strings, absent until they happen (its examples;
  // the SDK's `started_at?: string`), never null.
  if (startedAt !== undefined) body.started_at = iso(startedAt)
  if (view.finishedAt !== undefined) body.completed_at = iso(view.finishedAt)
  if (view.phase === 'succeeded')
    body.metrics = { predict_time: job.runMs / 1000, total_time: (job.queueMs + job.runMs) / 1000 }
  return body
}

const isTerminal = (view: JobView) => view.phase === 'succeeded' || view.phase === 'failed' || view.phase === 'canceled'

/** Parses `Prefer: wait` / `wait=N` into seconds, or undefined when the client does not want to wait. */
export function preferWaitSeconds(header: string | null): number | undefined {
  const match = /(?:^|[,;\s])wait(?:=(\d+))?(?:$|[,;\s])/.exec(header ?? '')
  if (!match) return undefined
  return Math.min(MAX_WAIT_SECONDS, Math.max(1, match[1] ? Number(match[1]) : MAX_WAIT_SECONDS))
}

/**
 * Holds the create response until the prediction is done or `seconds` pass
 * (on the emulator clock, and never longer in real time), or the emulator closes.
 */
async function holdUntilDone(job: Prediction, seconds: number, context: EmulatorContext): Promise<boolean> {
  const until = context.clock.now() + seconds * 1000
  const realUntil = Date.now() + seconds * 1000
  for (;;) {
    expire(job, context)
    const view = context.jobs.view(job)
    if (isTerminal(view)) return true
    if (context.signal.aborted || context.clock.now() >= until || Date.now() >= realUntil) return false
    // On a real clock, wake exactly when the job should finish; re-check often enough to see a cancel.
    const finishesAt = job.outcome === 'never' ? Infinity : job.createdAt + job.queueMs + job.runMs
    const step = context.clock.isManual
      ? 10
      : Math.max(1, Math.min(100, finishesAt - context.clock.now(), until - context.clock.now()))
    await new Promise<void>((resolve) => {
      const stop = () => {
        clearTimeout(timer)
        resolve()
      }
      const timer = setTimeout(() => {
        context.signal.removeEventListener('abort', stop)
        resolve()
      }, step)
      context.signal.addEventListener('abort', stop, { once: true })
    })
  }
}

async function readJson(request: Request): Promise<Record<string, unknown> | Response> {
  try {
    const body = (await request.json()) as unknown
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>
  } catch {
    // Falls through to the same answer as a non-object body.
  }
  return problem(400, 'Invalid request body', 'The request body must be a JSON object')
}

const invalid = (field: InvalidField) =>
  problem(422, 'Input validation failed', `- ${field.field}: ${field.description}`, { invalid_fields: [field] })

/** `POST /v1/predictions` and `POST /v1/models/{owner}/{name}/predictions`. */
async function create(request: Request, context: EmulatorContext, target: { model?: string }): Promise<Response> {
  const denied = authenticate(request, context, 'submit')
  if (denied) return denied
  const body = await readJson(request)
  if (body instanceof Response) return body
  let modelName = target.model
  let version = 'hidden'
  if (!modelName) {
    const ref = typeof body.version === 'string' ? body.version : ''
    const match = /^(?:([\w.-]+\/[\w.-]+):)?([0-9a-f]{64})$/.exec(ref)
    if (!match)
      return invalid({
        type: 'required',
        field: 'version',
        description: ref ? 'Invalid version or not permitted' : 'version is required',
      })
    version = match[2]!
    modelName = match[1] ?? REPLICATE_VERSIONS[version] ?? 'unknown/model'
  }
  if (typeof body.input !== 'object' || body.input === null || Array.isArray(body.input))
    return invalid({ type: 'required', field: 'input', description: 'input is required' })
  const input = body.input as Record<string, unknown>
  const model = REPLICATE_MODELS[modelName] ?? OUTPUT_SHAPE_MODELS[modelName] ?? lenientModel(modelName)
  const problemField = model.validate(input)
  if (problemField) return invalid(problemField)
  if (context.take('quota_exceeded', 'submit')) {
    return problem(
      402,
      'Insufficient credit',
      'You have insufficient credit to run this model. Go to https://replicate.com/account/billing#billing to purchase credit. Once you purchase credit, please wait a few minutes before trying again.',
    )
  }
  const cancelAfterHeader = request.headers.get('cancel-after')
  const cancelAfterMs = cancelAfterHeader === null ? undefined : parseCancelAfter(cancelAfterHeader)
  if (cancelAfterHeader !== null && (cancelAfterMs === undefined || cancelAfterMs <= 0))
    return problem(400, 'Invalid Cancel-After header', `Cancel-After must be a duration such as 30s or 1m`)
  const isNsfw = Boolean(context.take('content_policy', 'submit'))
  const fails = isNsfw || Boolean(context.take('job_fails', 'submit'))
  const outcome = fails ? 'fail' : context.take('job_never_finishes', 'submit') ? 'never' : 'succeed'
  const seed = typeof input.seed === 'number' ? input.seed : Math.floor(Math.random() * 65_536)
  const job: Prediction = context.jobs.create(
    'replicate',
    {
      model: modelName,
      version,
      input,
      seed,
      error: isNsfw ? NSFW_ERROR : fails ? 'Prediction failed: CUDA error: out of memory' : undefined,
      isEmpty: Boolean(context.take('empty_result', 'submit')),
      cancelAt: cancelAfterMs === undefined ? undefined : context.clock.now() + cancelAfterMs,
    },
    outcome,
    {},
    predictionId(),
  )
  if (outcome === 'succeed' && !context.clock.isManual) prerender(job, context)
  const snapshot = await predictionBody(job, context)
  const wait = preferWaitSeconds(request.headers.get('prefer'))
  if (wait === undefined) return HttpResponse.json(snapshot, { status: 201 })
  const isDone = await holdUntilDone(job, wait, context)
  // A wait that runs out answers with the prediction as created (status `starting`), as the docs and the JS SDK expect.
  return HttpResponse.json(isDone ? await predictionBody(job, context) : snapshot, { status: 201 })
}

function findPrediction(
  request: Request,
  context: EmulatorContext,
  id: string,
  endpoint: string,
): Prediction | Response {
  const denied = authenticate(request, context, endpoint)
  if (denied) return denied
  const job = context.jobs.get<PredictionInput>(id)
  if (!job || job.provider !== 'replicate')
    return problem(404, 'Not found', 'The requested resource could not be found.')
  return job
}

/** Replicate's predictions API, mounted at `/replicate`; base URL `<mount>/v1` as in `https://api.replicate.com/v1`. */
export const replicateEmulator = defineEmulatedProvider({
  id: 'replicate',
  defaultKey: 'r8_emu0123456789abcdefghijklmnopqrstuvwx',
  environment: (context) => ({ REPLICATE_API_TOKEN: context.apiKey, REPLICATE_BASE_URL: `${context.mountURL}/v1` }),
  handlers: (context) => {
    const v1 = `${context.mountURL}/v1`
    return [
      http.post(`${v1}/predictions`, ({ request }) => create(request, context, {})),
      http.post(`${v1}/models/:owner/:name/predictions`, ({ request, params }) =>
        create(request, context, { model: `${String(params.owner)}/${String(params.name)}` }),
      ),
      http.get(`${v1}/predictions`, async ({ request }) => {
        const denied = authenticate(request, context, 'list')
        if (denied) return denied
        const after = new URL(request.url).searchParams.get('created_after')
        const since = after ? Date.parse(after) : -Infinity
        if (Number.isNaN(since))
          return problem(400, 'Invalid created_after', 'created_after must be an ISO 8601 date-time')
        const predictions = (context.jobs.all() as Prediction[])
          .filter((job) => job.provider === 'replicate' && job.createdAt >= since)
          .sort((a, b) => b.createdAt - a.createdAt)
        // One page of 100, newest first, as the API pages its list.
        const results = await Promise.all(predictions.slice(0, 100).map((job) => predictionBody(job, context)))
        return HttpResponse.json({ next: null, previous: null, results })
      }),
      http.get(`${v1}/predictions/:id`, async ({ request, params }) => {
        const job = findPrediction(request, context, String(params.id), 'status')
        return job instanceof Response ? job : HttpResponse.json(await predictionBody(job, context))
      }),
      http.post(`${v1}/predictions/:id/cancel`, async ({ request, params }) => {
        const job = findPrediction(request, context, String(params.id), 'cancel')
        if (job instanceof Response) return job
        context.jobs.cancel(job.id)
        return HttpResponse.json(await predictionBody(job, context))
      }),
    ]
  },
  endpointOf: (method, path) => {
    if (method === 'POST' && (path === '/v1/predictions' || /^\/v1\/models\/[^/]+\/[^/]+\/predictions$/.test(path)))
      return 'submit'
    if (method === 'POST' && /^\/v1\/predictions\/[^/]+\/cancel$/.test(path)) return 'cancel'
    if (method === 'GET' && /^\/v1\/predictions\/[^/]+$/.test(path)) return 'status'
    if (method === 'GET' && path === '/v1/predictions') return 'list'
    return 'other'
  },
  errorBody: (status, message) => ({
    title: status === 429 ? 'Too many requests' : status >= 500 ? 'Internal server error' : 'Error',
    status,
    detail: message,
  }),
})
