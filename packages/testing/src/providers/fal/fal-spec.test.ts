import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkAgainstSpec } from '../../contract/spec-contract'
import { startEmulator, type Emulator } from '../../start-emulator'

/** The emulator's queue answers against the types of fal's official client (`QueueStatus`, the endpoints' outputs). */
let emulator: Emulator
const check = (schema: string, body: unknown) => checkAgainstSpec('fal/responses', schema, body)
const headers = () => ({ authorization: `Key ${emulator.keys.fal}`, 'content-type': 'application/json' })
const json = async (url: string, init?: RequestInit) => (await fetch(url, { headers: headers(), ...init })).json()

beforeAll(async () => {
  emulator = await startEmulator({ providers: ['fal'], clock: 'manual', timing: { queueMs: 300, runMs: 1_000 } })
})
afterAll(() => emulator.close())

async function submit(endpoint: string, input: Record<string, unknown>) {
  const body = (await json(`${emulator.urls.fal}/${endpoint}`, { method: 'POST', body: JSON.stringify(input) })) as {
    status_url: string
    response_url: string
    cancel_url: string
  }
  expect(check('QueueStatus', body)).toEqual([])
  return body
}

describe("the emulator's queue answers against @fal-ai/client's types", () => {
  it('the validator is live: it refuses what the types refuse', () => {
    const status = { request_id: 'r', response_url: 'u', status_url: 'u', cancel_url: 'u' }
    expect(check('QueueStatus', { ...status, status: 'IN_PROGRESS', logs: {} })).not.toEqual([])
    expect(check('QueueStatus', { ...status, status: 'RUNNING', logs: [] })).not.toEqual([])
    expect(check('QueueStatus', { ...status, status: 'IN_QUEUE', queue_position: 0 })).toEqual([])
  })

  it('statuses with and without logs, in the queue, running and completed; the result', async () => {
    const job = await submit('fal-ai/flux/dev', { prompt: 'a fox', image_size: 'square' })
    const statuses = async () => {
      for (const query of ['', '?logs=1'])
        expect(check('QueueStatus', await json(`${job.status_url}${query}`))).toEqual([])
    }
    await statuses()
    emulator.advance(800)
    await statuses()
    emulator.advance(1_000)
    await statuses()
    expect(check('FluxDevOutput', await json(job.response_url))).toEqual([])
  })

  it('FLUX [schnell] and Stable Diffusion 3 results; a cancelled request', async () => {
    const schnell = await submit('fal-ai/flux/schnell', { prompt: 'a fox', image_size: 'square' })
    const sd3 = await submit('fal-ai/stable-diffusion-v3-medium', { prompt: 'a fox', image_size: 'square' })
    const cancelled = await submit('fal-ai/flux/dev', { prompt: 'a fox', image_size: 'square' })
    await fetch(cancelled.cancel_url, { method: 'PUT', headers: headers() })
    emulator.advance(2_000)
    expect(check('FluxSchnellOutput', await json(schnell.response_url))).toEqual([])
    expect(check('StableDiffusionV3MediumOutput', await json(sd3.response_url))).toEqual([])
    expect(check('QueueStatus', await json(`${cancelled.status_url}?logs=1`))).toEqual([])
  })
})
