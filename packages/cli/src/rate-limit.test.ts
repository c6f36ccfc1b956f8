import { describe, expect, it } from 'vitest'
import type { Clock } from '@llmkit/sdk'
import { TokenBucket } from './rate-limit'

/** A clock that moves only when something sleeps. */
function fakeClock(): Clock & { sleeps: number[] } {
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
