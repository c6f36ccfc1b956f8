import { randomUUID } from 'node:crypto'
import { encodePng } from '@llmkit/local'
import { http, HttpResponse } from 'msw'
import { defineEmulatedProvider, type EmulatorContext } from '../../server/emulated-provider'
import { memoOnce } from '../../server/job-memo'
import { FAL_MODEL_RULES, imageSizeOf, validateFalInput } from './fal-rules'
import { queueURLs, statusOf, statusStream, type FalJob, type FalJobInput } from './fal-status'

/** fal's queue API, mounted at `/fal` (the mount URL plays `https://queue.fal.run`). */
type Route =
  | { endpoint: 'submit'; id: string }
  | { endpoint: 'status' | 'stream' | 'result' | 'cancel'; app: string; requestId: string }
  | { endpoint: 'other' }

const NAMESPACES = new Set(['workflows', 'comfy'])

/** Splits a path below the mount into fal's routes (fal.md §2.2–2.3). */
export function routeOf(method: string, path: string): Route {
  const parts = path.split('/').filter(Boolean)
  if (method === 'POST') return parts.length >= 2 ? { endpoint: 'submit', id: parts.join('/') } : { endpoint: 'other' }
  const appLength = NAMESPACES.has(parts[0] ?? '') ? 3 : 2
  if (parts[appLength] !== 'requests' || !parts[appLength + 1]) return { endpoint: 'other' }
  const app = parts.slice(0, appLength).join('/')
  const requestId = parts[appLength + 1]!
  const rest = parts.slice(appLength + 2).join('/')
  const endpoint =
    method === 'GET' && rest === ''
      ? 'result'
      : method === 'GET' && rest === 'status'
        ? 'status'
        : method === 'GET' && rest === 'status/stream'
          ? 'stream'
          : method === 'PUT' && rest === 'cancel'
            ? 'cancel'
            : undefined
  return endpoint ? { endpoint, app, requestId } : { endpoint: 'other' }
}

const appOf = (endpointId: string) =>
  endpointId
    .split('/')
    .slice(0, NAMESPACES.has(endpointId.split('/')[0]!) ? 3 : 2)
    .join('/')

function falError(status: number, detail: unknown, headers: Record<string, string> = {}) {
  return HttpResponse.json({ detail }, { status, headers: { 'x-fal-request-id': randomUUID(), ...headers } })
}

function requestError(status: number, detail: string, errorType: string) {
  return HttpResponse.json(
    { detail, error_type: errorType },
    { status, headers: { 'x-fal-error-type': errorType, 'x-fal-request-id': randomUUID() } },
  )
}

function authenticate(request: Request, context: EmulatorContext, endpoint: string): Response | undefined {
  const match = /^Key (\S+)$/.exec(request.headers.get('authorization') ?? '')
  // [?] fal lets anonymous callers reach public models; the emulator insists on a key so a provider that forgets it fails.
  if (!match) return falError(401, "Missing credentials: send the header 'Authorization: Key <FAL_KEY>'")
  if (!context.isValidKey(match[1]) || context.take('unauthorized', endpoint))
    return falError(401, 'No user found for Key ID and Secret')
  return undefined
}

async function submit(request: Request, context: EmulatorContext, endpointId: string): Promise<Response> {
  const rules = FAL_MODEL_RULES[endpointId]
  if (!rules) return falError(404, `Application '${endpointId}' not found`)
  if (context.take('quota_exceeded', 'submit'))
    return falError(403, 'User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing.')
  let input: unknown
  try {
    input = JSON.parse(await request.text())
  } catch (error) {
    return falError(422, [
      { loc: ['body', 0], msg: `JSON decode error`, type: 'json_invalid', ctx: { error: (error as Error).message } },
    ])
  }
  const errors = validateFalInput(rules, input)
  if (errors.length > 0) return falError(422, errors)
  const body = input as Record<string, unknown>
  const count = Number(body.num_images ?? 1)
  let flagged = 0
  // Each use of a content_policy fault flags one image; fal's checker is off when the caller disables it.
  while (body.enable_safety_checker !== false && flagged < count && context.take('content_policy', 'submit')) flagged++
  const failure = context.take('job_fails', 'submit')
  const never = context.take('job_never_finishes', 'submit')
  const jobInput: FalJobInput = {
    endpoint: endpointId,
    app: appOf(endpointId),
    input: body,
    rules,
    flagged,
    empty: Boolean(context.take('empty_result', 'submit')),
    failMessage: failure ? (failure.message ?? 'CUDA error: an illegal memory access was encountered') : undefined,
  }
  const job = context.jobs.create('fal', jobInput, failure ? 'fail' : never ? 'never' : 'succeed') as FalJob
  // Draw the pictures while the job is queued, so the result is ready the moment the job completes.
  if (!failure && !never) setImmediate(() => prepare(context, job))
  const view = context.jobs.view(job)
  return HttpResponse.json(
    { status: 'IN_QUEUE', request_id: job.id, ...queueURLs(context, job), queue_position: view.position },
    { headers: { 'x-fal-request-id': job.id } },
  )
}

function findJob(context: EmulatorContext, app: string, requestId: string): FalJob | undefined {
  const job = context.jobs.get<FalJobInput>(requestId)
  return job?.provider === 'fal' && job.input.app === app ? (job as FalJob) : undefined
}

