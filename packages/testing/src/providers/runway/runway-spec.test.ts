import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkAgainstSpec } from '../../contract/spec-contract'
import { startEmulator, type Emulator } from '../../start-emulator'

/** The emulator's answers against the response types of Runway's official SDK (`TaskRetrieveResponse`). */
let emulator: Emulator
const check = (schema: string, body: unknown) => checkAgainstSpec('runway/responses', schema, body)
const headers = () => ({
  authorization: `Bearer ${emulator.keys.runway}`,
  'content-type': 'application/json',
  'x-runway-version': '2024-11-06',
})
const json = async (path: string, init?: RequestInit) =>
  (await fetch(`${emulator.urls.runway}${path}`, { headers: headers(), ...init })).json()

beforeAll(async () => {
  emulator = await startEmulator({ providers: ['runway'], clock: 'manual', timing: { queueMs: 300, runMs: 1_000 } })
})
afterAll(() => emulator.close())

async function create(): Promise<string> {
  const body = { model: 'gen4_image', promptText: 'a fox', ratio: '1024:1024' }
  const created = (await json('/v1/text_to_image', { method: 'POST', body: JSON.stringify(body) })) as { id: string }
  expect(check('TextToImageCreateResponse', created)).toEqual([])
  return created.id
}

describe("the emulator's tasks against @runwayml/sdk's types", () => {
  it('the validator is live: it refuses what the types refuse', () => {
    const task = { id: 't', createdAt: '2026-01-01T00:00:00Z' }
    expect(check('TaskRetrieveResponse', { ...task, status: 'DONE' })).not.toEqual([])
    expect(check('TaskRetrieveResponse', { ...task, status: 'SUCCEEDED', cost: { credits: 1 } })).not.toEqual([])
    expect(check('TaskRetrieveResponse', { ...task, status: 'PENDING', estimatedCost: { credits: 1 } })).toEqual([])
  })

  it('pending, running, succeeded, failed and cancelled tasks', async () => {
    const done = await create()
    const cancelled = await create()
    emulator.inject({ kind: 'job_fails', provider: 'runway', endpoint: 'submit' })
    const failed = await create()
    const tasks = [done, cancelled, failed]
    for (const id of tasks) expect(check('TaskRetrieveResponse', await json(`/v1/tasks/${id}`))).toEqual([])
    emulator.advance(800)
    for (const id of tasks) expect(check('TaskRetrieveResponse', await json(`/v1/tasks/${id}`))).toEqual([])
    await fetch(`${emulator.urls.runway}/v1/tasks/${cancelled}`, { method: 'DELETE', headers: headers() })
    emulator.advance(1_000)
    for (const id of tasks) expect(check('TaskRetrieveResponse', await json(`/v1/tasks/${id}`))).toEqual([])
  })
})
