import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import RunwayML from '@runwayml/sdk'
import { startEmulator, type Emulator } from '../../start-emulator'

let emulator: Emulator
let base: string
const headers = (extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${emulator.keys.runway}`,
  'x-runway-version': '2024-11-06',
  'content-type': 'application/json',
  ...extra,
})
const submit = (body: unknown, extra: Record<string, string> = {}) =>
  fetch(`${base}/v1/text_to_image`, { method: 'POST', headers: headers(extra), body: JSON.stringify(body) })
const task = async (id: string) =>
  (await (await fetch(`${base}/v1/tasks/${id}`, { headers: headers() })).json()) as Record<string, unknown>
const valid = { model: 'gen4_image', promptText: 'a lighthouse', ratio: '1024:1024' }

beforeAll(async () => {
  emulator = await startEmulator({
    providers: ['runway'],
    clock: 'manual',
    timing: { queueMs: 1_000, runMs: 2_000, initialPosition: 3 },
  })
  base = emulator.env.RUNWAYML_BASE_URL!
})
afterAll(() => emulator.close())
beforeEach(() => emulator.clearFaults())

describe('runway emulator', () => {
  it('points RUNWAYML_BASE_URL at the mount, without /v1, as api.dev.runwayml.com', () => {
    expect(base).toBe(emulator.urls.runway)
    expect(emulator.keys.runway).toMatch(/^key_[0-9a-f]{128}$/)
  })

  it('checks the Bearer key (401) and X-Runway-Version (400) with { error }', async () => {
    const wrongKey = await fetch(`${base}/v1/text_to_image`, {
      method: 'POST',
      headers: { ...headers(), authorization: 'Bearer key_wrong' },
      body: JSON.stringify(valid),
    })
    expect(wrongKey.status).toBe(401)
    expect(await wrongKey.json()).toEqual({ error: expect.any(String) })
    const { 'x-runway-version': _omit, ...withoutVersion } = headers()
    const missing = await fetch(`${base}/v1/text_to_image`, {
      method: 'POST',
      headers: withoutVersion,
      body: JSON.stringify(valid),
    })
    expect(missing.status).toBe(400)
    expect(((await missing.json()) as { error: string }).error).toContain('X-Runway-Version')
    expect((await submit(valid, { 'x-runway-version': '2023-01-01' })).status).toBe(400)
  })

  it('validates model, prompt and the ratio set of the model', async () => {
    for (const body of [
      { ...valid, ratio: '1792:1024' },
      { ...valid, model: 'gen5' },
      { ...valid, promptText: '' },
      { ...valid, promptText: 'x'.repeat(1001) },
      { ...valid, model: 'gen4_image_turbo' },
    ]) {
      const response = await submit(body)
      expect(response.status).toBe(400)
      expect(await response.json()).toMatchObject({
        error: 'Validation of body failed',
        issues: [{ path: [expect.any(String)] }],
      })
    }
  })

  it('takes reference images as HTTPS URLs up to 2,048 characters or data URIs up to 5 MB', async () => {
    const turbo = { ...valid, model: 'gen4_image_turbo' }
    const dataUri = `data:image/png;base64,${Buffer.alloc(100_000, 1).toString('base64')}`
    expect((await submit({ ...turbo, referenceImages: [{ uri: dataUri }] })).status).toBe(200)
    for (const uri of ['http://example.com/a.png', `https://example.com/${'a'.repeat(2048)}`, 'data:image/png,xyz']) {
      const response = await submit({ ...turbo, referenceImages: [{ uri }] })
      expect(response.status).toBe(400)
      expect(await response.json()).toMatchObject({ issues: [{ path: ['referenceImages', 0, 'uri'] }] })
    }
  })

  it('moves a task THROTTLED → PENDING → RUNNING (progress) → SUCCEEDED (output URLs) on the clock', async () => {
    const created = (await (await submit({ ...valid, seed: 5 })).json()) as {
      id: string
      estimatedCost: { credits: number }
    }
    expect(created.estimatedCost.credits).toBeGreaterThan(0)
    expect(await task(created.id)).toMatchObject({
      id: created.id,
      status: 'THROTTLED',
      createdAt: expect.stringMatching(/Z$/),
    })
    emulator.advance(800)
    expect((await task(created.id)).status).toBe('PENDING')
    emulator.advance(700)
    expect(await task(created.id)).toMatchObject({ status: 'RUNNING', progress: 0.25 })
    emulator.advance(1_500)
    const done = await task(created.id)
    expect(done).toMatchObject({
      status: 'SUCCEEDED',
      output: [expect.stringMatching(/\/files\/.+\.png$/)],
      cost: { credits: expect.any(Number) },
    })
    const png = Buffer.from(await (await fetch((done.output as string[])[0]!)).arrayBuffer())
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1024, 1024])
  })

  it('fails moderated prompts with a SAFETY failure code', async () => {
    emulator.inject({ kind: 'content_policy', provider: 'runway' })
    const { id } = (await (await submit(valid)).json()) as { id: string }
    emulator.advance(3_000)
    expect(await task(id)).toMatchObject({
      status: 'FAILED',
      failure: expect.any(String),
      failureCode: 'SAFETY.INPUT.TEXT',
    })
  })

  it('cancels a running task with DELETE (204), deletes a finished one (then 404)', async () => {
    const { id } = (await (await submit(valid)).json()) as { id: string }
    const cancel = await fetch(`${base}/v1/tasks/${id}`, { method: 'DELETE', headers: headers({ accept: '*/*' }) })
    expect(cancel.status).toBe(204)
    expect((await task(id)).status).toBe('CANCELLED')
    expect((await fetch(`${base}/v1/tasks/${id}`, { method: 'DELETE', headers: headers() })).status).toBe(204)
    expect((await fetch(`${base}/v1/tasks/${id}`, { headers: headers() })).status).toBe(404)
  })

  it('answers 400 for missing credits', async () => {
    emulator.inject({ kind: 'quota_exceeded', provider: 'runway' })
    const response = await submit(valid)
    expect(response.status).toBe(400)
    expect(((await response.json()) as { error: string }).error).toContain('credits')
  })
})

