import type { GatewayKey } from './keys'

interface Bucket {
  tokens: number
  updatedAt: number
  inFlight: number
}

/** A refusal: wait this long before trying again. */
export interface LimitRefusal {
  reason: 'rpm' | 'concurrency'
  retryAfterSeconds: number
}

/**
 * Per-key requests per minute (a token bucket holding one minute's worth,
 * refilled continuously) and requests in flight. In-process: with several
 * gateways behind a load balancer each enforces its own share.
 */
export class KeyLimiter {
  private readonly buckets = new Map<string, Bucket>()

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes one request for `key`, or says how long to wait. Call `release` when a granted request ends. */
  acquire(key: GatewayKey): LimitRefusal | undefined {
    if (!key.rpm && !key.concurrency) return undefined
    const bucket = this.bucket(key)
    if (key.concurrency && bucket.inFlight >= key.concurrency) return { reason: 'concurrency', retryAfterSeconds: 1 }
    if (key.rpm) {
      const perMs = key.rpm / 60_000
      const now = this.now()
      bucket.tokens = Math.min(key.rpm, bucket.tokens + (now - bucket.updatedAt) * perMs)
      bucket.updatedAt = now
      if (bucket.tokens < 1)
        return { reason: 'rpm', retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)) }
      bucket.tokens -= 1
    }
    bucket.inFlight += 1
    return undefined
  }

  release(key: GatewayKey): void {
    const bucket = this.buckets.get(key.name)
    if (bucket && bucket.inFlight > 0) bucket.inFlight -= 1
  }

  private bucket(key: GatewayKey): Bucket {
    let bucket = this.buckets.get(key.name)
    if (!bucket) {
      bucket = { tokens: key.rpm ?? 0, updatedAt: this.now(), inFlight: 0 }
      this.buckets.set(key.name, bucket)
    }
    return bucket
  }
}
