import { randomUUID } from 'node:crypto'
import { defineEmulatedProvider, http, HttpResponse, type EmulatorContext } from '@llmkit/testing'
import * as z from 'zod'

/** What a submitted job keeps. */
interface BflJobInput {
  readonly prompt: string
  readonly width: number
  readonly height: number
  readonly seed: number
  /** Set when a `content_policy` fault was armed: the job ends `Request Moderated`. */
  readonly isModerated: boolean
  readonly isEmpty: boolean
}

const MODELS = new Set(['flux-pro-1.1', 'flux-dev', 'flux-pro'])

const detail = (status: number, message: string) => HttpResponse.json({ detail: message }, { status })

function refuse(request: Request, context: EmulatorContext, endpoint: string): Response | undefined {
  if (!context.isValidKey(request.headers.get('x-key') ?? undefined) || context.take('unauthorized', endpoint))
    return detail(403, 'Not authenticated - Invalid Authentication')
  return undefined
}

/** Width and height: multiples of 32 from 256 to 1440. */
const edge = z.number().int().min(256).max(1440).multipleOf(32)
const submitBody = z.looseObject({
  prompt: z.string(),
  width: edge.default(1024),
  height: edge.default(768),
  seed: z.number().int().default(0),
})

/** `POST /v1/{model}` → `{ id, polling_url }`. */
async function submit(request: Request, model: string, context: EmulatorContext): Promise<Response> {
  const refused = refuse(request, context, 'submit')
  if (refused) return refused
  if (!MODELS.has(model)) return detail(404, 'Not Found')
  if (context.take('quota_exceeded', 'submit')) return detail(402, 'Insufficient credits')
  const body = submitBody.safeParse(await request.json().catch(() => undefined))
  if (!body.success) {
    const issues = body.error.issues.map((issue) => ({
      loc: ['body', ...issue.path.map(String)],
      msg: issue.message,
      type: issue.code,
    }))
    return HttpResponse.json({ detail: issues }, { status: 422 })
  }
  const fails = context.take('job_fails', 'submit')
  const endless = context.take('job_never_finishes', 'submit')
  const input: BflJobInput = {
    ...body.data,
    isModerated: Boolean(context.take('content_policy', 'submit')),
    isEmpty: Boolean(context.take('empty_result', 'submit')),
  }
  const job = context.jobs.create('bfl', input, fails ? 'fail' : endless ? 'never' : 'succeed', {}, randomUUID())
  return HttpResponse.json({ id: job.id, polling_url: `${context.mountURL}/v1/get_result?id=${job.id}` })
}

/** `GET /v1/get_result?id=…` → `{ id, status, result }`: Pending, then Ready (with `result.sample`), Error or Request Moderated. */
async function result(request: Request, context: EmulatorContext): Promise<Response> {
  const refused = refuse(request, context, 'status')
  if (refused) return refused
  const id = new URL(request.url).searchParams.get('id') ?? ''
  const job = context.jobs.get<BflJobInput>(id)
  if (!job || job.provider !== 'bfl') return HttpResponse.json({ id, status: 'Task not found', result: null })
  const view = context.jobs.view(job)
  if (view.phase === 'queued') return HttpResponse.json({ id, status: 'Pending', result: null, progress: null })
  if (view.phase === 'running')
    return HttpResponse.json({ id, status: 'Pending', result: null, progress: view.progress })
  if (view.phase !== 'succeeded') return HttpResponse.json({ id, status: 'Error', result: null })
  if (job.input.isModerated) return HttpResponse.json({ id, status: 'Request Moderated', result: null })
  const { prompt, width, height, seed } = job.input
  if (job.input.isEmpty) return HttpResponse.json({ id, status: 'Ready', result: { sample: null, prompt, seed } })
  // Drawn once per job: later polls get the same URL.
  job.memo.sample ??= context.files.put('bfl', await context.render(prompt, width, height, seed), 'image/png')
  return HttpResponse.json({ id, status: 'Ready', result: { sample: job.memo.sample, prompt, seed } })
}

/** An emulator of the BFL API, mounted at `/bfl`: `BFL_BASE_URL` points there. */
export const bflEmulator = defineEmulatedProvider({
  id: 'bfl',
  defaultKey: 'emu-bfl-key',
  environment: (context) => ({ BFL_API_KEY: context.apiKey, BFL_BASE_URL: context.mountURL }),
  handlers: (context) => [
    http.get(`${context.mountURL}/v1/get_result`, ({ request }) => result(request, context)),
    http.post(`${context.mountURL}/v1/:model`, ({ request, params }) => submit(request, String(params.model), context)),
  ],
  endpointOf: (method, path) =>
    path === '/v1/get_result' ? 'status' : method === 'POST' && path.startsWith('/v1/') ? 'submit' : 'other',
  errorBody: (_status, message) => ({ detail: message }),
})