describe('the official @runwayml/sdk against the emulator', () => {
  it('creates a task, retrieves it until SUCCEEDED, and deletes it', async () => {
    emulator.clearRequests()
    const sdk = new RunwayML({ apiKey: emulator.keys.runway, baseURL: base, maxRetries: 0 })
    const created = await sdk.textToImage.create({
      model: 'gen4_image',
      promptText: 'a lighthouse',
      ratio: '1920:1080',
    })
    expect((await sdk.tasks.retrieve(created.id)).status).toBe('THROTTLED')
    emulator.advance(3_000)
    const done = await sdk.tasks.retrieve(created.id)
    expect(done.status).toBe('SUCCEEDED')
    expect(done.status === 'SUCCEEDED' && done.output).toHaveLength(1)
    await sdk.tasks.delete(created.id)
    expect(emulator.requestsFor('runway').every((r) => r.headers['x-runway-version'] === '2024-11-06')).toBe(true)
  })

  it('raises the SDK error classes for a wrong key and a bad ratio', async () => {
    const wrong = new RunwayML({ apiKey: 'key_wrong', baseURL: base, maxRetries: 0 })
    await expect(wrong.tasks.retrieve('x')).rejects.toBeInstanceOf(RunwayML.AuthenticationError)
    const sdk = new RunwayML({ apiKey: emulator.keys.runway, baseURL: base, maxRetries: 0 })
    await expect(
      sdk.textToImage.create({ model: 'gen4_image', promptText: 'x', ratio: '1:1' as '1024:1024' }),
    ).rejects.toBeInstanceOf(RunwayML.BadRequestError)
  })
})
