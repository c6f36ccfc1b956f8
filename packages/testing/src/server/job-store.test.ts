import { describe, expect, it } from 'vitest'
import { manualClock } from './emulator-clock'
import { JobStore } from './job-store'

describe('JobStore', () => {
  const timing = { queueMs: 300, runMs: 1000, initialPosition: 2 }

  it('moves a job through queued (counting down), running (progress) and succeeded on the clock', () => {
    const clock = manualClock(0)
    const store = new JobStore(clock, timing)
    const job = store.create('p', { prompt: 'x' }, 'succeed')
    expect(store.view(job)).toEqual({ phase: 'queued', position: 2, progress: 0 })
    clock.advance(150)
    expect(store.view(job).position).toBe(1)
    clock.advance(149)
    expect(store.view(job).position).toBe(0)
    clock.advance(501)
    expect(store.view(job)).toMatchObject({ phase: 'running', progress: 0.5 })
    clock.advance(500)
    expect(store.view(job)).toEqual({ phase: 'succeeded', position: 0, progress: 1, finishedAt: 1300 })
  })

  it('fails, never finishes, or cancels as decided', () => {
    const clock = manualClock(0)
    const store = new JobStore(clock, timing)
    const failing = store.create('p', {}, 'fail')
    const endless = store.create('p', {}, 'never')
    const canceled = store.create('p', {}, 'succeed')
    clock.advance(400)
    expect(store.cancel(canceled.id)).toBe(true)
    clock.advance(100_000)
    expect(store.view(failing).phase).toBe('failed')
    expect(store.view(endless)).toMatchObject({ phase: 'running', progress: 0.99 })
    expect(store.view(canceled)).toMatchObject({ phase: 'canceled', finishedAt: 400 })
    expect(store.cancel(failing.id)).toBe(false)
    expect(store.cancel('missing')).toBe(false)
  })
})
