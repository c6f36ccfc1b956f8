import { startRedisServer, type RedisServer } from '@llmkit/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGateway, hashKey } from './index'
import { json, startHarness, type Harness } from '../test/harness'

let redis: RedisServer
let h: Harness
beforeAll(async () => {
  redis = await startRedisServer({ appendfsync: 'everysec' })
  h = await startHarness(
    { redisUrl: redis.url, leaseMs: 400 },
    { providers: ['fal'], timing: { queueMs: 200, runMs: 1_200 } },
  )
})
afterAll(async () => {
  await h?.close()
  await redis?.close()
})

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (done(value) || Date.now() > deadline) return value
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('several gateways sharing Redis (LLMKIT_REDIS_URL)', () => {
  it('a second gateway answers for a job the first runs, and takes it over when the first stops, without a second submit', async () => {
    const other = createGateway({ client: h.client, redisUrl: redis.url, leaseMs: 400, env: {}, log: () => undefined })
    const { url: otherURL } = await other.listen({ port: 0 })
    try {
      const body = {
        model: 'fal-ai/flux/schnell',
        prompt: 'a harbour at night',
        size: '256x256',
        response_format: 'url',
      }
      const job = await json(await h.post('/v1/images/jobs', body))
      const seen = await until(
        async () => json(await fetch(`${otherURL}/v1/images/jobs/${job.id}`)),
        (value) => value.upstream?.length === 1,
      )
      expect(seen.id).toBe(job.id)
      // The first gateway stops without cancelling; its lease runs out and the second resumes the job.
      await h.gateway.close({ graceMs: 0 })
      const done = await until(
        async () => json(await fetch(`${otherURL}/v1/images/jobs/${job.id}`)),
        (value) => value.status === 'succeeded',
      )
      expect(done.status).toBe('succeeded')
      expect(h.emulator.requestsFor('fal', 'submit')).toHaveLength(1)
    } finally {
      await other.close({ graceMs: 0 })
    }
  })

  it("counts a key's requests per minute in Redis: two gateways share one limit", async () => {
    const keys = [{ name: 'shared', sha256: hashKey('sk-gw-shared-0123456789'), rpm: 3 }]
    const start = () => createGateway({ client: h.client, redisUrl: redis.url, keys, env: {}, log: () => undefined })
    const a = start()
    const b = start()
    const [{ url: aURL }, { url: bURL }] = await Promise.all([a.listen({ port: 0 }), b.listen({ port: 0 })])
    const generate = (url: string) =>
      fetch(`${url}/v1/images/generations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-gw-shared-0123456789' },
        body: JSON.stringify({ model: 'local:sketch', prompt: 'a kite', size: '256x256', response_format: 'b64_json' }),
      })
    try {
      const statuses = []
      for (const url of [aURL, bURL, aURL]) statuses.push((await generate(url)).status)
      expect(statuses).toEqual([200, 200, 200])
      // Each gateway alone has seen at most 2 of the key's 3 a minute; together they have seen 3.
      for (const url of [bURL, aURL]) {
        const refused = await generate(url)
        expect(refused.status).toBe(429)
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
        expect((await json(refused)).error).toMatchObject({ code: 'rate_limit_exceeded', type: 'rate_limit_error' })
      }
    } finally {
      await Promise.all([a.close({ graceMs: 0 }), b.close({ graceMs: 0 })])
    }
  })

  it('answers 503 limiter_unavailable, not an unlimited pass, for a rate-limited key when Redis is down', async () => {
    const own = await startRedisServer()
    const keys = [
      { name: 'limited', sha256: hashKey('sk-gw-limited-0123456789'), rpm: 100 },
      { name: 'free', sha256: hashKey('sk-gw-free-0123456789') },
    ]
    const gateway = createGateway({ client: h.client, redisUrl: own.url, keys, env: {}, log: () => undefined })
    const { url } = await gateway.listen({ port: 0 })
    const generate = (key: string) =>
      fetch(`${url}/v1/images/generations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ model: 'local:sketch', prompt: 'a kite', size: '256x256', response_format: 'b64_json' }),
      })
    try {
      expect((await generate('sk-gw-limited-0123456789')).status).toBe(200)
      await own.close()
      const refused = await generate('sk-gw-limited-0123456789')
      expect(refused.status).toBe(503)
      expect(refused.headers.get('retry-after')).toBe('1')
      expect((await json(refused)).error).toMatchObject({ code: 'limiter_unavailable', type: 'server_error' })
      // A key without rpm does not need Redis to be answered.
      expect((await generate('sk-gw-free-0123456789')).status).toBe(200)
    } finally {
      await gateway.close({ graceMs: 0 })
    }
  })

  it('serves files from Redis, so any gateway behind the load balancer has them', async () => {
    const a = createGateway({ client: h.client, redisUrl: redis.url, env: {}, log: () => undefined })
    const b = createGateway({ client: h.client, redisUrl: redis.url, env: {}, log: () => undefined })
    const [{ url: aURL }, { url: bURL }] = await Promise.all([a.listen({ port: 0 }), b.listen({ port: 0 })])
    try {
      const response = await fetch(`${aURL}/v1/images/generations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'local:sketch', prompt: 'a lighthouse', size: '256x256' }),
      })
      const { data } = await json(response)
      const path = new URL(data[0].url).pathname
      const file = await fetch(`${bURL}${path}`)
      expect(file.status).toBe(200)
      expect(file.headers.get('content-type')).toBe('image/png')
      expect(
        Buffer.from(await file.arrayBuffer())
          .subarray(1, 4)
          .toString(),
      ).toBe('PNG')
    } finally {
      await Promise.all([a.close({ graceMs: 0 }), b.close({ graceMs: 0 })])
    }
  })
})
