import { describe, expect, it } from 'vitest'
import { jsonLines } from './request-log'

const entry = (id: string) => ({
  time: '2026-01-01T00:00:00.000Z',
  level: 'info' as const,
  msg: 'request',
  request_id: id,
})

describe('jsonLines', () => {
  it('writes the lines of one event-loop turn in one write, in order, one JSON object per line', async () => {
    const writes: string[] = []
    const log = jsonLines({ write: (text: string) => writes.push(text) })
    log(entry('a'))
    log(entry('b'))
    expect(writes).toEqual([])
    await new Promise((resolve) => setImmediate(resolve))
    expect(writes).toHaveLength(1)
    expect(
      writes[0]!
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line).request_id),
    ).toEqual(['a', 'b'])
    log(entry('c'))
    await new Promise((resolve) => setImmediate(resolve))
    expect(writes).toHaveLength(2)
    expect(JSON.parse(writes[1]!).request_id).toBe('c')
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
