import {
  ImageFormat,
  ImageGenerationRequest,
  ImageQuality,
  ImageSize,
  ImageStyle,
  safeParseWith,
  type ResolvedModel,
} from '@llmkit/core'
import type { GenerationRequestBody } from './schemas'

/** OpenAI's default model when a request names none. */
export const DEFAULT_MODEL = 'dall-e-2'

const CORE_QUALITY: Record<string, ImageQuality | undefined> = { standard: ImageQuality.Standard, hd: ImageQuality.Hd }

/**
 * OpenAI's GPT-image fields, passed to the serving provider's options only
 * where its schema accepts them (OpenAI's own models), and ignored elsewhere,
 * as OpenAI-compatible servers do with fields a model does not take.
 */
const NATIVE_FIELDS = ['quality', 'output_format', 'output_compression', 'background', 'moderation', 'user'] as const

/** Maps an OpenAI-format body to an llmkit request for the resolved model (validated again by core). */
export function toImageRequest(body: GenerationRequestBody, resolved: ResolvedModel): ImageGenerationRequest {
  let request = new ImageGenerationRequest(body.model ?? DEFAULT_MODEL, body.prompt)
  if (body.n != null) request = request.with_n(body.n)
  if (body.size && body.size !== 'auto') request = request.with_size(ImageSize.parse(body.size))
  const quality = body.quality ? CORE_QUALITY[body.quality] : undefined
  if (quality) request = request.with_quality(quality)
  if (body.style) request = request.with_style(body.style === 'vivid' ? ImageStyle.Vivid : ImageStyle.Natural)
  request = request.with_format(wantsBase64(body, resolved) ? ImageFormat.B64Json : ImageFormat.Url)
  if (body.negative_prompt) request = request.with_negative_prompt(body.negative_prompt)
  if (body.seed != null) request = request.with_seed(body.seed)
  if (body.aspect_ratio) request = request.with_aspect_ratio(body.aspect_ratio)
  const native = nativeOptions(body, resolved)
  if (native) request = request.with_provider_options(resolved.provider.id, native)
  for (const [provider, options] of Object.entries(body.provider_options ?? {})) {
    request = request.with_provider_options(provider, options)
  }
  return request
}

/**
 * Whether the answer carries base64: asked for, or (like OpenAI's GPT image
 * models) no format asked and the model only returns bytes.
 */
export function wantsBase64(body: GenerationRequestBody, resolved: ResolvedModel): boolean {
  if (body.response_format) return body.response_format === 'b64_json'
  return !resolved.model.supports.formats.includes(ImageFormat.Url)
}

function nativeOptions(body: GenerationRequestBody, resolved: ResolvedModel): Record<string, unknown> | undefined {
  const schema = resolved.model.optionsSchema ?? resolved.provider.optionsSchema
  if (!schema) return undefined
  let options: Record<string, unknown> | undefined
  for (const field of NATIVE_FIELDS) {
    const value = body[field]
    if (value == null || (field === 'quality' && CORE_QUALITY[value as string])) continue
    if (safeParseWith(schema, { [field]: value }).success) (options ??= {})[field] = value
  }
  // Previews only make sense on a stream; OpenAI's 0 means none.
  const partials = body.stream ? body.partial_images : undefined
  if (partials && safeParseWith(schema, { partial_images: partials }).success)
    (options ??= {}).partial_images = partials
  return options
}
