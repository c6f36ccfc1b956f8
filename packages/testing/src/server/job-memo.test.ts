import { describe, expect, it } from 'vitest'
import { memoOnce } from './job-memo'

describe('memoOnce', () => {
  it('starts once for callers that ask at once, and keeps the result', async () => {
    const memo: Record<string, unknown> = {}
    let started = 0
    const start = async () => `picture ${++started}`
    const answers = await Promise.all([
      memoOnce(memo, 'url', start),
      memoOnce(memo, 'url', start),
      memoOnce(memo, 'url', start),
    ])
    expect(answers).toEqual(['picture 1', 'picture 1', 'picture 1'])
    expect(await memoOnce(memo, 'url', start)).toBe('picture 1')
    expect(started).toBe(1)
  })

  it('forgets a failure, so the next caller starts again', async () => {
    const memo: Record<string, unknown> = {}
    let started = 0
    const start = async () => {
      started += 1
      if (started === 1) throw new Error('render worker crashed')
      return 'picture'
    }
    const [first, second] = await Promise.allSettled([memoOnce(memo, 'url', start), memoOnce(memo, 'url', start)])
    expect(first).toMatchObject({ status: 'rejected', reason: new Error('render worker crashed') })
    expect(second).toMatchObject({ status: 'rejected' })
    expect(memo).toEqual({})
    expect(await memoOnce(memo, 'url', start)).toBe('picture')
    expect(started).toBe(2)
  })
})
