import { http, HttpResponse } from 'msw'
import { defineEmulatedProvider, type EmulatorContext } from '../../server/emulated-provider'
import { memoOnce } from '../../server/job-memo'
import type { EmulatedJob, JobView } from '../../server/job-store'
import { renderCached } from '../replicate/render-cache'

/** The API version the emulator (and `@runwayml/sdk`) speaks. */
export const RUNWAY_API_VERSION = '2024-11-06'

/** Output resolutions each text-to-image model accepts (`@runwayml/sdk` text-to-image types). */
export const RUNWAY_RATIOS: Readonly<Record<string, readonly string[]>> = {
  gen4_image: [
    '1024:1024',
    '1080:1080',
    '1168:880',
    '1360:768',
    '1440:1080',
    '1080:1440',
    '1808:768',
    '1920:1080',
    '1080:1920',
    '2112:912',
    '1280:720',
    '720:1280',
    '720:720',
    '960:720',
    '720:960',
    '1680:720',
  ],
}
const GEN4_RATIOS = RUNWAY_RATIOS.gen4_image!
/** Other text-to-image models the SDK lists; their ratio sets are not documented, so any `W:H` is accepted. */
const OTHER_MODELS = [
  'gen4_image_turbo',
  'gpt_image_2',
  'gemini_image3_pro',
  'gemini_image3.1_flash',
  'seedream5_pro',
  'seedream5_lite',
  'gemini_2.5_flash',
  'muse_image',
  'grok_imagine_image_2',
  'gpt_image_2_5_flare',
  'gpt_image_2_5_sunburst',
]
const CREDITS_PER_IMAGE = 8

interface TaskInput {
  readonly model: string
  readonly promptText: string
  readonly ratio: string
  readonly seed: number
  readonly failure?: { readonly failure: string; readonly failureCode: string }
  readonly isEmpty?: boolean
}

type Task = EmulatedJob<TaskInput>

const error = (status: number, message: string, extra: Record<string, unknown> = {}) =>
  HttpResponse.json({ error: message, ...extra }, { status })

/** Bearer key first, then the version header, as the API checks them. */
function authenticate(request: Request, context: EmulatorContext, endpoint: string): Response | undefined {
  const match = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')
  if (!match || !context.isValidKey(match[1]) || context.take('unauthorized', endpoint))
    return error(401, 'Invalid API key. Check that the key is correct and has not been disabled.')
  const version = request.headers.get('x-runway-version')
  if (!version) return error(400, 'You must specify the API version in the X-Runway-Version header.')
  if (version !== RUNWAY_API_VERSION)
    return error(400, `Invalid API version "${version}". Supported versions: ${RUNWAY_API_VERSION}.`)
  return undefined
}

interface Issue {
  readonly path: (string | number)[]
  readonly message: string
}

/** What `POST /v1/text_to_image` rejects, as a list of issues. */
function validate(body: Record<string, unknown>): Issue | undefined {
  const models = [...Object.keys(RUNWAY_RATIOS), ...OTHER_MODELS]
  if (typeof body.model !== 'string' || !models.includes(body.model))
    return { path: ['model'], message: `Invalid option: expected one of ${models.map((m) => `"${m}"`).join('|')}` }
  if (typeof body.promptText !== 'string' || body.promptText.length === 0)
    return { path: ['promptText'], message: 'Too small: expected string to have >=1 characters' }
  if (body.promptText.length > 1000)
    return { path: ['promptText'], message: 'Too big: expected string to have <=1000 characters' }
  const ratios = RUNWAY_RATIOS[body.model]
  if (typeof body.ratio !== 'string' || (ratios ? !ratios.includes(body.ratio) : !/^\d+:\d+$/.test(body.ratio))) {
    return {
      path: ['ratio'],
      message: `Invalid option: expected one of ${(ratios ?? GEN4_RATIOS).map((r) => `"${r}"`).join('|')}`,
    }
  }
  if (
    body.seed !== undefined &&
    (typeof body.seed !== 'number' || !Number.isInteger(body.seed) || body.seed < 0 || body.seed > 4_294_967_295)
  ) {
    return { path: ['seed'], message: 'Invalid input: expected an integer from 0 to 4294967295' }
  }
  const references = body.referenceImages
  if (references !== undefined && (!Array.isArray(references) || references.length > 3))
    return { path: ['referenceImages'], message: 'Too big: expected array to have <=3 items' }
  if (body.model === 'gen4_image_turbo' && (!Array.isArray(references) || references.length === 0))
    return { path: ['referenceImages'], message: 'Too small: expected array to have >=1 items' }
  for (const [index, reference] of (Array.isArray(references) ? references : []).entries()) {
    const problem = referenceProblem((reference as { uri?: unknown } | null)?.uri)
    if (problem) return { path: ['referenceImages', index, 'uri'], message: problem }
  }
  return undefined
}

