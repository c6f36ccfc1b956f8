import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { SharedRpm } from './key-limiter'
import type { GatewayKey } from './keys'

const WINDOW_MS = 60_000

// One round trip, atomic, on Redis's clock (no skew between gateways): a sliding log of the key's
// requests of the last minute; grants when fewer than `limit` are in it, else answers how long until
// the oldest leaves the window.
const TAKE = `
local limit = tonumber(ARGV[1])
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
return math.max(1, tonumber(oldest[2]) + window - now)
`

type WithTake = Redis & { llmkitTakeRpm(key: string, limit: number, windowMs: number, member: string): Promise<number> }

/**
 * Requests per minute per gateway key, counted in Redis (`llmkit:rpm:<key sha256>`),
 * so every gateway on that Redis enforces one limit per key.
 */
export class RedisRpm implements SharedRpm {
  private readonly redis: WithTake
  private readonly instance = randomBytes(6).toString('base64url')
  private sequence = 0

  constructor(
    redis: Redis,
    private readonly prefix = 'llmkit:',
  ) {
    if (!('llmkitTakeRpm' in redis)) redis.defineCommand('llmkitTakeRpm', { numberOfKeys: 1, lua: TAKE })
    this.redis = redis as WithTake
  }

  async take(key: GatewayKey & { rpm: number }): Promise<number> {
    const member = `${this.instance}:${(this.sequence += 1)}`
    return Number(
      await this.redis.llmkitTakeRpm(`${this.prefix}rpm:${key.sha256.toLowerCase()}`, key.rpm, WINDOW_MS, member),
    )
  }
}
