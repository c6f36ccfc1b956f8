import { ImageFormat, type ImageQuality, type ImageStyle } from './image-options'
import { ImageSize } from './image-size'
import { invalidRequest } from '../errors/llmkit-error'
import { checkers, describe } from './request-checks'
import type { ImageModelId } from './model-ids'

export { MAX_IMAGES_PER_REQUEST, MAX_PROMPT_LENGTH, MAX_SEED } from './request-checks'

/** The `with_*` method each plain field goes through (`model` and `prompt` go to the constructor), in order. */
const SETTERS = {
  n: 'with_n',
  size: 'with_size',
  quality: 'with_quality',
  style: 'with_style',
  format: 'with_format',
  negative_prompt: 'with_negative_prompt',
  seed: 'with_seed',
  aspect_ratio: 'with_aspect_ratio',
} as const
const PLAIN_FIELDS: ReadonlySet<string> = new Set(['model', 'prompt', ...Object.keys(SETTERS), 'provider_options'])

/** A size given as an ImageSize (of any copy of core) or as text such as `1024x1024`. */
function sizeOf(value: unknown): ImageSize {
  if (value instanceof ImageSize) return value
  if (typeof value === 'string') return ImageSize.parse(value)
  const size = value as { width?: unknown; height?: unknown } | null
  if (typeof size === 'object' && size !== null && typeof size.width === 'number' && typeof size.height === 'number')
    return ImageSize.custom(size.width, size.height)
  return checkers.size(value)
}

/** The plain-data form of a request (what `toJSON()` returns and `fromJSON()` reads). */
export interface ImageGenerationRequestData {
  model: ImageModelId
  prompt: string
  n: number
  size?: string
  quality?: ImageQuality
  style?: ImageStyle
  format: ImageFormat
  negative_prompt?: string
  seed?: number
  aspect_ratio?: string
  provider_options?: Record<string, Record<string, unknown>>
}

/**
 * What to generate. Immutable: every `with_*` method returns a new request, and
 * bad values throw an `LLMKitError` (`invalid_request`) right away, before any
 * network call.
 *
 * ```ts
 * const request = new ImageGenerationRequest('dall-e-3', 'A serene mountain landscape')
 *   .with_size(ImageSize.Landscape1792x1024)
 *   .with_quality(ImageQuality.Hd)
 * ```
 */
export class ImageGenerationRequest {
  /** Model id, optionally `provider:model`. */
  readonly model: string
  /** The text prompt, trimmed. */
  readonly prompt: string
  /** How many images (1..10). Default 1. */
  readonly n: number = 1
  /** Requested size; undefined means the model's default (1024x1024 for most). */
  readonly size?: ImageSize
  readonly quality?: ImageQuality
  readonly style?: ImageStyle
  /** Default `ImageFormat.Url`. */
  readonly format: ImageFormat = ImageFormat.Url
  readonly negative_prompt?: string
  readonly seed?: number
  /** Requested aspect ratio such as `16:9`, for providers that take ratios. */
  readonly aspect_ratio?: string
  /** Provider-specific options keyed by provider id, validated by that provider. */
  readonly provider_options: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {}

  constructor(model: ImageModelId, prompt: string) {
    this.model = checkers.model(model)
    this.prompt = checkers.prompt(prompt)
    Object.freeze(this)
  }

  private with(patch: Partial<ImageGenerationRequestData> | Record<string, unknown>): ImageGenerationRequest {
    const next = Object.create(ImageGenerationRequest.prototype) as ImageGenerationRequest
    Object.assign(next, this, patch)
    return Object.freeze(next) as ImageGenerationRequest
  }

  /** Number of images, 1 to 10 (checked again against the model's limit). */
  with_n(count: number): ImageGenerationRequest {
    return this.with({ n: checkers.n(count) })
  }

  /** Image dimensions: `ImageSize.Square1024` (default), another documented size, or `ImageSize.custom(w, h)`. */
  with_size(size: ImageSize): ImageGenerationRequest {
    return this.with({ size: checkers.size(size) })
  }

  /** `ImageQuality.Standard` or `ImageQuality.Hd` (models without it warn and ignore it). */
  with_quality(quality: ImageQuality): ImageGenerationRequest {
    return this.with({ quality: checkers.quality(quality) })
  }

