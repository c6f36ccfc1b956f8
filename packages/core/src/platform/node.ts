import { assertPublicHost } from '../http/node-address-check'
import { UndiciTransport, isUndiciUsable } from '../http/undici-transport'
import { importFrom } from '../provider/import-from'
import { writeFileAtomic } from '../util/atomic-write'
import type { Platform } from './platform'

// The only module that brings in undici and Node built-ins. The web build of core
// (package.json's non-`node` export) replaces it with ./web.ts (see tsup.config.ts).

/** Node, Deno and Bun: undici where its dispatcher works, DNS, the file system. */
export const platform: Platform = {
  undiciTransport: (options) => (isUndiciUsable() ? new UndiciTransport(options) : undefined),
  assertPublicName: assertPublicHost,
  writeFileAtomic,
  importFrom,
}
