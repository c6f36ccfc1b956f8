import { FaultBook, type Fault } from './server/faults'
import { FileStore } from './server/file-store'
import { JobStore, type JobTiming } from './server/job-store'
import { manualClock, realClock, type EmulatorClock } from './server/emulator-clock'
import type { EmulatedProvider, EmulatorContext } from './server/emulated-provider'
import { createRequestListener, listen, type Mount } from './server/emulator-server'
import type { RecordedRequest } from './server/request-log'
import { createRenderPool } from './server/render-pool'
import { EMULATED_PROVIDERS, type EmulatedProviderId } from './providers/registry'

/** Settings for {@link startEmulator}. */
export interface EmulatorOptions {
  /** Which providers to emulate. Default: all. */
  providers?: readonly (EmulatedProviderId | EmulatedProvider)[]
  /** Faults armed from the start. */
  faults?: readonly Fault[]
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number
  /** `real` (default) or `manual` (jobs move only on `advance(ms)`). */
  clock?: 'real' | 'manual'
  /** How long emulated jobs take. */
  timing?: JobTiming
  /** Keys accepted, per provider id. Default `emu-<provider>-key`. */
  keys?: Partial<Record<string, string>>
  /** Accept any non-empty key of the right format (for the standalone server). Default false. */
  acceptAnyKey?: boolean
}

/** A running emulator. */
export interface Emulator {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string
  /** Environment that points each provider at the emulator, keys included. */
  readonly env: Readonly<Record<string, string>>
  /** Each provider's mount URL. */
  readonly urls: Readonly<Record<string, string>>
  /** Keys the emulator accepts, per provider. */
  readonly keys: Readonly<Record<string, string>>
  /** Every request received, oldest first. */
  readonly requests: readonly RecordedRequest[]
  /** Requests of one provider, optionally one endpoint. */
  requestsFor(provider: string, endpoint?: string): RecordedRequest[]
  readonly clock: EmulatorClock
  readonly jobs: JobStore
  /** Arms a fault. */
  inject(fault: Fault): void
  clearFaults(): void
  /** Forgets the request log. */
  clearRequests(): void
  /** Moves a manual clock forward. */
  advance(ms: number): void
  /** Stops the server, ends streams and stalls, frees the port, ends the render threads. */
  close(): Promise<void>
}

const DEFAULT_TIMING: Required<JobTiming> = { queueMs: 200, runMs: 800, initialPosition: 2 }

/**
 * Serves faithful emulations of the providers' HTTP APIs on loopback.
 *
 * ```ts
 * const emulator = await startEmulator({ providers: ['openai'] })
 * const client = LLMKitClient.fromEnv({ env: emulator.env, providers: [openai] })
 * ```
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = '127.0.0.1'
  const { server, origin, sockets } = await listen(host, options.port ?? 0)
  const clock = options.clock === 'manual' ? manualClock() : realClock()
  const timing = {
    ...DEFAULT_TIMING,
    ...Object.fromEntries(Object.entries(options.timing ?? {}).filter(([, v]) => v !== undefined)),
  }
  const faults = new FaultBook()
  for (const fault of options.faults ?? []) faults.add(fault)
  const files = new FileStore(origin, faults)
  const jobs = new JobStore(clock, timing, faults)
  const log: RecordedRequest[] = []
  const lifetime = new AbortController()
  const renderer = createRenderPool()
  const providers = (options.providers ?? Object.keys(EMULATED_PROVIDERS)).map((entry) =>
    typeof entry === 'string' ? EMULATED_PROVIDERS[entry as EmulatedProviderId] : entry,
  )
  const mounts = new Map<string, Mount>()
  const env: Record<string, string> = {}
  const keys: Record<string, string> = {}
  for (const provider of providers) {
    const apiKey = options.keys?.[provider.id] ?? provider.defaultKey
    const context: EmulatorContext = {
      provider: provider.id,
      mountURL: `${origin}/${provider.id}`,
      origin,
      apiKey,
      acceptAnyKey: options.acceptAnyKey ?? false,
      faults,
      jobs,
      clock,
      timing,
      files,
      signal: lifetime.signal,
      render: (prompt, width, height, seed) => renderer.render(prompt, width, height, seed),
      take: (kind, endpoint) => faults.take(kind, provider.id, endpoint),
      isValidKey: (presented) =>
        presented ? presented === apiKey || ((options.acceptAnyKey ?? false) && presented.trim() !== '') : false,
    }
    mounts.set(provider.id, { provider, context, handlers: provider.handlers(context) })
    Object.assign(env, provider.environment(context))
    keys[provider.id] = apiKey
  }
  server.on(
    'request',
    createRequestListener(mounts, {
      faults,
      files,
      log,
      now: clock.now,
      signal: lifetime.signal,
      maxBodyBytes: 32 * 1024 * 1024,
    }),
  )
  let closed: Promise<void> | undefined
  return {
    origin,
    env,
    keys,
    urls: Object.fromEntries([...mounts.values()].map((m) => [m.provider.id, m.context.mountURL])),
    get requests() {
      return log
    },
    requestsFor: (provider, endpoint) =>
      log.filter((r) => r.provider === provider && (!endpoint || r.endpoint === endpoint)),
    clock,
    jobs,
    inject: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    clearRequests: () => void log.splice(0),
    advance: (ms) => clock.advance(ms),
    close() {
      closed ??= Promise.all([
        new Promise<void>((resolve) => {
          lifetime.abort()
          server.close(() => resolve())
          server.closeAllConnections()
          for (const socket of sockets) socket.destroy()
        }),
        renderer.close(),
      ]).then(() => undefined)
      return closed
    },
  }
}
