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

/** Counts a key's requests per minute somewhere several gateways share (Redis). */
export interface SharedRpm {
  /** Takes one request of the key's `rpm`: 0 when granted, else milliseconds until one is free. */
  take(key: GatewayKey & { rpm: number }): Promise<number>
}

/**
 * Per-key requests per minute and requests in flight. Without `shared`, both
 * in-process (requests per minute: a token bucket holding one minute's worth,
 * refilled continuously). With `shared` (Redis), requests per minute are
 * counted there, so every gateway on that Redis enforces one limit per key;
 * requests in flight stay per gateway.
 */
export class KeyLimiter {
  private readonly buckets = new Map<string, Bucket>()

  constructor(
    private readonly now: () => number = Date.now,
    private readonly shared?: SharedRpm,
  ) {}

  /** Takes one request for `key`, or says how long to wait. Call `release` when a granted request ends. */
  async acquire(key: GatewayKey): Promise<LimitRefusal | undefined> {
    if (!key.rpm && !key.concurrency) return undefined
    const bucket = this.bucket(key)
    if (key.concurrency && bucket.inFlight >= key.concurrency) return { reason: 'concurrency', retryAfterSeconds: 1 }
    if (key.rpm && this.shared) {
      // Counted in flight while Redis answers, so concurrent requests cannot overshoot `concurrency`.
      bucket.inFlight += 1
      let waitMs: number
      try {
        waitMs = await this.shared.take(key as GatewayKey & { rpm: number })
      } catch (error) {
        bucket.inFlight -= 1
        throw error
      }
      if (waitMs > 0) {
        bucket.inFlight -= 1
        return { reason: 'rpm', retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) }
      }
      return undefined
    }
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
