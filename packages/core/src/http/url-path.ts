import { LLMKitError } from '../errors/llmkit-error'

/**
 * What one path segment built from a value (a model id part, a job id) may
 * hold: letters, digits and `. _ ~ : @ + -`, not only dots. Nothing that would
 * need percent-encoding, so a value can never smuggle in a `/`, a `..` or an
 * encoded form of either.
 */
const SEGMENT = /^(?!\.+$)[A-Za-z0-9._~:@+-]{1,256}$/

/** The segment grammar, as said in error messages. */
export const PATH_SEGMENT_GRAMMAR =
  'letters, digits and . _ ~ : @ + - (1 to 256 of them, not only dots); no "/", no percent-encoding'

/** True when `value` may be one segment of a request path as it is. */
export function isSafePathSegment(value: unknown): boolean {
  return typeof value === 'string' && SEGMENT.test(value)
}

/**
 * Joins values onto a base URL as path segments, each checked against
 * {@link PATH_SEGMENT_GRAMMAR}, so the request can never leave the base URL's
 * path. A value holding several segments (`fal-ai/flux/dev`) is passed split:
 * `joinUrlPath(base, ...endpoint.split('/'))`. Throws `invalid_request`, before
 * any network call, naming the value and the grammar.
 */
export function joinUrlPath(base: string, ...segments: readonly string[]): string {
  let url = base.endsWith('/') ? base.slice(0, -1) : base
  for (const segment of segments) {
    if (!isSafePathSegment(segment)) throw unsafeSegment(segment)
    url += `/${segment}`
  }
  return url
}

function unsafeSegment(segment: unknown): LLMKitError {
  const shown = typeof segment === 'string' ? JSON.stringify(segment.slice(0, 80)) : String(segment)
  return new LLMKitError({
    code: 'invalid_request',
    message: `Refused to put ${shown} into a request path: each part must be ${PATH_SEGMENT_GRAMMAR}`,
  })
}
