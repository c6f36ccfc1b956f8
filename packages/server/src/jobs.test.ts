import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, startHarness, type Harness } from '../test/harness'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(() => h.close())

async function waitFor<T>(read: () => Promise<T>, until: (value: T) => boolean, timeoutMs = 8_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (until(value) || Date.now() > deadline) return value
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Reads a server-sent event stream to its end: [{ event, data }]. */
async function readEvents(response: Response): Promise<{ event: string; data: any }[]> {
  const text = await response.text()
  return text
    .split('\n\n')
    .filter((block) => block.includes('data:'))
    .map((block) => ({
      event: /^event: (.*)$/m.exec(block)?.[1] ?? 'message',
      data: JSON.parse(/^data: (.*)$/m.exec(block)![1]!),
    }))
}

describe('jobs', () => {
  it('runs a fal job: 202, then status with progress, then the result in the generations format', async () => {
    const created = await h.post('/v1/images/jobs', {
      model: 'fal-ai/flux/schnell',
      prompt: 'a lighthouse',
      size: '256x256',
    })
    expect(created.status).toBe(202)
    const job = await json(created)
    expect(job).toMatchObject({ object: 'image.job', status: 'queued', model: 'fal-ai/flux/schnell' })
    expect(job.id).toMatch(/^job_[A-Za-z0-9_-]{20}$/)
    const done = await waitFor(
      async () => json(await h.get(`/v1/images/jobs/${job.id}`)),
      (value) => value.status === 'succeeded',
    )
    expect(done.status).toBe('succeeded')
    expect(done.progress).toBe(1)
    expect(done.upstream).toEqual([{ provider: 'fal', id: expect.any(String) }])
    expect(done.result.data[0].url).toMatch(/^http:\/\/127\.0\.0\.1:/)
    expect(h.emulator.requestsFor('fal', 'submit')).toHaveLength(1)
  })

  it('streams a job as server-sent events: queued, running, image, done', async () => {
    const job = await json(
      await h.post('/v1/images/jobs', {
        model: 'fal-ai/flux/schnell',
        prompt: 'a fox',
        size: '256x256',
        response_format: 'b64_json',
      }),
    )
    const events = await readEvents(await h.get(`/v1/images/jobs/${job.id}/events`))
    const types = events.map((event) => event.event)
    expect(types[0]).toBe('queued')
    expect(types).toContain('running')
    expect(types).toContain('image')
    expect(types.at(-1)).toBe('done')
    const done = events.at(-1)!.data
    expect(Buffer.from(done.result.data[0].b64_json, 'base64').subarray(1, 4).toString()).toBe('PNG')
    // A finished job's events: the outcome at once.
    const again = await readEvents(await h.get(`/v1/images/jobs/${job.id}/events`))
    expect(again.map((event) => event.event)).toEqual(['done'])
  })

  it('reports a job that fails upstream as failed, with the OpenAI error body', async () => {
    h.emulator.inject({ kind: 'job_fails', provider: 'fal' })
    const job = await json(
      await h.post('/v1/images/jobs', { model: 'fal-ai/flux/schnell', prompt: 'a storm', size: '256x256' }),
    )
    const events = await readEvents(await h.get(`/v1/images/jobs/${job.id}/events`))
    expect(events.at(-1)!.event).toBe('error')
    const failed = await json(await h.get(`/v1/images/jobs/${job.id}`))
    expect(failed.status).toBe('failed')
    expect(failed.error).toMatchObject({ type: 'upstream_error', message: expect.stringContaining('fal') })
  })

  it('cancels a job upstream with DELETE', async () => {
    const slow = await startHarness({}, { providers: ['fal'], timing: { queueMs: 5_000, runMs: 5_000 } })
    try {
      const job = await json(
        await slow.post('/v1/images/jobs', { model: 'fal-ai/flux/schnell', prompt: 'a slow boat', size: '256x256' }),
      )
      await waitFor(
        async () => json(await slow.get(`/v1/images/jobs/${job.id}`)),
        (value) => value.upstream.length === 1,
      )
      const cancelled = await json(await fetch(`${slow.url}/v1/images/jobs/${job.id}`, { method: 'DELETE' }))
      expect(cancelled.status).toBe('cancelled')
      expect(slow.emulator.requestsFor('fal', 'cancel')).toHaveLength(1)
      expect((await json(await slow.get(`/v1/images/jobs/${job.id}`))).status).toBe('cancelled')
    } finally {
      await slow.close()
    }
  })

  it('answers 404 for an unknown job', async () => {
    const response = await h.get('/v1/images/jobs/job_doesnotexist1234')
    expect(response.status).toBe(404)
    expect((await json(response)).error.code).toBe('job_not_found')
  })
})
