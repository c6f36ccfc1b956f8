import { systemClock, type Clock } from '@llmkit/sdk'

/**
 * A token bucket on request starts: `ratePerSecond` tokens a second, at most
 * `burst` saved up (default 1, so starts are evenly spaced). `take()` waits
 * for a token; waiters are served in order.
 */
export class TokenBucket {
  private tokens: number
  private updatedAt: number
  private queue: Promise<void> = Promise.resolve()

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst = 1,
    private readonly clock: Clock = systemClock,
  ) {
    this.tokens = burst
    this.updatedAt = clock.now()
  }

  take(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.wait(signal))
    this.queue = turn.catch(() => undefined)
    return turn
  }

  private async wait(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted()
      this.refill()
      if (this.tokens >= 1) {
        this.tokens -= 1
        return
      }
      await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000), signal)
    }
  }

  private refill(): void {
    const now = this.clock.now()
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.ratePerSecond)
    this.updatedAt = now
  }
}
