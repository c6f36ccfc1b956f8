import type { ServerSentEvent } from './server-sent-events'

/** The parser behind {@link parseServerSentEvents} (./server-sent-events.ts loads it on first use). */
export async function* readServerSentEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder()
  let buffer = ''
  let event = 'message'
  let data: string[] = []
  let id: string | undefined
  // A CR that ended the last chunk: an LF starting the next one belongs to it.
  let afterCR = false
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true })
    for (;;) {
      if (afterCR && buffer.length > 0) {
        if (buffer[0] === '\n') buffer = buffer.slice(1)
        afterCR = false
      }
      // Lines end with CRLF, LF or a lone CR (the event-stream format allows all three).
      const end = buffer.search(/[\r\n]/)
      if (end === -1) break
      const line = buffer.slice(0, end)
      const isCRLF = buffer[end] === '\r' && buffer[end + 1] === '\n'
      afterCR = buffer[end] === '\r' && end + 1 === buffer.length
      buffer = buffer.slice(isCRLF ? end + 2 : end + 1)
      if (line === '') {
        if (data.length > 0) yield { event, data: data.join('\n'), id }
        event = 'message'
        data = []
        continue
      }
      if (line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon === -1 ? line : line.slice(0, colon)
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '')
      if (field === 'data') data.push(value)
      else if (field === 'event') event = value
      else if (field === 'id') id = value
    }
  }
  if (data.length > 0) yield { event, data: data.join('\n'), id }
}
