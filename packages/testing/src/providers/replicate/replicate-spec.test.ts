import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkAgainstSpec } from '../../contract/spec-contract'
import { startEmulator, type Emulator } from '../../start-emulator'
import { SDXL_VERSION } from './replicate-models'

/** The emulator's prediction objects against Replicate's own OpenAPI document (`schemas_prediction_response`). */
let emulator: Emulator
let base: string
const headers = () => ({ authorization: `Bearer ${emulator.keys.replicate}`, 'content-type': 'application/json' })
const check = (body: unknown) => checkAgainstSpec('replicate/predictions', 'schemas_prediction_response', body)

beforeAll(async () => {
  emulator = await startEmulator({
    providers: ['replicate'],
    clock: 'manual',
    timing: { queueMs: 1_000, runMs: 2_000 },
  })
  base = emulator.env.REPLICATE_BASE_URL!
})
afterAll(() => emulator.close())

async function create(path: string, body: unknown): Promise<{ id: string }> {
  const response = await fetch(`${base}${path}`, { method: 'POST', headers: headers(), body: JSON.stringify(body) })
  const prediction = (await response.json()) as { id: string }
  expect(check(prediction)).toEqual([])
  return prediction
}
const read = async (id: string) => (await fetch(`${base}/predictions/${id}`, { headers: headers() })).json()

describe("the emulator's predictions against Replicate's OpenAPI document", () => {
  it('the validator is live: it refuses what the spec refuses', async () => {
    const { id } = await create('/models/black-forest-labs/flux-schnell/predictions', { input: { prompt: 'a fox' } })
    const body = (await read(id)) as Record<string, unknown>
    expect(check({ ...body, status: 'queued' })).not.toEqual([])
    expect(check({ ...body, urls: {} })).not.toEqual([])
    expect(check({ ...body, version: 'hidden' })).toEqual([])
  })

  it('starting, processing and succeeded, by model and by version', async () => {
    const flux = await create('/models/black-forest-labs/flux-schnell/predictions', { input: { prompt: 'a fox' } })
    const sdxl = await create('/predictions', {
      version: SDXL_VERSION,
      input: { prompt: 'a fox', width: 512, height: 512 },
    })
    for (const id of [flux.id, sdxl.id]) expect(check(await read(id))).toEqual([])
    emulator.advance(2_000)
    for (const id of [flux.id, sdxl.id]) expect(check(await read(id))).toEqual([])
    emulator.advance(1_000)
    for (const id of [flux.id, sdxl.id]) expect(check(await read(id))).toEqual([])
  })

  it('failed, canceled, object output, and the list', async () => {
    emulator.inject({ kind: 'job_fails', endpoint: 'submit' })
    const failed = await create('/models/black-forest-labs/flux-schnell/predictions', { input: { prompt: 'a fox' } })
    const canceled = await create('/models/black-forest-labs/flux-schnell/predictions', { input: { prompt: 'a fox' } })
    const cancel = await fetch(`${base}/predictions/${canceled.id}/cancel`, { method: 'POST', headers: headers() })
    expect(check(await cancel.json())).toEqual([])
    const object = await create('/models/llmkit-emulator/object-output/predictions', { input: { prompt: 'a fox' } })
    emulator.advance(3_000)
    for (const id of [failed.id, canceled.id, object.id]) expect(check(await read(id))).toEqual([])
    const list = (await (await fetch(`${base}/predictions`, { headers: headers() })).json()) as { results: unknown[] }
    for (const prediction of list.results) expect(check(prediction)).toEqual([])
  })
})
