import { describe, expect, it } from 'vitest'
import { sleep, systemClock } from './clock'

describe('sleep', () => {
  it('resolves after the time', async () => {
    const started = Date.now()
    await sleep(20)
    expect(Date.now() - started).toBeGreaterThanOrEqual(15)
  })

  it('rejects with the reason when aborted while waiting, or at once when already aborted', async () => {
    const controller = new AbortController()
    const waiting = sleep(60_000, controller.signal)
    controller.abort(new Error('stop'))
    await expect(waiting).rejects.toThrow('stop')
    await expect(sleep(0, AbortSignal.abort(new Error('before')))).rejects.toThrow('before')
  })

  it('is the system clock’s sleep', () => {
    expect(systemClock.sleep).toBe(sleep)
  })
})
