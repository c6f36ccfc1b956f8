import { UndiciTransport, isUndiciUsable } from '../http/undici-transport'
import type { Platform } from './platform'

// The only module that brings in undici and Node built-ins. The web build of core
// (package.json's non-`node` export) replaces it with ./web.ts (see tsup.config.ts).
// DNS checks, file writes and plugin imports are loaded on first use: an app that only
// generates never needs them, and a bundler leaves them in chunks it never loads.

/** Node, Deno and Bun: undici where its dispatcher works, DNS, the file system. */
export const platform: Platform = {
  undiciTransport: (options) => (isUndiciUsable() ? new UndiciTransport(options) : undefined),
  assertPublicName: async (hostname) => (await import('../http/node-address-check')).assertPublicHost(hostname),
  writeFileAtomic: async (path, data, options) =>
    (await import('../util/atomic-write')).writeFileAtomic(path, data, options),
  importFrom: async (specifier, directory) =>
    (await import('../provider/import-from')).importFrom(specifier, directory),
}
