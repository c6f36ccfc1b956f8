import { randomUUID } from 'node:crypto'
import { http, HttpResponse } from 'msw'
import { defineEmulatedProvider, type EmulatorContext } from '../../server/emulated-provider'
import { memoOnce } from '../../server/job-memo'
import type { EmulatedJob } from '../../server/job-store'

/** The txt2img fields the emulator keeps. */
interface ImageLabsJobInput {
  readonly prompt: string
  readonly width: number
  readonly height: number
  readonly seed: number
  /** The status text a failing job ends with (`Error: …`, or `Failed`). */
  readonly failure?: string
  readonly isEmpty: boolean
}

const error = (status: number, message: string) => HttpResponse.json({ error: message }, { status })

/** Edges the emulator accepts: what the site's own editor offers, 256–2048 px. */
const EDGE = { min: 256, max: 2048 }

async function readJson(request: Request): Promise<Record<string, unknown> | Response> {
  if (!(request.headers.get('content-type') ?? '').includes('application/json'))
    return error(400, 'Expected a JSON body (Content-Type: application/json)')
  const body = (await request.json().catch(() => undefined)) as unknown
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return error(400, 'The body must be a JSON object')
  return body as Record<string, unknown>
}

const edge = (value: unknown) =>
  Number.isInteger(value) && (value as number) >= EDGE.min && (value as number) <= EDGE.max
    ? (value as number)
    : undefined

/** `POST /txt2img`: JSON `{prompt, seed, subseed, attention, tiling, negative_prompt, reference_*, width, height}` → `{task_id}`. */
async function txt2img(request: Request, context: EmulatorContext): Promise<Response> {
  const body = await readJson(request)
  if (body instanceof Response) return body
  if (typeof body.prompt !== 'string' || body.prompt.trim() === '') return error(400, 'prompt is required')
  const width = body.width === undefined ? 1152 : edge(body.width)
  const height = body.height === undefined ? 896 : edge(body.height)
  if (width === undefined || height === undefined)
    return error(400, `width and height must be whole numbers from ${EDGE.min} to ${EDGE.max}`)
  const seed = Number(body.seed ?? 0)
  if (!Number.isFinite(seed)) return error(400, 'seed must be a number or a string of digits')
  if (body.negative_prompt !== undefined && typeof body.negative_prompt !== 'string')
    return error(400, 'negative_prompt must be a string')
  const failing = context.take('job_fails', 'submit')
  const endless = context.take('job_never_finishes', 'submit')
  const input: ImageLabsJobInput = {
    prompt: body.prompt,
    width,
    height,
    seed,
    failure: failing ? (failing.message ?? 'Error: image generation failed') : undefined,
    isEmpty: Boolean(context.take('empty_result', 'submit')),
  }
  const job = context.jobs.create(
    'imagelabs',
    input,
    failing ? 'fail' : endless ? 'never' : 'succeed',
    {},
    randomUUID().replaceAll('-', ''),
  )
  return HttpResponse.json({ task_id: job.id })
}

async function finalImage(job: EmulatedJob<ImageLabsJobInput>, context: EmulatorContext): Promise<string | null> {
  if (job.input.isEmpty) return null
  const { prompt, width, height, seed } = job.input
  return memoOnce(job.memo, 'url', async () =>
    context.files.put('imagelabs', await context.render(prompt, width, height, seed)),
  )
}

/** `POST /progress` with `{task_id}` → `{status, progress, final_image_url}`; `Done` carries the URL. */
async function progress(request: Request, context: EmulatorContext): Promise<Response> {
  const body = await readJson(request)
  if (body instanceof Response) return body
  if (typeof body.task_id !== 'string' || body.task_id === '') return error(400, 'task_id is required')
  const job = context.jobs.get<ImageLabsJobInput>(body.task_id)
  if (!job || job.provider !== 'imagelabs') return error(404, 'Task not found')
  const view = context.jobs.view(job)
  if (view.phase === 'queued') return HttpResponse.json({ status: 'Queued', progress: 0, final_image_url: null })
  if (view.phase === 'running')
    return HttpResponse.json({
      status: 'Processing',
      progress: Math.round(view.progress * 100) / 100,
      final_image_url: null,
    })
  if (view.phase === 'succeeded')
    return HttpResponse.json({ status: 'Done', progress: 1, final_image_url: await finalImage(job, context) })
  return HttpResponse.json({
    status: job.input.failure ?? 'Error: image generation failed',
    progress: 0,
    final_image_url: null,
  })
}

/** ImageLabs' unofficial editor API (`/txt2img`, `/progress`), mounted at `/imagelabs`. No key: it is keyless. */
export const imagelabsEmulator = defineEmulatedProvider({
  id: 'imagelabs',
  defaultKey: 'no-key-needed',
  environment: (context) => ({ IMAGELABS_BASE_URL: context.mountURL, IMAGELABS_ENABLED: '1' }),
  handlers: (context) => [
    http.post(`${context.mountURL}/txt2img`, ({ request }) => txt2img(request, context)),
    http.post(`${context.mountURL}/progress`, ({ request }) => progress(request, context)),
  ],
  endpointOf: (method, path) =>
    method === 'POST' && path === '/txt2img'
      ? 'submit'
      : method === 'POST' && path === '/progress'
        ? 'status'
        : 'other',
  errorBody: (_status, message) => ({ error: message }),
})
