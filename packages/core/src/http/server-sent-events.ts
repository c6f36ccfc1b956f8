/** One server-sent event. */
export interface ServerSentEvent {
  readonly event: string
  readonly data: string
  readonly id?: string
}

/** Parses a `text/event-stream` body as it arrives (for status streams such as fal's). */
export async function* parseServerSentEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  // The parser is loaded with the first stream: most apps never open one.
  yield* (await import('./event-stream-parser')).readServerSentEvents(body)
}