const blackImages = new Map<string, Buffer>()
function blackPng(width: number, height: number): Buffer {
  const key = `${width}x${height}`
  if (!blackImages.has(key)) blackImages.set(key, encodePng(new Uint8Array(width * height * 3), width, height))
  return blackImages.get(key)!
}

const seedOf = (id: string) => Number.parseInt(id.replaceAll('-', '').slice(0, 8), 16) % 2 ** 31

/** fal's output for a finished request; drawn once and kept, as fal keeps results. */
function outputOf(context: EmulatorContext, job: FalJob): Promise<Record<string, unknown>> {
  return memoOnce(job.memo, 'output', () => drawOutput(context, job))
}

async function drawOutput(context: EmulatorContext, job: FalJob): Promise<Record<string, unknown>> {
  const { input, rules, flagged, empty } = job.input
  const { width, height } = imageSizeOf(rules, input)
  const count = empty ? 0 : Number(input.num_images ?? 1)
  const seed = typeof input.seed === 'number' ? input.seed : seedOf(job.id)
  const prompt = String(input.prompt)
  const draw = async (index: number) => {
    const bytes = index < flagged ? blackPng(width, height) : await context.render(prompt, width, height, seed + index)
    const url =
      input.sync_mode === true
        ? `data:image/png;base64,${bytes.toString('base64')}`
        : context.files.put('fal', bytes, 'image/png')
    // The local renderer draws PNGs; fal's default output_format would be jpeg.
    return {
      url,
      width,
      height,
      content_type: 'image/png',
      file_name: `${job.id}-${index}.png`,
      file_size: bytes.length,
    }
  }
  const images = await Promise.all(Array.from({ length: count }, (_, index) => draw(index)))
  const output: Record<string, unknown> = {
    images,
    timings: { inference: job.runMs / 1000 },
    seed,
    has_nsfw_concepts: images.map((_, index) => index < flagged),
    prompt,
  }
  if (rules.echoesNumImages) output.num_images = count
  return output
}

function prepare(context: EmulatorContext, job: FalJob): void {
  // A failure is forgotten: the result request draws again and reports it to its caller.
  if (!context.signal.aborted) outputOf(context, job).catch(() => undefined)
}

async function result(context: EmulatorContext, job: FalJob): Promise<Response> {
  const view = context.jobs.view(job)
  if (view.phase === 'queued' || view.phase === 'running') return falError(400, 'Request is still in progress')
  if (view.phase === 'canceled') return requestError(499, 'The request was cancelled by the client', 'client_cancelled')
  if (view.phase === 'failed') return requestError(500, job.input.failMessage!, 'runner_server_error')
  return HttpResponse.json(await outputOf(context, job), { headers: { 'x-fal-request-id': job.id } })
}

function cancel(context: EmulatorContext, job: FalJob | undefined): Response {
  if (!job) return HttpResponse.json({ status: 'NOT_FOUND' }, { status: 404 })
  if (context.jobs.cancel(job.id)) return HttpResponse.json({ status: 'CANCELLATION_REQUESTED' }, { status: 202 })
  return HttpResponse.json({ status: 'ALREADY_COMPLETED' }, { status: 400 })
}

async function handle(request: Request, context: EmulatorContext): Promise<Response> {
  const url = new URL(request.url)
  const route = routeOf(request.method, url.pathname.slice(new URL(context.mountURL).pathname.length))
  if (route.endpoint === 'other') return falError(404, 'Not Found')
  const denied = authenticate(request, context, route.endpoint)
  if (denied) return denied
  if (route.endpoint === 'submit') return submit(request, context, route.id)
  const job = findJob(context, route.app, route.requestId)
  if (route.endpoint === 'cancel') return cancel(context, job)
  if (!job) return falError(404, `Request '${route.requestId}' not found`)
  const withLogs = url.searchParams.get('logs') === '1'
  if (route.endpoint === 'result') return result(context, job)
  if (route.endpoint === 'stream') {
    return new HttpResponse(statusStream(context, job, withLogs), {
      headers: { 'content-type': 'text/event-stream', 'x-fal-request-id': job.id },
    })
  }
  const status = statusOf(context, job, withLogs)
  return HttpResponse.json(status.body, { status: status.httpStatus, headers: { 'x-fal-request-id': job.id } })
}

const ERROR_TYPES: Readonly<Record<number, string>> = {
  500: 'internal_error',
  502: 'runner_incomplete_response',
  503: 'runner_scheduling_failure',
  504: 'request_timeout',
}

/**
 * fal.ai's queue (fal.md): submit, status (202 → 200), the status stream
 * (server-sent events), result, cancel, with `Authorization: Key …`, fal's
 * 422 `detail` lists and flat `{ detail, error_type }` request errors.
 * Endpoints for faults: `submit`, `status`, `stream`, `result`, `cancel`.
 */
export const falEmulator = defineEmulatedProvider({
  id: 'fal',
  defaultKey: 'e3f0c2a1-emu0-4fa1-8e00-000000000000:0123456789abcdef0123456789abcdef',
  environment: (context) => ({ FAL_API_KEY: context.apiKey, FAL_KEY: context.apiKey, FAL_BASE_URL: context.mountURL }),
  handlers: (context) => [http.all(`${context.mountURL}/*`, ({ request }) => handle(request, context))],
  endpointOf: (method, path) => routeOf(method, path).endpoint,
  errorBody: (status, message) =>
    ERROR_TYPES[status] ? { detail: message, error_type: ERROR_TYPES[status] } : { detail: message },
})
