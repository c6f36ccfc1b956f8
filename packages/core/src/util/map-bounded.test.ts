import { describe, expect, it } from 'vitest'
import { mapBounded } from './map-bounded'

describe('mapBounded', () => {
  it('never runs more than the limit at once and returns every outcome in input order', async () => {
    let running = 0
    let peak = 0
    const settled = await mapBounded([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++
      peak = Math.max(peak, running)
      await new Promise((resolve) => setImmediate(resolve))
      running--
      if (n === 4) throw new Error('four')
      return n * 10
    })
    expect(peak).toBe(3)
    expect(settled.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : 'failed'))).toEqual([
      10,
      20,
      30,
      'failed',
      50,
      60,
      70,
    ])
  })

  it('starts nothing new after an abort: the rest are rejected with its reason', async () => {
    const controller = new AbortController()
    const seen: number[] = []
    const settled = await mapBounded(
      [1, 2, 3, 4],
      1,
      async (n) => {
        seen.push(n)
        if (n === 2) controller.abort(new Error('stop'))
      },
      controller.signal,
    )
    expect(seen).toEqual([1, 2])
    expect(settled.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected'])
    expect((settled[3] as PromiseRejectedResult).reason).toEqual(new Error('stop'))
  })
})
