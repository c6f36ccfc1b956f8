import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '../../start-emulator'

let emulator: Emulator
const post = (path: string, body: unknown, contentType = 'application/json') =>
  fetch(`${emulator.urls.imagelabs}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
const BODY = {
  prompt: 'a harbour',
  seed: '1732000000',
  subseed: '1732000000123',
  attention: 0,
  width: 512,
  height: 384,
  tiling: false,
  negative_prompt: '',
  reference_image: '',
  reference_image_type: null,
  reference_strength: 30,
}
const submit = async (body: unknown = BODY) =>
  ((await (await post('/txt2img', body)).json()) as { task_id: string }).task_id
const progress = async (taskId: string) => (await post('/progress', { task_id: taskId })).json()

beforeAll(async () => {
  emulator = await startEmulator({ providers: ['imagelabs'], clock: 'manual', timing: { queueMs: 1000, runMs: 2000 } })
})
afterAll(() => emulator.close())
beforeEach(() => emulator.clearFaults())

describe('ImageLabs emulator', () => {
  it('points the provider at itself and enables it', () => {
    expect(emulator.env).toEqual({ IMAGELABS_BASE_URL: emulator.urls.imagelabs, IMAGELABS_ENABLED: '1' })
  })

  it('returns a task id, then Queued → Processing with progress → Done with the image', async () => {
    const taskId = await submit()
    expect(taskId).toMatch(/^[0-9a-f]{32}$/)
    expect(await progress(taskId)).toEqual({ status: 'Queued', progress: 0, final_image_url: null })
    emulator.advance(2000)
    expect(await progress(taskId)).toEqual({ status: 'Processing', progress: 0.5, final_image_url: null })
    emulator.advance(1000)
    const done = (await progress(taskId)) as { status: string; progress: number; final_image_url: string }
    expect(done).toMatchObject({ status: 'Done', progress: 1 })
    const png = Buffer.from(await (await fetch(done.final_image_url)).arrayBuffer())
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 384])
  })

  it('draws a finished task once: polls that arrive together all get the same image', async () => {
    const taskId = await submit()
    emulator.advance(3000)
    const answers = (await Promise.all(Array.from({ length: 4 }, () => progress(taskId)))) as {
      final_image_url: string
    }[]
    const urls = new Set(answers.map((answer) => answer.final_image_url))
    expect(urls.size).toBe(1)
    expect((await progress(taskId)) as { final_image_url: string }).toMatchObject({
      status: 'Done',
      final_image_url: [...urls][0],
    })
  })

  it('uses 1152x896 when the body sets no size', async () => {
    const { width: _w, height: _h, ...rest } = BODY
    const taskId = await submit(rest)
    emulator.advance(3000)
    const done = (await progress(taskId)) as { final_image_url: string }
    const png = Buffer.from(await (await fetch(done.final_image_url)).arrayBuffer())
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1152, 896])
  })

  it.each([
    [
      'a non-JSON body',
      'prompt=x',
      'application/x-www-form-urlencoded',
      'Expected a JSON body (Content-Type: application/json)',
    ],
    ['a missing prompt', { ...BODY, prompt: '' }, 'application/json', 'prompt is required'],
    [
      'a width out of range',
      { ...BODY, width: 4096 },
      'application/json',
      'width and height must be whole numbers from 256 to 2048',
    ],
  ])('rejects %s with 400', async (_case, body, contentType, message) => {
    const response = await post('/txt2img', body, contentType)
    expect([response.status, await response.json()]).toEqual([400, { error: message }])
  })

  it('ends a failing job with the fault’s status text (Failed, or an error)', async () => {
    emulator.inject({ kind: 'job_fails', provider: 'imagelabs', message: 'Failed' })
    const failed = await submit()
    emulator.inject({ kind: 'job_fails', provider: 'imagelabs' })
    const errored = await submit()
    emulator.advance(3000)
    expect(await progress(failed)).toEqual({ status: 'Failed', progress: 0, final_image_url: null })
    expect(await progress(errored)).toEqual({
      status: 'Error: image generation failed',
      progress: 0,
      final_image_url: null,
    })
  })

  it('ends an empty job Done without a URL, and never ends a stuck one', async () => {
    emulator.inject({ kind: 'empty_result', provider: 'imagelabs' })
    const empty = await submit()
    emulator.inject({ kind: 'job_never_finishes', provider: 'imagelabs' })
    const stuck = await submit()
    emulator.advance(100_000)
    expect(await progress(empty)).toEqual({ status: 'Done', progress: 1, final_image_url: null })
    expect(await progress(stuck)).toMatchObject({ status: 'Processing', final_image_url: null })
  })

  it('answers 404 for an unknown task and 400 without a task id', async () => {
    const unknown = await post('/progress', { task_id: 'nope' })
    expect([unknown.status, await unknown.json()]).toEqual([404, { error: 'Task not found' }])
    expect((await post('/progress', {})).status).toBe(400)
  })
})
