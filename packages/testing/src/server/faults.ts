import { AsyncLocalStorage } from 'node:async_hooks'

/**
 * Faults the emulators inject. Transport faults (latency, rate_limit,
 * server_error, reset, stall, malformed_json, truncated) are applied to any
 * endpoint by the server; the others are interpreted by each provider's handlers.
 */
export type FaultKind =
  | 'latency'
  | 'rate_limit'
  | 'server_error'
  | 'reset'
  | 'stall'
  | 'malformed_json'
  | 'truncated'
  | 'unauthorized'
  | 'content_policy'
  | 'quota_exceeded'
  | 'empty_result'
  | 'job_fails'
  | 'job_never_finishes'
  | 'token_expired'
  | 'token_invalid'
  | 'image_404'
  | 'image_too_large'
  | 'image_url_file'
  | 'image_url_metadata'
  | 'id_traversal'

/** One fault to inject. */
export interface Fault {
  kind: FaultKind
  /** Only this provider's requests (`openai`, `fal`, …). Default: any. */
  provider?: string
  /** Only this endpoint, as the provider's emulator names it (`generate`, `submit`, `status`, `result`, `cancel`, `download`, …). Default: any. */
  endpoint?: string
  /** How many matching requests it affects. Default 1; `Infinity` for every one. */
  times?: number
  /** `latency`: delay in ms (default 200). */
  delayMs?: number
  /** `rate_limit`: Retry-After seconds (default 1; 0 allowed). */
  retryAfterSeconds?: number
  /** `server_error`: status (default 500). */
  status?: number
  /** Free-form message for errors the fault produces. */
  message?: string
}

/** The URL `image_url_file` hands out instead of an image: a client must never read it. */
export const HOSTILE_FILE_URL = 'file:///etc/passwd'
/** The URL `image_url_metadata` hands out: a cloud metadata address a client must refuse before connecting. */
export const HOSTILE_METADATA_URL = 'http://169.254.169.254/latest/meta-data/iam/security-credentials/'
/** The job id prefix `id_traversal` gives the next job: a client must not put it into a request path. */
export const TRAVERSAL_ID_PREFIX = '../../admin/'

/** The transport faults the server applies itself. */
export const TRANSPORT_FAULTS: ReadonlySet<FaultKind> = new Set([
  'latency',
  'rate_limit',
  'server_error',
  'reset',
  'stall',
  'malformed_json',
  'truncated',
])

interface ArmedFault extends Fault {
  remaining: number
  hits: number
  /** Order in which it was armed: a request only takes faults armed before it arrived. */
  armed: number
}

/**
 * How many faults had been armed when the request being handled arrived. A slow
 * request left over from one test must not use up a fault the next test arms.
 */
const arrival = new AsyncLocalStorage<number>()

/** The set of armed faults; each use counts down until it is spent. */
export class FaultBook {
  private faults: ArmedFault[] = []
  private armedCount = 0

  add(fault: Fault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1, hits: 0, armed: this.armedCount++ })
  }

  /** Runs `handle` as one arriving request: it sees only the faults armed so far. */
  arrive<T>(handle: () => T): T {
    return arrival.run(this.armedCount, handle)
  }

  clear(): void {
    this.faults = []
  }

  /** Takes one use of the first armed fault of `kind` (or any of `kinds`) matching this request, if any. */
  take(kinds: FaultKind | readonly FaultKind[], provider: string, endpoint: string): Fault | undefined {
    const wanted = typeof kinds === 'string' ? [kinds] : kinds
    const armedBefore = arrival.getStore() ?? Infinity
    const fault = this.faults.find(
      (f) =>
        f.remaining > 0 &&
        f.armed < armedBefore &&
        wanted.includes(f.kind) &&
        (!f.provider || f.provider === provider) &&
        (!f.endpoint || f.endpoint === endpoint),
    )
    if (!fault) return undefined
    fault.remaining -= 1
    fault.hits += 1
    return fault
  }

  /** Whether a fault of `kind` is armed for this request (does not use it up). */
  has(kind: FaultKind, provider: string, endpoint: string): boolean {
    const armedBefore = arrival.getStore() ?? Infinity
    return this.faults.some(
      (f) =>
        f.remaining > 0 &&
        f.armed < armedBefore &&
        f.kind === kind &&
        (!f.provider || f.provider === provider) &&
        (!f.endpoint || f.endpoint === endpoint),
    )
  }
}
