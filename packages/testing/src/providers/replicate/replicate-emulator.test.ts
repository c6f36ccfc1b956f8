import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import Replicate from 'replicate'
import { startEmulator, type Emulator } from '../../start-emulator'
import { SDXL_VERSION } from './replicate-models'

let emulator: Emulator
let base: string
const auth = () => ({ authorization: `Bearer ${emulator.keys.replicate}`, 'content-type': 'application/json' })
const post = (path: string, body: unknown, headers: Record<string, string> = auth()) =>
  fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) })
const get = (path: string) => fetch(`${base}${path}`, { headers: auth() })
type Prediction = {
  id: string
  status: string
  output: unknown
  error: string | null
  logs: string
  urls: { get: string; cancel: string }
  started_at?: string
  completed_at?: string
}

beforeAll(async () => {
  emulator = await startEmulator({
    providers: ['replicate'],
    clock: 'manual',
    timing: { queueMs: 1_000, runMs: 2_000 },
  })
  base = emulator.env.REPLICATE_BASE_URL!
})
afterAll(() => emulator.close())
beforeEach(() => emulator.clearFaults())

describe('replicate emulator', () => {
  it('points REPLICATE_BASE_URL at the mount with /v1, as api.replicate.com/v1', () => {
    expect(base).toBe(`${emulator.urls.replicate}/v1`)
    expect(emulator.env.REPLICATE_API_TOKEN).toBe(emulator.keys.replicate)
  })

  it('answers 401 problem details without a valid Bearer token', async () => {
    for (const headers of [
      {},
      { authorization: emulator.keys.replicate! },
      { authorization: 'Bearer r8_wrong' },
    ] as Record<string, string>[]) {
      const response = await fetch(`${base}/predictions/x`, { headers })
      expect(response.status).toBe(401)
      expect(response.headers.get('content-type')).toContain('application/problem+json')
      expect(await response.json()).toMatchObject({
        title: 'Unauthenticated',
        status: 401,
        detail: 'You did not pass a valid authentication token',
      })
    }
  })

  it('moves a prediction starting → processing (logs with %) → succeeded (list of URLs) on the clock', async () => {
    const created = await post('/models/black-forest-labs/flux-schnell/predictions', {
      input: { prompt: 'a fox', num_outputs: 2 },
    })
    expect(created.status).toBe(201)
    const prediction = (await created.json()) as Prediction
    expect(prediction).toMatchObject({
      status: 'starting',
      output: null,
      error: null,
      logs: '',
      urls: { get: `${base}/predictions/${prediction.id}`, cancel: `${base}/predictions/${prediction.id}/cancel` },
    })
    expect(prediction.id).toMatch(/^[a-z0-9]{26}$/)
    emulator.advance(2_000)
    const running = (await (await get(`/predictions/${prediction.id}`)).json()) as Prediction
    expect(running.status).toBe('processing')
    expect(running.logs).toMatch(/^Using seed: \d+\n(?:.*\n)* 50%\|█████     \| 2\/4 /)
    emulator.advance(1_000)
    const done = (await (await get(`/predictions/${prediction.id}`)).json()) as Prediction
    expect(done.status).toBe('succeeded')
    expect(done.output).toEqual([
      expect.stringMatching(/\/files\/.+\.png$/),
      expect.stringMatching(/\/files\/.+\.png$/),
    ])
    expect(done.completed_at).toMatch(/^\d{4}-\d\d-\d\dT/)
    const png = Buffer.from(await (await fetch((done.output as string[])[0]!)).arrayBuffer())
    expect(png.readUInt32BE(16)).toBe(1024)
  })

  it('takes a version on /v1/predictions and answers one URL for single-output models', async () => {
    const bad = await post('/predictions', { version: 'nope', input: { prompt: 'x' } })
    expect(bad.status).toBe(422)
    expect(await bad.json()).toMatchObject({ status: 422, invalid_fields: [{ field: 'version' }] })
    const sdxl = (await (
      await post('/predictions', { version: SDXL_VERSION, input: { prompt: 'x', width: 512, height: 512 } })
    ).json()) as Prediction & { model: string; version: string }
    expect([sdxl.model, sdxl.version]).toEqual(['stability-ai/sdxl', SDXL_VERSION])
    const pro = (await (
      await post('/models/black-forest-labs/flux-1.1-pro/predictions', { input: { prompt: 'x' } })
    ).json()) as Prediction
    emulator.advance(3_000)
    expect(((await (await get(`/predictions/${pro.id}`)).json()) as Prediction).output).toEqual(
      expect.stringMatching(/\/files\//),
    )
  })

  it('rejects invalid input with 422 and invalid_fields', async () => {
    const response = await post('/models/black-forest-labs/flux-schnell/predictions', {
      input: { prompt: 'x', aspect_ratio: '7:5' },
    })
    expect(response.status).toBe(422)
    expect(await response.json()).toMatchObject({
      title: 'Input validation failed',
      invalid_fields: [{ type: 'enum', field: 'input.aspect_ratio' }],
    })
    expect((await post('/models/a/b/predictions', { prompt: 'x' })).status).toBe(422)
  })

  it('holds a Prefer: wait create until the prediction is done', async () => {
    const pending = post(
      '/models/black-forest-labs/flux-schnell/predictions',
      { input: { prompt: 'x' } },
      { ...auth(), prefer: 'wait=5' },
    )
    await new Promise((resolve) => setTimeout(resolve, 30))
    emulator.advance(3_000)
    const prediction = (await (await pending).json()) as Prediction
    expect(prediction.status).toBe('succeeded')
  })

  it('answers the prediction as created when Prefer: wait runs out', async () => {
    const started = Date.now()
    const prediction = (await (
      await post(
        '/models/black-forest-labs/flux-schnell/predictions',
        { input: { prompt: 'x' } },
        { ...auth(), prefer: 'wait=1' },
      )
    ).json()) as Prediction
    expect(prediction.status).toBe('starting')
    expect(Date.now() - started).toBeGreaterThanOrEqual(950)
  })

  it('cancels, and 404s an unknown prediction', async () => {
    const prediction = (await (
      await post('/models/black-forest-labs/flux-dev/predictions', { input: { prompt: 'x' } })
    ).json()) as Prediction
    const canceled = await post(`/predictions/${prediction.id}/cancel`, {})
    expect(((await canceled.json()) as Prediction).status).toBe('canceled')
    expect((await get('/predictions/doesnotexist')).status).toBe(404)
  })

  it('fails NSFW predictions with the safety checker text, and quota with 402', async () => {
    emulator.inject({ kind: 'content_policy', provider: 'replicate' })
    const prediction = (await (
      await post('/models/black-forest-labs/flux-dev/predictions', { input: { prompt: 'x' } })
    ).json()) as Prediction
    emulator.advance(3_000)
    expect((await (await get(`/predictions/${prediction.id}`)).json()) as Prediction).toMatchObject({
      status: 'failed',
      error: 'NSFW content detected. Try running it again, or try a different prompt.',
    })
    emulator.inject({ kind: 'quota_exceeded', provider: 'replicate' })
    const quota = await post('/models/black-forest-labs/flux-dev/predictions', { input: { prompt: 'x' } })
    expect(quota.status).toBe(402)
    expect(await quota.json()).toMatchObject({ title: 'Insufficient credit', status: 402 })
  })
})

describe('the official replicate SDK against the emulator', () => {
  let live: Emulator
  beforeAll(async () => {
    live = await startEmulator({ providers: ['replicate'], timing: { queueMs: 50, runMs: 150 } })
  })
  afterAll(() => live.close())

  it('runs a model with block mode (Prefer: wait) and gets the output URLs', async () => {
    const sdk = new Replicate({ auth: live.keys.replicate, baseUrl: live.env.REPLICATE_BASE_URL, useFileOutput: false })
    const output = await sdk.run('black-forest-labs/flux-schnell', { input: { prompt: 'a fox', num_outputs: 2 } })
    expect(output).toEqual([
      expect.stringMatching(/^http:\/\/127\.0\.0\.1/),
      expect.stringMatching(/^http:\/\/127\.0\.0\.1/),
    ])
    expect(live.requestsFor('replicate', 'submit')[0]!.headers.prefer).toBe('wait')
  })

  it('creates, waits by polling, and cancels', async () => {
    const sdk = new Replicate({ auth: live.keys.replicate, baseUrl: live.env.REPLICATE_BASE_URL, useFileOutput: false })
    const created = await sdk.predictions.create({ version: SDXL_VERSION, input: { prompt: 'a castle' } })
    const done = await sdk.wait(created, { interval: 50 })
    expect(done.status).toBe('succeeded')
    // A prediction that cannot finish first, however slow the machine: the cancel must find it running.
    live.inject({ kind: 'job_never_finishes', provider: 'replicate' })
    const other = await sdk.predictions.create({ model: 'black-forest-labs/flux-dev', input: { prompt: 'x' } })
    expect((await sdk.predictions.cancel(other.id)).status).toBe('canceled')
  })

  it('gets an ApiError with status 401 for a wrong token', async () => {
    const sdk = new Replicate({ auth: 'r8_wrong', baseUrl: live.env.REPLICATE_BASE_URL })
    await expect(sdk.predictions.get('x')).rejects.toMatchObject({ response: { status: 401 } })
  })

  it('honours Cancel-After: aborted before it starts, canceled while it runs; a malformed one is a 400', async () => {
    const input = { input: { prompt: 'deadline' } }
    const path = '/models/black-forest-labs/flux-schnell/predictions'
    const early = (await (await post(path, input, { ...auth(), 'cancel-after': '500ms' })).json()) as Prediction
    const late = (await (await post(path, input, { ...auth(), 'cancel-after': '1.5s' })).json()) as Prediction
    const none = (await (await post(path, input)).json()) as Prediction
    emulator.advance(1_600)
    const status = async (id: string) => ((await (await get(`/predictions/${id}`)).json()) as Prediction).status
    expect(await status(early.id)).toBe('aborted')
    expect(await status(late.id)).toBe('canceled')
    expect(await status(none.id)).toBe('processing')
    expect((await post(path, input, { ...auth(), 'cancel-after': 'soon' })).status).toBe(400)
    emulator.advance(5_000)
  })

  it('lists predictions newest first, filtered by created_after', async () => {
    const path = '/models/black-forest-labs/flux-schnell/predictions'
    const first = (await (await post(path, { input: { prompt: 'list one' } })).json()) as Prediction
    emulator.advance(1_000)
    const createdAt = (first as Prediction & { created_at: string }).created_at
    const cutoff = new Date(Date.parse(createdAt) + 500).toISOString()
    const second = (await (await post(path, { input: { prompt: 'list two' } })).json()) as Prediction
    const all = (await (await get('/predictions')).json()) as { results: (Prediction & { input: unknown })[] }
    const ids = all.results.map((prediction) => prediction.id)
    expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(first.id))
    expect(all.results.find((p) => p.id === second.id)!.input).toEqual({ prompt: 'list two' })
    const recent = (await (await get(`/predictions?created_after=${encodeURIComponent(cutoff)}`)).json()) as {
      results: Prediction[]
    }
    expect(recent.results.map((prediction) => prediction.id)).toContain(second.id)
    expect(recent.results.map((prediction) => prediction.id)).not.toContain(first.id)
    emulator.advance(5_000)
  })
})
