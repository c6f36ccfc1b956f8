import type { PoolOptions, Transport } from '../http/transport'

/** Options for {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** File mode for a new file, for example `0o600` for secrets. Default `0o644`. */
  mode?: number
  /** Create missing parent folders. Default true. */
  createDirectories?: boolean
}

/**
 * What core needs of Node (undici, DNS, the file system, module resolution).
 * `./node` has it all; `./web` (the build bundlers get for browsers and edge
 * runtimes) has none of it, so that build imports no Node built-in.
 */
export interface Platform {
  /** undici's transport, where this build has undici and its dispatcher works (Bun's substitute does not). */
  undiciTransport(options: PoolOptions): Transport | undefined
  /** Resolves a host name and throws when any of its addresses is not public; undefined without DNS. */
  readonly assertPublicName: ((hostname: string) => Promise<void>) | undefined
  writeFileAtomic(path: string, data: Uint8Array | string, options: AtomicWriteOptions): Promise<void>
  importFrom(specifier: string, directory: string): Promise<Record<string, unknown>>
}
