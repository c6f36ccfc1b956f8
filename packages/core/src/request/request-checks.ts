import * as z from 'zod'
import { invalidRequest } from '../errors/llmkit-error'
import { ImageFormat, ImageQuality, ImageStyle } from './image-options'
import { ImageSize, parseAspectRatio } from './image-size'

/** The most images one request may ask for. */
export const MAX_IMAGES_PER_REQUEST = 10
/** The largest seed any provider accepts (unsigned 32-bit). */
export const MAX_SEED = 2 ** 32 - 1
/** Longest prompt accepted before any provider sees it. */
export const MAX_PROMPT_LENGTH = 32_000

const promptSchema = z.string().trim().min(1).max(MAX_PROMPT_LENGTH)

/** A checker whose schema is built once, here, not on every call (a request is built per call). */
function rule<T>(method: string, schema: z.ZodType<T>, expected: string): (value: unknown) => T {
  return (value) => {
    const result = schema.safeParse(value)
    if (!result.success) throw invalidRequest(`${method}: ${expected}, got ${describe(value)}`)
    return result.data
  }
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

/** One checker per request field; each throws `invalid_request` with what it expected. */
export const checkers = {
  model: rule(
    'ImageGenerationRequest',
    z.string().trim().min(1).max(300),
    'model must be a non-empty model id such as "dall-e-3" or "local:sketch"',
  ),
  prompt: rule(
    'ImageGenerationRequest',
    promptSchema,
    `prompt must be non-empty text of at most ${MAX_PROMPT_LENGTH} characters`,
  ),
  n: rule(
    'with_n',
    z.number().int().min(1).max(MAX_IMAGES_PER_REQUEST),
    `n must be a whole number from 1 to ${MAX_IMAGES_PER_REQUEST}`,
  ),
  size: rule(
    'with_size',
    z.custom<ImageSize>((value) => value instanceof ImageSize),
    'size must be an ImageSize (ImageSize.Square1024, ImageSize.custom(w, h), ImageSize.parse("1792x1024"))',
  ),
  quality: rule(
    'with_quality',
    z.enum(Object.values(ImageQuality) as [ImageQuality]),
    'quality must be ImageQuality.Standard or ImageQuality.Hd',
  ),
  style: rule(
    'with_style',
    z.enum(Object.values(ImageStyle) as [ImageStyle]),
    'style must be ImageStyle.Natural or ImageStyle.Vivid',
  ),
  format: rule(
    'with_format',
    z.enum(Object.values(ImageFormat) as [ImageFormat]),
    'format must be ImageFormat.Url or ImageFormat.B64Json',
  ),
  negative: rule('with_negative_prompt', promptSchema, 'negative prompt must be non-empty text'),
  seed: rule('with_seed', z.number().int().min(0).max(MAX_SEED), `seed must be a whole number from 0 to ${MAX_SEED}`),
  aspect: rule(
    'with_aspect_ratio',
    z.string().refine((text) => parseAspectRatio(text) !== undefined),
    'aspect ratio must look like "16:9"',
  ),
  providerId: rule(
    'with_provider_options',
    z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    'provider must be a provider id such as "fal"',
  ),
  options: rule('with_provider_options', z.record(z.string(), z.unknown()), 'options must be a plain object'),
}
