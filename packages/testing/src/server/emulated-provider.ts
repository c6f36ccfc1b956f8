import type { HttpHandler } from 'msw'
import type { EmulatorClock } from './emulator-clock'
import type { Fault, FaultBook, FaultKind } from './faults'
import type { FileStore } from './file-store'
import type { JobStore, JobTiming } from './job-store'

/**
 * A class's public members as a structural type. The conformance entry bundles
 * its own copy of these declarations, and classes with private fields would make
 * the two copies incompatible (a plugin's emulator would need a cast).
 */
type Surface<T> = Pick<T, keyof T>

/** What a provider's emulator handlers get to work with. */
export interface EmulatorContext {
  readonly provider: string
  /** Where this provider is mounted, for example `http://127.0.0.1:4010/openai`. */
  readonly mountURL: string
  /** Scheme, host and port of the server. */
  readonly origin: string
  /** The key (or token) this emulator accepts. */
  readonly apiKey: string
  /** True when any non-empty key of the right format is accepted (the standalone server). */
  readonly acceptAnyKey: boolean
  readonly faults: Surface<FaultBook>
  readonly jobs: Surface<JobStore>
  readonly clock: EmulatorClock
  readonly timing: Required<JobTiming>
  readonly files: Surface<FileStore>
  /** Aborts when the emulator closes: end streams and waits on it. */
  readonly signal: AbortSignal
  /** A real PNG of exactly this size, drawn from the prompt by the local renderer on a worker thread. */
  render(prompt: string, width: number, height: number, seed: number): Promise<Buffer>
  /** Uses up one armed fault of `kind` for this provider's `endpoint`, if any. */
  take(kind: FaultKind | readonly FaultKind[], endpoint: string): Fault | undefined
  /** Whether `presented` is an acceptable key. */
  isValidKey(presented: string | undefined): boolean
}

/** One provider's emulator: msw handlers plus what the server needs to route and fault them. */
export interface EmulatedProvider {
  readonly id: string
  /** Environment that points the llmkit provider (and its official SDK) at this emulator. */
  environment(context: EmulatorContext): Record<string, string>
  handlers(context: EmulatorContext): HttpHandler[]
  /** Names the endpoint of a request (for fault targeting and the request log). Path is relative to the mount. */
  endpointOf(method: string, path: string): string
  /** The provider's error envelope, used when the server injects a status fault. */
  errorBody(status: number, message: string): unknown
  /** Default accepted key. */
  readonly defaultKey: string
}

/** Helper for provider modules: keeps the definition typed. */
export function defineEmulatedProvider(provider: EmulatedProvider): EmulatedProvider {
  return provider
}

/** Whether `value` has the shape of an {@link EmulatedProvider} (for modules loaded at run time). */
export function isEmulatedProvider(value: unknown): value is EmulatedProvider {
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as Record<string, unknown>
  return (
    typeof candidate.id === 'string' &&
    ['environment', 'handlers', 'endpointOf', 'errorBody'].every((name) => typeof candidate[name] === 'function')
  )
}
