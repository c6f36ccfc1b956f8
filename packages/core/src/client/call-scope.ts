import { LLMKitError } from '../errors/llmkit-error'

/** The abort signal of one `generateImage` call: the user's signal, plus the deadline. */
export interface CallScope {
  readonly signal: AbortSignal
  readonly deadline: number
  dispose(): void
}

/** Combines the caller's signal with a deadline; the deadline aborts with a `timeout` LLMKitError. */
export function createCallScope(userSignal: AbortSignal | undefined, timeoutMs: number, now: number, describe: () => string): CallScope {
  const controller = new AbortController()
  const deadline = now + timeoutMs
  const timer = setTimeout(() => {
    controller.abort(new LLMKitError({ code: 'timeout', message: `${describe()} did not finish within ${timeoutMs} ms; raise timeoutMs` }))
  }, timeoutMs)
  const onAbort = () => controller.abort(userSignal!.reason)
  if (userSignal?.aborted) onAbort()
  else userSignal?.addEventListener('abort', onAbort, { once: true })
  return {
    signal: controller.signal,
    deadline,
    dispose() {
      clearTimeout(timer)
      userSignal?.removeEventListener('abort', onAbort)
    },
  }
}
