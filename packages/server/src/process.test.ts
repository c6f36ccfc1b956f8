import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator, type Emulator } from '@llmkit/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json } from '../test/harness'
import { spawnGateway } from '../test/spawn-gateway'

let emulator: Emulator
let dataDir: string
beforeAll(async () => {
  emulator = await startEmulator({
    providers: ['fal', 'openai'],
    timing: { queueMs: 300, runMs: 2_500, initialPosition: 1 },
  })
  dataDir = await mkdtemp(join(tmpdir(), 'llmkit-gateway-process-'))
})
afterAll(async () => {
  await emulator.close()
  await rm(dataDir, { recursive: true, force: true })
})

async function poll2(read: () => Promise<any>, until: (value: any) => boolean, timeoutMs = 15_000): Promise<any> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read().catch(() => undefined)
    if ((value !== undefined && until(value)) || Date.now() > deadline) return value
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

const poll = (url: string, until: (job: any) => boolean) => poll2(async () => json(await fetch(url)), until)

describe('the gateway as a process (built dist)', { timeout: 60_000 }, () => {
  it('resumes a job in flight after SIGKILL and a restart, without a second submit', async () => {
    const env = { ...emulator.env, LLMKIT_DATA_DIR: dataDir }
    const first = await spawnGateway(env)
    const created = await json(
      await fetch(`${first.url}/v1/images/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'fal-ai/flux/schnell', prompt: 'a lighthouse in a storm', size: '256x256' }),
      }),
    )
    // Killed once the provider's handle is on disk, long before the job ends.
    const running = await poll(`${first.url}/v1/images/jobs/${created.id}`, (job) => job.upstream?.length === 1)
    expect(running.status).not.toBe('succeeded')
    const file = join(dataDir, 'jobs', `${created.id}.json`)
    const stored = await poll2(
      async () => JSON.parse(await readFile(file, 'utf8')),
      (record) => record.upstream.length === 1,
    )
    expect(stored.upstream[0].provider).toBe('fal')
    first.child.kill('SIGKILL')
    await first.exited
    const second = await spawnGateway(env)
    try {
      const done = await poll(
        `${second.url}/v1/images/jobs/${created.id}`,
        (job) => job.status === 'succeeded' || job.status === 'failed',
      )
      expect(done.error ?? done.status).toBe('succeeded')
      expect(done.result.data).toHaveLength(1)
      expect(emulator.requestsFor('fal', 'submit')).toHaveLength(1)
    } finally {
      second.child.kill('SIGTERM')
      await second.exited
    }
  })

  it('on SIGTERM finishes the requests in flight, refuses new ones, and exits 0', async () => {
    const gateway = await spawnGateway({ ...emulator.env, LLMKIT_DATA_DIR: dataDir })
    emulator.inject({ kind: 'latency', provider: 'openai', delayMs: 2_500 })
    const inFlight = fetch(`${gateway.url}/v1/images/generations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'dall-e-2', prompt: 'a cat', size: '256x256' }),
    })
    await new Promise((resolve) => setTimeout(resolve, 400))
    gateway.child.kill('SIGTERM')
    await new Promise((resolve) => setTimeout(resolve, 300))
    await expect(fetch(`${gateway.url}/healthz`)).rejects.toThrow()
    const response = await inFlight
    expect(response.status).toBe(200)
    expect((await json(response)).data).toHaveLength(1)
    expect(await gateway.exited).toBe(0)
    expect(gateway.output()).toContain('SIGTERM, finishing requests in flight')
  })
})