/** Runway's input rules (docs, "API Input Parameters"): HTTPS URLs up to 2,048 characters, data URIs up to 5 MB. */
function referenceProblem(uri: unknown): string | undefined {
  if (typeof uri !== 'string') return 'Invalid input: expected string'
  if (uri.startsWith('data:')) {
    const match = /^data:image\/[a-z0-9.+-]+;base64,([A-Za-z0-9+/]+=*)$/i.exec(uri)
    if (!match) return 'Invalid data URI: expected data:image/<type>;base64,<data>'
    if (Buffer.from(match[1]!, 'base64').length > 5 * 1024 * 1024) return 'Data URI images must be at most 5MB'
    return undefined
  }
  if (!/^(https|runway):\/\//.test(uri)) return 'Invalid URL: must be HTTPS'
  return uri.length > 2048 ? 'Too big: expected string to have <=2048 characters' : undefined
}

const STATUS_BY_PHASE: Readonly<Record<JobView['phase'], string>> = {
  queued: 'PENDING',
  running: 'RUNNING',
  succeeded: 'SUCCEEDED',
  failed: 'FAILED',
  canceled: 'CANCELLED',
}

/** The task as `GET /v1/tasks/{id}` returns it now. Queued tasks behind two or more others show as THROTTLED. */
export async function taskBody(task: Task, context: EmulatorContext): Promise<Record<string, unknown>> {
  const view = context.jobs.view(task)
  const status = view.phase === 'queued' && view.position >= 2 ? 'THROTTLED' : STATUS_BY_PHASE[view.phase]
  const body: Record<string, unknown> = { id: task.id, status, createdAt: new Date(task.createdAt).toISOString() }
  if (view.phase === 'queued' || view.phase === 'running') body.estimatedCost = { credits: CREDITS_PER_IMAGE }
  else body.cost = { credits: view.phase === 'succeeded' ? CREDITS_PER_IMAGE : 0 }
  if (view.phase === 'running') body.progress = Math.round(view.progress * 100) / 100
  if (view.phase === 'failed')
    Object.assign(body, task.input.failure ?? { failure: 'An unexpected error occurred.', failureCode: 'INTERNAL' })
  if (view.phase === 'succeeded') body.output = await outputOf(task, context)
  return body
}

function outputOf(task: Task, context: EmulatorContext): Promise<string[]> {
  if (task.input.isEmpty) return Promise.resolve([])
  const [width, height] = task.input.ratio.split(':').map(Number) as [number, number]
  return memoOnce(task.memo, 'output', async () => [
    context.files.put('runway', await renderCached(context, task.input.promptText, width, height, task.input.seed)),
  ])
}

function failureFor(context: EmulatorContext): TaskInput['failure'] {
  if (context.take('content_policy', 'submit'))
    return { failure: 'The prompt was flagged by our content moderation system.', failureCode: 'SAFETY.INPUT.TEXT' }
  if (context.take('job_fails', 'submit'))
    return {
      failure: 'The model produced an output that did not pass our quality checks. Try again.',
      failureCode: 'INTERNAL.BAD_OUTPUT.CODE01',
    }
  return undefined
}

async function submit(request: Request, context: EmulatorContext): Promise<Response> {
  const denied = authenticate(request, context, 'submit')
  if (denied) return denied
  let body: Record<string, unknown>
  try {
    body = (await request.json()) as Record<string, unknown>
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new TypeError('not an object')
  } catch {
    return error(400, 'Invalid JSON body.')
  }
  const issue = validate(body)
  if (issue) return error(400, 'Validation of body failed', { issues: [{ code: 'invalid_value', ...issue }] })
  if (context.take('quota_exceeded', 'submit')) return error(400, 'You do not have enough credits to run this task.')
  const failure = failureFor(context)
  const outcome = failure ? 'fail' : context.take('job_never_finishes', 'submit') ? 'never' : 'succeed'
  const seed = typeof body.seed === 'number' ? body.seed : Math.floor(Math.random() * 4_294_967_295)
  const input: TaskInput = {
    model: String(body.model),
    promptText: String(body.promptText),
    ratio: String(body.ratio),
    seed,
    failure,
    isEmpty: Boolean(context.take('empty_result', 'submit')),
  }
  const task: Task = context.jobs.create('runway', input, outcome)
  if (outcome === 'succeed' && !input.isEmpty && !context.clock.isManual) {
    // Drawn once the task runs, so the poll that sees SUCCEEDED is not held up by rendering.
    const timer = setTimeout(() => {
      if (context.signal.aborted || task.canceledAt !== undefined) return
      // A failure is forgotten: the status request renders again and reports it there.
      outputOf(task, context).catch(() => undefined)
    }, task.queueMs)
    timer.unref()
  }
  return HttpResponse.json({ id: task.id, estimatedCost: { credits: CREDITS_PER_IMAGE } })
}

function findTask(request: Request, context: EmulatorContext, id: string, endpoint: string): Task | Response {
  const denied = authenticate(request, context, endpoint)
  if (denied) return denied
  const task = context.jobs.get<TaskInput>(id)
  if (!task || task.provider !== 'runway' || task.memo.deleted) return error(404, 'Task not found.')
  return task
}

/** RunwayML's API (`text_to_image`, tasks), mounted at `/runway`; base URL is the mount, as `https://api.dev.runwayml.com`. */
export const runwayEmulator = defineEmulatedProvider({
  id: 'runway',
  defaultKey: `key_${'0123456789abcdef'.repeat(8)}`,
  environment: (context) => ({ RUNWAYML_API_SECRET: context.apiKey, RUNWAYML_BASE_URL: context.mountURL }),
  handlers: (context) => [
    http.post(`${context.mountURL}/v1/text_to_image`, ({ request }) => submit(request, context)),
    http.get(`${context.mountURL}/v1/tasks/:id`, async ({ request, params }) => {
      const task = findTask(request, context, String(params.id), 'status')
      return task instanceof Response ? task : HttpResponse.json(await taskBody(task, context))
    }),
    http.delete(`${context.mountURL}/v1/tasks/:id`, ({ request, params }) => {
      const task = findTask(request, context, String(params.id), 'cancel')
      if (task instanceof Response) return task
      // Running tasks are cancelled; finished ones are deleted and vanish from GET.
      if (!context.jobs.cancel(task.id)) task.memo.deleted = true
      return new HttpResponse(null, { status: 204 })
    }),
  ],
  endpointOf: (method, path) => {
    if (method === 'POST' && path === '/v1/text_to_image') return 'submit'
    if (/^\/v1\/tasks\/[^/]+$/.test(path)) return method === 'GET' ? 'status' : method === 'DELETE' ? 'cancel' : 'other'
    return 'other'
  },
  errorBody: (_status, message) => ({ error: message }),
})
