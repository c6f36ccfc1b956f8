import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { QueueKeys } from './keys'
import { sleep } from '@llmkit/core'

/** A limit: at most `limit` submits in any window of `windowMs`. */
export interface RateLimit {
  limit: number
  windowMs: number
}

// One round trip, atomic: a provider pause (429 + Retry-After) wins; else a sliding log of submits, on Redis's
// clock (no skew between machines), grants a slot when fewer than `limit` count inside the window. A granted
// submit counts as "now + IN_FLIGHT_MS" until FINISH scores it with the time its answer came back: the
// provider saw the request somewhere between grant and answer, so counting by the answer keeps the limit
// exact at the provider's end, however late a request arrives. (A worker that dies mid-request holds its
// slot for IN_FLIGHT_MS.) Returns 0 when granted, else how long to wait.
const ACQUIRE = `
local pause = redis.call('PTTL', KEYS[2])
if pause > 0 then return pause end
local limit = tonumber(ARGV[1])
if limit <= 0 then return 0 end
local window = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window + tonumber(ARGV[4]))
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local wait = tonumber(oldest[2]) + window - now + 1
-- The oldest slot is still in flight: its answer could come any moment, so look again soon.
if wait > window then return 20 end
return math.max(1, wait)
`

const FINISH = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
return 1
`

/** How long a granted submit whose answer never came back holds its slot. */
const IN_FLIGHT_MS = 60_000

// Extends a pause, never shortens it.
const PAUSE = `
local left = redis.call('PTTL', KEYS[1])
if left < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 1
`

/**
 * Submit permits shared by every worker through Redis: per provider, a
 * sliding-window limit and a pause that one worker sets for all when the
 * provider answers 429 with Retry-After.
 */
export class SharedRate {
  constructor(
    private readonly redis: Redis,
    private readonly keys: QueueKeys,
    private readonly limits: Readonly<Record<string, RateLimit>>,
  ) {}

  /** Waits (abortably) until the provider may be sent one more submit, and takes that slot; `finish` it once answered. */
  async acquire(provider: string, signal?: AbortSignal): Promise<string> {
    const rate = this.limits[provider]
    const permit = randomUUID()
    for (;;) {
      signal?.throwIfAborted()
      const waitMs = Number(
        await this.redis.eval(
          ACQUIRE,
          2,
          this.keys.rate(provider),
          this.keys.pause(provider),
          rate?.limit ?? 0,
          rate?.windowMs ?? 0,
          permit,
          IN_FLIGHT_MS,
        ),
      )
      if (waitMs <= 0) return permit
      await sleep(waitMs, signal)
    }
  }

  /** The permit's request was answered (or failed): it counts from now, not from its grant. */
  async finish(provider: string, permit: string): Promise<void> {
    if (this.limits[provider]) await this.redis.eval(FINISH, 1, this.keys.rate(provider), permit)
  }

  /** Pauses the provider for every worker for `ms` (a longer pause already set stays). */
  async pause(provider: string, ms: number): Promise<void> {
    await this.redis.eval(PAUSE, 1, this.keys.pause(provider), Math.max(1, Math.ceil(ms)))
  }
}

/** Parses `fal=5/s`, `openai=50/min`, `replicate=10/10s` into a provider and its limit. */
export function parseRate(text: string): [provider: string, rate: RateLimit] {
  const match = /^\s*([a-z0-9][a-z0-9-]*)\s*=\s*(\d+)\s*\/\s*(\d*)\s*(ms|s|sec|min|m|h)\s*$/i.exec(text)
  if (!match || Number(match[2]) < 1)
    throw new Error(`rate "${text}" must look like <provider>=<n>/<s|min>, for example fal=5/s or openai=50/min`)
  const unitMs = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000 }[match[4]!.toLowerCase()]!
  return [match[1]!.toLowerCase(), { limit: Number(match[2]), windowMs: Number(match[3] || 1) * unitMs }]
}
