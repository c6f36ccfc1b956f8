import { LLMKitError } from '../errors/llmkit-error'
import type { Platform } from './platform'

// Core's build for browsers and edge runtimes: no undici, no DNS, no file system.

function needsNode(what: string): LLMKitError {
  return new LLMKitError({
    code: 'invalid_request',
    isRetryable: false,
    message: `${what} needs Node's file system; this is the build of @llmkit/core for browsers and edge runtimes, which has none. Use image.bytes() and store the bytes yourself`,
  })
}

/** Browsers and edge runtimes: the global fetch, literal addresses checked, nothing written to disk. */
export const platform: Platform = {
  undiciTransport: () => undefined,
  assertPublicName: undefined,
  writeFileAtomic: (path) => Promise.reject(needsNode(`Writing ${path}`)),
  importFrom: (specifier) => Promise.reject(needsNode(`Importing ${specifier} from a folder`)),
}
