import type { DownloadPolicy } from '../http/image-download'
import type { HttpClient, HttpClientOptions } from '../http/http-client'
import type { ImageProgressEvent } from '../call/progress-event'
import type { PollOptions } from '../poll/poll-interval'
import type { ImageProvider } from '../provider/image-provider'
import { providerHint, type ProviderHint } from '../provider/provider-hint'
import type { RetryOptions } from '../retry/retry-policy'
import type { Clock } from '../util/clock'

/** Settings for {@link LLMKitClient}. */
export interface LLMKitClientOptions {
  /** Providers to register. */
  providers?: readonly ImageProvider[]
  /**
   * Providers known but not registered (not installed, or without their key):
   * a model id that routes to one says what to install and set. `fromEnv` adds
   * one for each candidate provider it leaves out.
   */
  hints?: readonly ProviderHint[]
  /**
   * Receives warnings about the setup, such as two providers claiming one bare
   * model id. Default: `process.emitWarning` (type `LLMKitWarning`), each message once per process.
   */
  onWarning?: (message: string) => void
  /** A shared HTTP client; default: one made from `httpOptions`. */
  http?: HttpClient
  /** Settings for the default HTTP client (proxy, limits). */
  httpOptions?: HttpClientOptions
  /** Time source; inject one in tests. */
  clock?: Clock
  /** Environment variables providers read their keys from. Default: `process.env` as it is when the client is made. */
  env?: Record<string, string | undefined>
  /** Deadline for one `generateImage` call. Default 300 000 ms. */
  timeoutMs?: number
  /** Calls in flight at once when `n` is split. Default 4. */
  concurrency?: number
  retry?: RetryOptions
  poll?: PollOptions
  /** Cancel a job upstream when the deadline passes (else keep it for `resumeImage`). Default true. */
  cancelOnTimeout?: boolean
  /** Cancel a job upstream when the caller aborts (else keep it for `resumeImage`). Default true. */
  cancelOnAbort?: boolean
  /**
   * Where image downloads may go besides public addresses. By default a
   * provider's image URL may only reach a public address (checked after DNS,
   * on the address connected to) or the host of the provider's own API (its
   * base URL). Widen it for a gateway or emulator on a private network or
   * loopback: `{ allowHosts: ['images.internal'] }` or `{ allowPrivateNetwork: true }`.
   * Images keep the policy for later `image.bytes()` / `image.save()`.
   */
  downloads?: DownloadPolicy
}

/** Per-call settings for `generateImage`, `streamImage` and `resumeImage`. */
export interface GenerateOptions {
  signal?: AbortSignal
  /** Overrides the client's deadline for this call. */
  timeoutMs?: number
  /** Receives progress events (submitted, queued, running, downloading, image, done). */
  onProgress?: (event: ImageProgressEvent) => void
  /** Overrides the client's concurrency for this call. */
  concurrency?: number
  /** Proxy URL for this call's requests. */
  proxy?: string
  /** Overrides the client's `cancelOnAbort` for this call (a server shutting down keeps its jobs for `resumeImage`). */
  cancelOnAbort?: boolean
  /** Overrides the client's `cancelOnTimeout` for this call. */
  cancelOnTimeout?: boolean
}

/** Settings for {@link LLMKitClient.fromEnv}. */
export interface FromEnvOptions extends Omit<LLMKitClientOptions, 'providers'> {
  /** Candidate providers; each is registered when its key is in the environment. */
  providers?: readonly ImageProvider[]
}

/**
 * What `fromEnv` does before constructing: the environment (default a copy of
 * `process.env`), the candidates whose `isConfigured(env)` holds, and a hint
 * for each one left out. For clients that extend {@link LLMKitClient}.
 */
export function optionsFromEnv(options: FromEnvOptions): LLMKitClientOptions {
  const env = options.env ?? { ...globalThis.process?.env }
  const candidates = options.providers ?? []
  const providers = candidates.filter((provider) => provider.isConfigured?.(env) ?? true)
  const missing = candidates.filter((provider) => !providers.includes(provider)).map(providerHint)
  return { ...options, env, providers, hints: [...(options.hints ?? []), ...missing] }
}

const warned = new Set<string>()
export function emitWarningOnce(message: string): void {
  if (warned.has(message)) return
  warned.add(message)
  // Browsers and edge runtimes have no process: their console it is.
  if (globalThis.process?.emitWarning)
    globalThis.process.emitWarning(message, { type: 'LLMKitWarning', code: 'LLMKIT_AMBIGUOUS_MODEL' })
  else console.warn(`LLMKitWarning: ${message}`)
}