  /** `ImageStyle.Natural` or `ImageStyle.Vivid` (models without it warn and ignore it). */
  with_style(style: ImageStyle): ImageGenerationRequest {
    return this.with({ style: checkers.style(style) })
  }

  /** `ImageFormat.Url` (default) or `ImageFormat.B64Json`. */
  with_format(format: ImageFormat): ImageGenerationRequest {
    return this.with({ format: checkers.format(format) })
  }

  /** What the image should not contain (models without it warn and ignore it). */
  with_negative_prompt(prompt: string): ImageGenerationRequest {
    return this.with({ negative_prompt: checkers.negative(prompt) })
  }

  /** A seed from 0 to 2^32-1 for reproducible results where the model supports seeds. */
  with_seed(seed: number): ImageGenerationRequest {
    return this.with({ seed: checkers.seed(seed) })
  }

  /** An aspect ratio such as `16:9`; providers that take ratios use it, others derive a size from it. */
  with_aspect_ratio(ratio: string): ImageGenerationRequest {
    return this.with({ aspect_ratio: checkers.aspect(ratio).trim() })
  }

  /**
   * Options only one provider understands, for example
   * `with_provider_options('fal', { num_inference_steps: 28 })`. The provider
   * validates them; options for providers that do not serve the request are ignored.
   */
  with_provider_options(provider: string, options: Record<string, unknown>): ImageGenerationRequest {
    const id = checkers.providerId(provider)
    const merged = { ...this.provider_options[id], ...checkers.options(options) }
    return this.with({ provider_options: { ...this.provider_options, [id]: Object.freeze(merged) } })
  }

  /** The same request for another model id. */
  with_model(model: ImageModelId): ImageGenerationRequest {
    return this.with({ model: checkers.model(model) })
  }

  /** Plain data, safe to store and to send to `fromJSON`. */
  toJSON(): ImageGenerationRequestData {
    const data: Record<string, unknown> = { model: this.model, prompt: this.prompt, n: this.n, format: this.format }
    // The optional fields that are set, in the setters' order (n and format are in already).
    for (const key in SETTERS) {
      const value = this[key as keyof typeof SETTERS]
      if (value !== undefined && !(key in data)) data[key] = key === 'size' ? String(value) : value
    }
    if (Object.keys(this.provider_options).length > 0) data.provider_options = { ...this.provider_options }
    return data as unknown as ImageGenerationRequestData
  }

  /**
   * The request `value` stands for, validated completely: a request as it is,
   * or a plain object of its fields (`{ model, prompt, n?, size?, quality?,
   * style?, format?, negative_prompt?, seed?, aspect_ratio?, provider_options? }`,
   * `size` as an `ImageSize` or `"1024x1024"`), every present field through the
   * same checks as the `with_*` methods. Anything else, or any unknown field,
   * is `invalid_request`. What `generateImage` does with its argument.
   */
  static from(value: unknown): ImageGenerationRequest {
    if (value instanceof ImageGenerationRequest) return value
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw invalidRequest(`expected an ImageGenerationRequest or a plain object of its fields, got ${describe(value)}`)
    const data = value as Record<string, unknown>
    const unknown = Object.keys(data).filter((key) => !PLAIN_FIELDS.has(key))
    if (unknown.length > 0)
      throw invalidRequest(
        `unknown request field${unknown.length > 1 ? 's' : ''} ${unknown.slice(0, 5).join(', ')}; allowed: ${[...PLAIN_FIELDS].join(', ')}`,
      )
    let request = new ImageGenerationRequest(data.model as string, data.prompt as string)
    for (const [key, method] of Object.entries(SETTERS)) {
      const field = data[key]
      if (field !== undefined) request = request[method]((key === 'size' ? sizeOf(field) : field) as never)
    }
    if (data.provider_options !== undefined) {
      const options = checkers.options(data.provider_options)
      for (const [provider, entry] of Object.entries(options))
        request = request.with_provider_options(provider, entry as Record<string, unknown>)
    }
    return request
  }

  /** Rebuilds a request from `toJSON()` output, validating every field again. */
  static fromJSON(data: ImageGenerationRequestData): ImageGenerationRequest {
    return ImageGenerationRequest.from(data)
  }
}
