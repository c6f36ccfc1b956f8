import { describe, expect, it, vi } from 'vitest'
import { jsonLines } from './request-log'

const entry = (id: string) => ({
  time: '2026-01-01T00:00:00.000Z',
  level: 'info' as const,
  msg: 'request',
  request_id: id,
})

describe('jsonLines', () => {
  it('writes the lines of a few milliseconds in one write, in order, one JSON object per line', async () => {
    vi.useFakeTimers()
    try {
      const writes: string[] = []
      const log = jsonLines({ write: (text: string) => writes.push(text) })
      log(entry('a'))
      await vi.advanceTimersByTimeAsync(5)
      log(entry('b'))
      expect(writes).toEqual([])
      await vi.advanceTimersByTimeAsync(5)
      expect(writes).toHaveLength(1)
      expect(
        writes[0]!
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line).request_id),
      ).toEqual(['a', 'b'])
      log(entry('c'))
      await vi.advanceTimersByTimeAsync(10)
      expect(writes).toHaveLength(2)
      expect(JSON.parse(writes[1]!).request_id).toBe('c')
    } finally {
      vi.useRealTimers()
    }
  })

  it('writes at once when the held lines grow past 64 KiB', () => {
    const writes: string[] = []
    const log = jsonLines({ write: (text: string) => writes.push(text) })
    for (let i = 0; writes.length === 0 && i < 10_000; i++) log(entry(`r${i}`.padEnd(100, '.')))
    expect(writes).toHaveLength(1)
    expect(writes[0]!.length).toBeGreaterThanOrEqual(64 * 1024)
    expect(writes[0]!.length).toBeLessThan(64 * 1024 + 200)
    log.flush!()
  })

  it('writes held lines at once on flush (the gateway flushes on close)', () => {
    const writes: string[] = []
    const log = jsonLines({ write: (text: string) => writes.push(text) })
    log(entry('last'))
    log.flush!()
    expect(writes).toHaveLength(1)
    log.flush!()
    expect(writes).toHaveLength(1)
  })
})
