import type { ImageProgressEvent } from './progress-event'

/**
 * `streamImage()`'s iterable: {@link eventStream} (./event-stream.ts), loaded when the
 * stream is first read, so that an app that never streams never loads it.
 */
export function progressStream(
  userSignal: AbortSignal | undefined,
  run: (signal: AbortSignal, onProgress: (event: ImageProgressEvent) => void) => Promise<unknown>,
): AsyncIterable<ImageProgressEvent> {
  return {
    async *[Symbol.asyncIterator]() {
      yield* (await import('./event-stream')).eventStream(userSignal, run)
    },
  }
}
