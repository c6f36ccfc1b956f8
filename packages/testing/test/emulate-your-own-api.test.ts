import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  defineEmulatedProvider,
  http,
  HttpResponse,
  startEmulator,
  type Emulator,
  type EmulatorContext,
  type FaultKind,
} from '@llmkit/testing'

// Acme, a made-up job API: POST /v1/images → { id }; GET /v1/images/:id →
// { status: queued | running | done | failed | moderated, position?, progress?, images?, error? }.
interface AcmeJob {
  readonly prompt: string
  readonly width: number
  readonly height: number
  readonly seed: number
  readonly isModerated: boolean
  readonly isEmpty: boolean
}

const acmeError = (status: number, message: string) => HttpResponse.json({ error: { message } }, { status })

/** Wrong or missing key, or an armed `unauthorized` fault: 401 as Acme sends it. */
function refuse(request: Request, context: EmulatorContext, endpoint: string): Response | undefined {
  const key = request.headers.get('authorization')?.replace(/^Bearer /, '')
  if (!context.isValidKey(key) || context.take('unauthorized', endpoint)) return acmeError(401, 'Invalid API key')
  return undefined
}

async function submit(request: Request, context: EmulatorContext): Promise<Response> {
  const refused = refuse(request, context, 'submit')
  if (refused) return refused
  if (context.take('quota_exceeded', 'submit')) return acmeError(402, 'Your credits are used up')
  const body = (await request.json().catch(() => ({}))) as Partial<AcmeJob>
  if (typeof body.prompt !== 'string' || body.prompt === '') return acmeError(422, 'prompt is required')
  // Outcome faults are decided at submit; the job then plays them out through its status.
  const fails = context.take('job_fails', 'submit')
  const endless = context.take('job_never_finishes', 'submit')
  const input: AcmeJob = {
    prompt: body.prompt,
    width: body.width ?? 1024,
    height: body.height ?? 1024,
    seed: body.seed ?? 0,
    isModerated: Boolean(context.take('content_policy', 'submit')),
    isEmpty: Boolean(context.take('empty_result', 'submit')),
  }
  const job = context.jobs.create('acme', input, fails ? 'fail' : endless ? 'never' : 'succeed')
  return HttpResponse.json({ id: job.id }, { status: 201 })
}

async function status(request: Request, id: string, context: EmulatorContext): Promise<Response> {
  const refused = refuse(request, context, 'status')
  if (refused) return refused
  const job = context.jobs.get<AcmeJob>(id)
  if (!job || job.provider !== 'acme') return acmeError(404, `No job ${id}`)
  const view = context.jobs.view(job)
  if (view.phase === 'queued') return HttpResponse.json({ id, status: 'queued', position: view.position })
  if (view.phase === 'running') return HttpResponse.json({ id, status: 'running', progress: view.progress })
  if (view.phase === 'failed' || view.phase === 'canceled')
    return HttpResponse.json({ id, status: 'failed', error: 'The job failed' })
  if (job.input.isModerated) return HttpResponse.json({ id, status: 'moderated' })
  if (job.input.isEmpty) return HttpResponse.json({ id, status: 'done', images: [] })
  // Draw once per job (later polls reuse the URL); the server serves it at /files/<id>.
  const { prompt, width, height, seed } = job.input
  job.memo.url ??= context.files.put('acme', await context.render(prompt, width, height, seed), 'image/png')
  return HttpResponse.json({ id, status: 'done', images: [job.memo.url] })
}

/** Acme's emulator, mounted at `/acme` (`context.mountURL`). */
export const acmeEmulator = defineEmulatedProvider({
  id: 'acme',
  defaultKey: 'emu-acme-key',
  environment: (context) => ({ ACME_API_KEY: context.apiKey, ACME_BASE_URL: `${context.mountURL}/v1` }),
  handlers: (context) => [
    http.post(`${context.mountURL}/v1/images`, ({ request }) => submit(request, context)),
    http.get(`${context.mountURL}/v1/images/:id`, ({ request, params }) => status(request, String(params.id), context)),
  ],
  // Paths are relative to the mount; these names are what faults target and the request log shows.
  endpointOf: (method, path) =>
    method === 'POST' && path === '/v1/images' ? 'submit' : path.startsWith('/v1/images/') ? 'status' : 'other',
  // Used when the server injects rate_limit or server_error.
  errorBody: (_status, message) => ({ error: { message } }),
})

describe('the Acme emulator', () => {
  let emulator: Emulator
  beforeAll(async () => {
    emulator = await startEmulator({ providers: [acmeEmulator], clock: 'manual', timing: { queueMs: 100, runMs: 100 } })
  })
  afterAll(() => emulator.close())
  beforeEach(() => emulator.clearFaults())

  const call = (method: string, path: string, body?: unknown, key = emulator.env.ACME_API_KEY) =>
    fetch(`${emulator.env.ACME_BASE_URL}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  const submitJob = async () =>
    ((await (await call('POST', '/images', { prompt: 'a red fox', width: 256, height: 256 })).json()) as { id: string })
      .id
  const finalStatus = async (id: string) => {
    emulator.advance(1_000)
    return (await (await call('GET', `/images/${id}`)).json()) as { status: string; images?: string[] }
  }

  it('moves a job from queued to done with a real PNG', async () => {
    const id = await submitJob()
    expect(await (await call('GET', `/images/${id}`)).json()).toEqual({ id, status: 'queued', position: 2 })
    const done = await finalStatus(id)
    expect(done.status).toBe('done')
    const png = Buffer.from(await (await fetch(done.images![0]!)).arrayBuffer())
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG')
    expect(emulator.requestsFor('acme', 'submit')).toHaveLength(1)
  })

  it('refuses a wrong key with 401', async () => {
    expect((await call('POST', '/images', { prompt: 'a fox' }, 'wrong')).status).toBe(401)
  })

  it.each([
    ['unauthorized', 401],
    ['quota_exceeded', 402],
  ] as [FaultKind, number][])('answers an armed %s fault with %i', async (kind, code) => {
    emulator.inject({ kind, provider: 'acme' })
    expect((await call('POST', '/images', { prompt: 'a fox' })).status).toBe(code)
    expect((await call('POST', '/images', { prompt: 'a fox' })).status).toBe(201)
  })

  it.each([
    ['job_fails', 'failed'],
    ['content_policy', 'moderated'],
    ['job_never_finishes', 'running'],
  ] as [FaultKind, string][])('plays out an armed %s fault as a %s job', async (kind, final) => {
    emulator.inject({ kind, provider: 'acme' })
    expect((await finalStatus(await submitJob())).status).toBe(final)
  })

  it('finishes without images under empty_result', async () => {
    emulator.inject({ kind: 'empty_result', provider: 'acme' })
    expect(await finalStatus(await submitJob())).toMatchObject({ status: 'done', images: [] })
  })
})
