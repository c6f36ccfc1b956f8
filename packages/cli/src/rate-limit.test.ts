import { describe, expect, it } from 'vitest'
import { forEachBounded, TokenBucket, type BucketClock } from './rate-limit'

/** A clock that moves only when something sleeps. */
function fakeClock(): BucketClock & { sleeps: number[] } {
  let now = 0
  const sleeps: number[] = []
  return { sleeps, now: () => now, sleep: async (ms) => void (sleeps.push(ms), (now += ms)) }
}

describe('TokenBucket', () => {
  it('spaces starts at the rate after the burst', async () => {
    const clock = fakeClock()
    const bucket = new TokenBucket(2, 1, clock)
    const starts: number[] = []
    for (let i = 0; i < 4; i++) {
      await bucket.take()
      starts.push(clock.now())
    }
    expect(starts).toEqual([0, 500, 1000, 1500])
  })

  it('lets a burst through at once', async () => {
    const clock = fakeClock()
    const bucket = new TokenBucket(1, 3, clock)
    await Promise.all([bucket.take(), bucket.take(), bucket.take()])
    expect(clock.now()).toBe(0)
    await bucket.take()
    expect(clock.now()).toBe(1000)
  })

  it('rejects a wait when aborted', async () => {
    const bucket = new TokenBucket(1, 1, fakeClock())
    await bucket.take()
    await expect(bucket.take(AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' })
  })
})

describe('forEachBounded', () => {
  it('never runs more than the limit at once and runs everything', async () => {
    let running = 0
    let peak = 0
    const seen: number[] = []
    await forEachBounded([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++
      peak = Math.max(peak, running)
      await new Promise((resolve) => setImmediate(resolve))
      seen.push(n)
      running--
    })
    expect(peak).toBe(3)
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7])
  })

  it('starts nothing new after an abort', async () => {
    const controller = new AbortController()
    const seen: number[] = []
    await forEachBounded(
      [1, 2, 3, 4],
      1,
      async (n) => {
        seen.push(n)
        if (n === 2) controller.abort()
      },
      controller.signal,
    )
    expect(seen).toEqual([1, 2])
  })
})
