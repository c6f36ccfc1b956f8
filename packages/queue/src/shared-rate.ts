import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { QueueKeys } from './keys'

/** A limit: at most `limit` submits in any window of `windowMs`. */
export interface RateLimit {
  limit: number
  windowMs: number
}

// One round trip, atomic: a provider pause (429 + Retry-After) wins; else a sliding log of submit times on
// Redis's clock (no skew between machines) grants a slot when fewer than `limit` fall inside the window.
// Returns 0 when granted, else how long to wait.
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
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now + 1)
`

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
    /** Added to each window so that the provider, which sees a request a few ms after its permit, also never counts more. */
    private readonly marginMs: number,
  ) {}

  /** Waits (abortably) until the provider may be sent one more submit, and takes that slot. */
  async acquire(provider: string, signal?: AbortSignal): Promise<void> {
    const rate = this.limits[provider]
    const windowMs = rate ? rate.windowMs + Math.min(this.marginMs, rate.windowMs / 10) : 0
    for (;;) {
      signal?.throwIfAborted()
      const waitMs = Number(
        await this.redis.eval(
          ACQUIRE,
          2,
          this.keys.rate(provider),
          this.keys.pause(provider),
          rate?.limit ?? 0,
          Math.ceil(windowMs),
          randomUUID(),
        ),
      )
      if (waitMs <= 0) return
      await sleep(waitMs, signal)
    }
  }

  /** Pauses the provider for every worker for `ms` (a longer pause already set stays). */
  async pause(provider: string, ms: number): Promise<void> {
    await this.redis.eval(PAUSE, 1, this.keys.pause(provider), Math.max(1, Math.ceil(ms)))
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms)
    function done() {
      signal?.removeEventListener('abort', abort)
      resolve()
    }
    function abort() {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    signal?.addEventListener('abort', abort, { once: true })
  })
}

/** Parses `fal=5/s`, `openai=50/min`, `replicate=10/10s` into a provider and its limit. */
export function parseRate(text: string): [provider: string, rate: RateLimit] {
  const match = /^\s*([a-z0-9][a-z0-9-]*)\s*=\s*(\d+)\s*\/\s*(\d*)\s*(ms|s|sec|min|m|h)\s*$/i.exec(text)
  if (!match || Number(match[2]) < 1)
    throw new Error(`rate "${text}" must look like <provider>=<n>/<s|min>, for example fal=5/s or openai=50/min`)
  const unitMs = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000 }[match[4]!.toLowerCase()]!
  return [match[1]!.toLowerCase(), { limit: Number(match[2]), windowMs: Number(match[3] || 1) * unitMs }]
}
