import type { ImageProgressEvent } from './progress-event'

/**
 * Turns a callback-style run into an async iterable of its events. The run's
 * failure is thrown from the iterator; leaving the loop early aborts the run.
 */
export function eventStream(
  userSignal: AbortSignal | undefined,
  run: (signal: AbortSignal, onProgress: (event: ImageProgressEvent) => void) => Promise<unknown>,
): AsyncIterable<ImageProgressEvent> {
  return {
    [Symbol.asyncIterator]() {
      const controller = new AbortController()
      const onAbort = () => controller.abort(userSignal!.reason)
      if (userSignal?.aborted) onAbort()
      else userSignal?.addEventListener('abort', onAbort, { once: true })
      const queue: ImageProgressEvent[] = []
      let wake: (() => void) | undefined
      let finished = false
      let failure: { error: unknown } | undefined
      const task = run(controller.signal, (event) => {
        queue.push(event)
        wake?.()
      })
        .then(
          () => undefined,
          (error: unknown) => {
            failure = { error }
          },
        )
        .finally(() => {
          finished = true
          userSignal?.removeEventListener('abort', onAbort)
          wake?.()
        })
      return {
        async next(): Promise<IteratorResult<ImageProgressEvent>> {
          for (;;) {
            const event = queue.shift()
            if (event) return { value: event, done: false }
            if (failure) {
              const { error } = failure
              failure = undefined
              throw error
            }
            if (finished) return { value: undefined, done: true }
            await new Promise<void>((resolve) => (wake = resolve))
            wake = undefined
          }
        },
        async return(): Promise<IteratorResult<ImageProgressEvent>> {
          if (!finished)
            controller.abort(new DOMException('The stream was closed before the generation finished', 'AbortError'))
          await task
          return { value: undefined, done: true }
        },
      }
    },
  }
}
