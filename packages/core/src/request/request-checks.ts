import { invalidRequest } from '../errors/llmkit-error'
import { ImageFormat, ImageQuality, ImageStyle } from './image-options'
import { ImageSize, parseAspectRatio } from './image-size'

/** The most images one request may ask for. */
export const MAX_IMAGES_PER_REQUEST = 10
/** The largest seed any provider accepts (unsigned 32-bit). */
export const MAX_SEED = 2 ** 32 - 1
/** Longest prompt accepted before any provider sees it. */
export const MAX_PROMPT_LENGTH = 32_000

/**
 * A checker: `accept` says whether a value is good (and may normalise it);
 * anything else throws `invalid_request` with what was expected. Plain checks,
 * not zod: a request is built per call, and these run several times each.
 */
function rule<T>(method: string, accept: (value: unknown) => T | undefined, expected: string): (value: unknown) => T {
  return (value) => {
    const accepted = accept(value)
    if (accepted === undefined) throw invalidRequest(`${method}: ${expected}, got ${describe(value)}`)
    return accepted
  }
}

/** Trimmed text of 1..max characters, or undefined. */
const text = (max: number) => (value: unknown) => {
  if (typeof value !== 'string') return undefined
  const trimmed = value.trim()
  return trimmed.length >= 1 && trimmed.length <= max ? trimmed : undefined
}

/** A whole number in min..max, or undefined. */
const whole = (min: number, max: number) => (value: unknown) =>
  Number.isInteger(value) && (value as number) >= min && (value as number) <= max ? (value as number) : undefined

/** An object literal (or `Object.create(null)`), not an array, class instance or null. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const prototype = Object.getPrototypeOf(value) as unknown
  return prototype === Object.prototype || prototype === null
}

/** One of an enum's values, or undefined. */
const oneOf = <E extends string>(values: Record<string, E>) => {
  const allowed: ReadonlySet<unknown> = new Set(Object.values(values))
  return (value: unknown) => (allowed.has(value) ? (value as E) : undefined)
}

/** A short, safe description of a wrong value for an error message. */
export function describe(value: unknown): string {
  if (typeof value === 'string')
    return value === ''
      ? 'an empty string'
      : value.trim() === ''
        ? 'only whitespace'
        : JSON.stringify(value.slice(0, 60))
  if (value === undefined || value === null) return String(value)
  if (typeof value === 'object') return 'an object'
  return String(value)
}

const REQUEST = 'ImageGenerationRequest'
const OPTIONS_METHOD = 'with_provider_options'

/** One checker per request field; each throws `invalid_request` with what it expected. */
export const checkers = {
  model: rule(REQUEST, text(300), 'model must be a non-empty model id such as "dall-e-3" or "local:sketch"'),
  prompt: rule(
    REQUEST,
    text(MAX_PROMPT_LENGTH),
    `prompt must be non-empty text of at most ${MAX_PROMPT_LENGTH} characters`,
  ),
  n: rule('with_n', whole(1, MAX_IMAGES_PER_REQUEST), `n must be a whole number from 1 to ${MAX_IMAGES_PER_REQUEST}`),
  size: rule(
    'with_size',
    (value) => (value instanceof ImageSize ? value : undefined),
    'size must be an ImageSize (ImageSize.Square1024, ImageSize.custom(w, h), ImageSize.parse("1792x1024"))',
  ),
  quality: rule('with_quality', oneOf(ImageQuality), 'quality must be ImageQuality.Standard or ImageQuality.Hd'),
  style: rule('with_style', oneOf(ImageStyle), 'style must be ImageStyle.Natural or ImageStyle.Vivid'),
  format: rule('with_format', oneOf(ImageFormat), 'format must be ImageFormat.Url or ImageFormat.B64Json'),
  negative: rule('with_negative_prompt', text(MAX_PROMPT_LENGTH), 'negative prompt must be non-empty text'),
  seed: rule('with_seed', whole(0, MAX_SEED), `seed must be a whole number from 0 to ${MAX_SEED}`),
  aspect: rule(
    'with_aspect_ratio',
    (value) => (typeof value === 'string' && parseAspectRatio(value) !== undefined ? value : undefined),
    'aspect ratio must look like "16:9"',
  ),
  providerId: rule(
    OPTIONS_METHOD,
    (value) => (typeof value === 'string' && /^[a-z0-9][a-z0-9-]*$/.test(value) ? value : undefined),
    'provider must be a provider id such as "fal"',
  ),
  options: rule(
    OPTIONS_METHOD,
    (value) => (isPlainObject(value) ? value : undefined),
    'options must be a plain object',
  ),
}
