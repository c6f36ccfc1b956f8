import { describe, expect, it } from 'vitest'
import { parseServerSentEvents, type ServerSentEvent } from './server-sent-events'

async function* chunks(parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder()
  for (const part of parts) yield typeof part === 'string' ? encoder.encode(part) : part
}

async function parse(parts: (string | Uint8Array)[]): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = []
  for await (const event of parseServerSentEvents(chunks(parts))) events.push(event)
  return events
}

/** Splits text into pieces of `size` characters. */
function every(text: string, size: number): string[] {
  const parts: string[] = []
  for (let index = 0; index < text.length; index += size) parts.push(text.slice(index, index + size))
  return parts
}

const STREAM =
  ': keep-alive\n\nid: 1\nevent: status\ndata: {"status":"IN_QUEUE","queue_position":2}\n\ndata: line one\ndata: line two\n\nevent: done\ndata:{"status":"COMPLETED"}\n\n'
const EXPECTED: ServerSentEvent[] = [
  { event: 'status', data: '{"status":"IN_QUEUE","queue_position":2}', id: '1' },
  { event: 'message', data: 'line one\nline two', id: '1' },
  { event: 'done', data: '{"status":"COMPLETED"}', id: '1' },
]

describe('parseServerSentEvents', () => {
  it('parses a whole stream in one chunk', async () => {
    expect(await parse([STREAM])).toEqual(EXPECTED)
  })

  it.each([1, 2, 3, 7, 13])('gives the same events when chunks are %s characters long', async (size) => {
    expect(await parse(every(STREAM, size))).toEqual(EXPECTED)
  })

  it('handles CRLF line ends split between the CR and the LF', async () => {
    expect(await parse(['data: a\r', '\n\r', '\ndata: b\r\n', '\r\n'])).toEqual([
      { event: 'message', data: 'a', id: undefined },
      { event: 'message', data: 'b', id: undefined },
    ])
  })

  it.each([1, 2, 5, 1000])('reads lone CR and mixed line ends as the format allows (chunks of %s)', async (size) => {
    const crOnly = STREAM.replaceAll('\n', '\r')
    expect(await parse(every(crOnly, size))).toEqual(EXPECTED)
    const mixed = 'data: a\r\rdata: b\n\ndata: c\r\n\r\ndata: d\rdata: e\n\r'
    expect(await parse(every(mixed, size))).toEqual([
      { event: 'message', data: 'a', id: undefined },
      { event: 'message', data: 'b', id: undefined },
      { event: 'message', data: 'c', id: undefined },
      { event: 'message', data: 'd\ne', id: undefined },
    ])
  })

  it('decodes a multi-byte character split across chunks', async () => {
    const bytes = new TextEncoder().encode('data: café ☕\n\n')
    const cut = bytes.indexOf(0xe2) + 1
    expect(await parse([bytes.slice(0, 7), bytes.slice(7, cut), bytes.slice(cut)])).toEqual([
      { event: 'message', data: 'café ☕', id: undefined },
    ])
  })

  it('ignores comments and events without data, and keeps one leading space only', async () => {
    expect(await parse([': ping\n\nevent: empty\n\ndata:  two spaces\n\n'])).toEqual([
      { event: 'message', data: ' two spaces', id: undefined },
    ])
  })

  it('flushes a last event whose blank line never came', async () => {
    expect(await parse(['data: tail\n'])).toEqual([{ event: 'message', data: 'tail', id: undefined }])
  })
})
