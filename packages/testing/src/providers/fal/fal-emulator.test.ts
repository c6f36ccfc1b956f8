import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createFalClient, ValidationError } from '@fal-ai/client'
import { startEmulator, type Emulator } from '../../start-emulator'

let emulator: Emulator
const base = () => emulator.urls.fal!
const auth = () => ({ authorization: `Key ${emulator.keys.fal}` })

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = auth()) {
  const response = await fetch(`${base()}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, any> }
}

const submit = (body: unknown, model = 'fal-ai/flux/dev') => call('POST', `/${model}`, body)

beforeAll(async () => {
  emulator = await startEmulator({
    providers: ['fal'],
    clock: 'manual',
    timing: { queueMs: 300, runMs: 1_000, initialPosition: 2 },
  })
})
afterAll(() => emulator.close())
beforeEach(() => {
  emulator.clearFaults()
  emulator.clearRequests()
})

describe('fal emulator: what the real API rejects', () => {
  it("answers 401 with fal's detail for a missing or wrong key", async () => {
    const missing = await call('POST', '/fal-ai/flux/dev', { prompt: 'a cat' }, {})
    expect(missing.status).toBe(401)
    const wrong = await call('POST', '/fal-ai/flux/dev', { prompt: 'a cat' }, { authorization: 'Key nope:nope' })
    expect(wrong).toMatchObject({ status: 401, json: { detail: 'No user found for Key ID and Secret' } })
    const bearer = await call(
      'POST',
      '/fal-ai/flux/dev',
      { prompt: 'a cat' },
      { authorization: `Bearer ${emulator.keys.fal}` },
    )
    expect(bearer.status).toBe(401)
  })

  it('answers 422 with a pydantic detail list naming every bad field', async () => {
    const { status, json } = await submit({
      prompt: 'a cat',
      num_images: 9,
      image_size: { width: 20_000, height: 512 },
      num_inference_steps: 0,
      colour: 'red',
    })
    expect(status).toBe(422)
    const entries = (json.detail as { loc: string[]; type: string; msg: string }[]).map(({ loc, type, msg }) => ({
      loc: loc.join('.'),
      type,
      msg,
    }))
    expect(entries).toEqual([
      { loc: 'body.colour', type: 'extra_forbidden', msg: 'Extra inputs are not permitted' },
      { loc: 'body.image_size.width', type: 'less_than_equal', msg: 'Input should be less than or equal to 14142' },
      { loc: 'body.num_images', type: 'less_than_equal', msg: 'Input should be less than or equal to 4' },
      {
        loc: 'body.num_inference_steps',
        type: 'greater_than_equal',
        msg: 'Input should be greater than or equal to 1',
      },
    ])
  })

  it('checks presets, per-model step limits and fields the model does not take', async () => {
    expect((await submit({ prompt: 'a cat', image_size: 'huge' })).json.detail[0]).toMatchObject({
      loc: ['body', 'image_size'],
      type: 'literal_error',
    })
    expect(
      (await submit({ prompt: 'a cat', num_inference_steps: 20 }, 'fal-ai/flux/schnell')).json.detail[0],
    ).toMatchObject({ loc: ['body', 'num_inference_steps'], msg: 'Input should be less than or equal to 12' })
    expect((await submit({ prompt: 'a cat', negative_prompt: 'dogs' })).json.detail[0]).toMatchObject({
      loc: ['body', 'negative_prompt'],
      type: 'extra_forbidden',
    })
    expect((await submit({ image_size: 'square' })).json.detail[0]).toMatchObject({
      loc: ['body', 'prompt'],
      type: 'missing',
      msg: 'Field required',
    })
    expect(
      (await submit({ prompt: 'a cat', negative_prompt: 'dogs' }, 'fal-ai/stable-diffusion-v3-medium')).status,
    ).toBe(200)
  })

  it('answers 404 for an unknown app and an unknown request', async () => {
    expect(await submit({ prompt: 'a cat' }, 'fal-ai/no-such-model')).toMatchObject({
      status: 404,
      json: { detail: "Application 'fal-ai/no-such-model' not found" },
    })
    expect((await call('GET', '/fal-ai/flux/requests/00000000-0000-0000-0000-000000000000/status')).status).toBe(404)
  })

  it('maps an exhausted balance to 403', async () => {
    emulator.inject({ kind: 'quota_exceeded', provider: 'fal' })
    expect(await submit({ prompt: 'a cat' })).toMatchObject({
      status: 403,
      json: { detail: expect.stringContaining('Exhausted balance') },
    })
  })
})

describe('fal emulator: queue states on a manual clock', () => {
  it('moves IN_QUEUE (positions) → IN_PROGRESS (logs only with logs=1) → COMPLETED, then serves the result', async () => {
    const submitted = await submit({ prompt: 'a red fox in snow', image_size: 'square', num_images: 2, seed: 7 })
    expect(submitted.status).toBe(200)
    const id = submitted.json.request_id as string
    expect(submitted.json).toEqual({
      status: 'IN_QUEUE',
      request_id: id,
      queue_position: 2,
      response_url: `${base()}/fal-ai/flux/requests/${id}`,
      status_url: `${base()}/fal-ai/flux/requests/${id}/status`,
      cancel_url: `${base()}/fal-ai/flux/requests/${id}/cancel`,
    })
    const status = (logs: 0 | 1) => call('GET', `/fal-ai/flux/requests/${id}/status?logs=${logs}`)
    expect((await call('GET', `/fal-ai/flux/requests/${id}`)).status).toBe(400)
    emulator.advance(150)
    expect(await status(0)).toMatchObject({ status: 202, json: { status: 'IN_QUEUE', queue_position: 1 } })
    emulator.advance(650)
    const quiet = await status(0)
    expect(quiet).toMatchObject({ status: 202, json: { status: 'IN_PROGRESS', logs: null } })
    const verbose = await status(1)
    expect(verbose.json.logs.at(-1)).toMatchObject({
      message: expect.stringMatching(/^ 50%\|█████ {5}\| 14\/28/),
      level: 'STDERR',
      source: 'USER',
    })
    emulator.advance(1_000)
    const done = await status(1)
    expect(done).toMatchObject({ status: 200, json: { status: 'COMPLETED', metrics: { inference_time: 1 } } })
    expect(done.json.logs).toHaveLength(28)
    const result = await call('GET', `/fal-ai/flux/requests/${id}`)
    expect(result.json).toMatchObject({
      seed: 7,
      has_nsfw_concepts: [false, false],
      prompt: 'a red fox in snow',
      timings: { inference: 1 },
    })
    expect(result.json.images).toHaveLength(2)
    const image = result.json.images[0]
    expect(image).toMatchObject({ width: 512, height: 512, content_type: 'image/png' })
    const png = Buffer.from(await (await fetch(image.url)).arrayBuffer())
    expect([png.subarray(1, 4).toString('latin1'), png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([
      'PNG',
      512,
      512,
    ])
  })

  it('streams each status change as a server-sent event until COMPLETED', async () => {
    const { json } = await submit({ prompt: 'a lighthouse', image_size: 'square', num_inference_steps: 4 })
    const response = await fetch(`${base()}/fal-ai/flux/requests/${json.request_id}/status/stream?logs=1`, {
      headers: auth(),
    })
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
    const events: Record<string, any>[] = []
    let buffer = ''
    const nextEvent = async () => {
      while (!buffer.includes('\n\n')) {
        const { value, done } = await reader.read()
        if (done) return undefined
        buffer += value
      }
      const [frame, ...rest] = buffer.split('\n\n')
      buffer = rest.join('\n\n')
      const event = JSON.parse(frame!.replace(/^data: /, '')) as Record<string, any>
      events.push(event)
      return event
    }
    expect(await nextEvent()).toMatchObject({ status: 'IN_QUEUE', queue_position: 2 })
    emulator.advance(150)
    expect(await nextEvent()).toMatchObject({ status: 'IN_QUEUE', queue_position: 1 })
    emulator.advance(400)
    expect(await nextEvent()).toMatchObject({
      status: 'IN_PROGRESS',
      logs: [expect.objectContaining({ message: expect.stringContaining('1/4') })],
    })
    emulator.advance(1_000)
    const last = await nextEvent()
    expect(last).toMatchObject({ status: 'COMPLETED' })
    // Each log line is sent once: the completion carries only the lines not streamed before.
    expect(last!.logs.map((log: { message: string }) => log.message.trim().slice(0, 4))).toEqual([
      '50%|',
      '75%|',
      '100%',
    ])
    expect(await nextEvent()).toBeUndefined()
  })

  it('cancels a queued request; its result then says it was cancelled', async () => {
    const { json } = await submit({ prompt: 'a cat' })
    const cancelled = await call('PUT', `/fal-ai/flux/requests/${json.request_id}/cancel`)
    expect(cancelled).toMatchObject({ status: 202, json: { status: 'CANCELLATION_REQUESTED' } })
    expect((await call('GET', `/fal-ai/flux/requests/${json.request_id}/status`)).json.status).toBe('COMPLETED')
    expect(await call('GET', `/fal-ai/flux/requests/${json.request_id}`)).toMatchObject({
      status: 499,
      json: { error_type: 'client_cancelled' },
    })
    expect(await call('PUT', `/fal-ai/flux/requests/${json.request_id}/cancel`)).toMatchObject({
      status: 400,
      json: { status: 'ALREADY_COMPLETED' },
    })
    expect(emulator.requestsFor('fal', 'cancel')).toHaveLength(2)
  })
})

describe('fal emulator: faults', () => {
  const finish = async (body: Record<string, unknown>, model = 'fal-ai/flux/schnell') => {
    const { json } = await submit({ image_size: 'square', ...body }, model)
    emulator.advance(60_000)
    return call('GET', `/${model.split('/').slice(0, 2).join('/')}/requests/${json.request_id}`)
  }

  it('content_policy: a black image flagged in has_nsfw_concepts, one image per use', async () => {
    emulator.inject({ kind: 'content_policy', provider: 'fal' })
    const { json } = await finish({ prompt: 'something fal would flag', num_images: 2 })
    expect(json.has_nsfw_concepts).toEqual([true, false])
    const black = Buffer.from(await (await fetch(json.images[0].url)).arrayBuffer())
    const drawn = Buffer.from(await (await fetch(json.images[1].url)).arrayBuffer())
    expect(black.length).toBeLessThan(drawn.length / 4)
  })

  it('content_policy is not applied when the caller turns the safety checker off', async () => {
    emulator.inject({ kind: 'content_policy', provider: 'fal' })
    expect((await finish({ prompt: 'x', enable_safety_checker: false })).json.has_nsfw_concepts).toEqual([false])
  })

  it('job_fails: COMPLETED, and the result carries the error', async () => {
    emulator.inject({ kind: 'job_fails', provider: 'fal', message: 'Out of memory' })
    const response = await finish({ prompt: 'x' })
    expect(response).toMatchObject({
      status: 500,
      json: { detail: 'Out of memory', error_type: 'runner_server_error' },
    })
    expect(response.headers.get('x-fal-error-type')).toBe('runner_server_error')
  })

  it('empty_result: success without images; job_never_finishes: stays IN_PROGRESS', async () => {
    emulator.inject({ kind: 'empty_result', provider: 'fal' })
    expect((await finish({ prompt: 'x' })).json.images).toEqual([])
    emulator.inject({ kind: 'job_never_finishes', provider: 'fal' })
    const { json } = await submit({ prompt: 'x' })
    emulator.advance(3_600_000)
    expect((await call('GET', `/fal-ai/flux/requests/${json.request_id}/status`)).json.status).toBe('IN_PROGRESS')
  })

  it("injected status errors use fal's request-error shape", async () => {
    emulator.inject({ kind: 'server_error', provider: 'fal', endpoint: 'status', status: 503 })
    const { json } = await submit({ prompt: 'x' })
    expect(await call('GET', `/fal-ai/flux/requests/${json.request_id}/status`)).toMatchObject({
      status: 503,
      json: { error_type: 'runner_scheduling_failure' },
    })
  })
})

describe('the official @fal-ai/client against the emulator', () => {
  let realTime: Emulator
  beforeAll(async () => {
    realTime = await startEmulator({ providers: ['fal'], timing: { queueMs: 60, runMs: 200, initialPosition: 1 } })
  })
  afterAll(() => realTime.close())
  // The client builds https://queue.fal.run/... itself; its request middleware moves that to the emulator.
  const officialClient = () =>
    createFalClient({
      credentials: realTime.keys.fal,
      requestMiddleware: async (request) => ({
        ...request,
        url: request.url.replace('https://queue.fal.run', realTime.urls.fal!),
      }),
    })

  it.each(['polling', 'streaming'] as const)(
    'subscribe (%s mode) gets the images and the queue updates',
    async (mode) => {
      const updates: string[] = []
      const result = await officialClient().subscribe('fal-ai/flux/schnell', {
        input: { prompt: 'a small boat', image_size: 'square' },
        mode,
        pollInterval: 50,
        logs: true,
        onQueueUpdate: (update) => updates.push(update.status),
      })
      expect(result.requestId).toMatch(/^[0-9a-f-]{36}$/)
      expect(result.data.images[0]).toMatchObject({ width: 512, height: 512, content_type: 'image/png' })
      expect(updates.at(-1)).toBe('COMPLETED')
      expect(updates).toContain('IN_PROGRESS')
      const endpoints = realTime.requestsFor('fal').map((r) => r.endpoint)
      expect(endpoints.filter((e) => e === (mode === 'streaming' ? 'stream' : 'status')).length).toBeGreaterThan(0)
    },
  )

  it('gets a ValidationError with field errors for input fal rejects', async () => {
    const error = await officialClient()
      .queue.submit('fal-ai/flux/dev', { input: { prompt: 'x', num_images: 9 } })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).status).toBe(422)
    expect((error as ValidationError).getFieldErrors('num_images')[0]?.msg).toBe(
      'Input should be less than or equal to 4',
    )
  })

  it('cancels through the queue client', async () => {
    const client = officialClient()
    // A job that cannot finish first, however slow the machine: the cancel must find it running.
    realTime.inject({ kind: 'job_never_finishes', provider: 'fal' })
    const { request_id } = await client.queue.submit('fal-ai/flux/dev', { input: { prompt: 'x' } })
    await client.queue.cancel('fal-ai/flux/dev', { requestId: request_id })
    expect(realTime.jobs.view(realTime.jobs.get(request_id)!).phase).toBe('canceled')
  })
})
