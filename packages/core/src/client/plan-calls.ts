import { safeParseWith, type ZodSchema } from '../util/zod-schema'
import { invalidRequest } from '../errors/llmkit-error'
import type { ImageModelInfo } from '../provider/image-model-info'
import type { ImageCall, ImageProvider } from '../provider/image-provider'
import { ImageFormat } from '../request/image-options'
import type { ImageGenerationRequest } from '../request/image-generation-request'
import { MAX_IMAGES_PER_REQUEST } from '../request/image-generation-request'
import { resolveSize } from '../request/resolve-size'
import type { ResolvedModel } from './model-registry'

/** The calls one request turns into, and the warnings found while planning them. */
export interface CallPlan {
  readonly provider: ImageProvider
  readonly model: ImageModelInfo
  readonly calls: readonly ImageCall[]
  /** Settings the model cannot honour exactly, found while planning. */
  readonly warnings: readonly string[]
}

/**
 * Validates a request against the model's catalog entry and splits it into
 * calls. Everything here happens before any network traffic.
 */
export function planCalls(request: ImageGenerationRequest, { provider, model }: ResolvedModel): CallPlan {
  const warnings: string[] = []
  const maxImages = model.maxImagesPerRequest ?? MAX_IMAGES_PER_REQUEST
  if (request.n > maxImages)
    throw invalidRequest(`${model.id} returns at most ${maxImages} images per request; asked for ${request.n}`, {
      model: model.id,
      provider: provider.id,
    })
  if (model.maxPromptLength && request.prompt.length > model.maxPromptLength) {
    throw invalidRequest(
      `${model.id} accepts prompts of at most ${model.maxPromptLength} characters; this one has ${request.prompt.length}`,
      { model: model.id, provider: provider.id },
    )
  }
  const size = resolveSize(model, request.size, request.aspect_ratio)
  if (size.warning) warnings.push(size.warning)
  const { supports } = model
  const quality = keepIfSupported(
    request.quality,
    supports.quality,
    `${model.id} has no quality setting; ignoring quality "${request.quality}"`,
    warnings,
  )
  const style = keepIfSupported(
    request.style,
    supports.style,
    `${model.id} has no style setting; ignoring style "${request.style}"`,
    warnings,
  )
  if (request.negative_prompt && !supports.negativePrompt)
    warnings.push(`${model.id} does not take a negative prompt; ignoring it`)
  if (request.seed !== undefined && !supports.seed)
    warnings.push(`${model.id} does not take a seed; results will not be reproducible`)
  const seedRange = model.seedRange ?? FULL_SEED_RANGE
  if (supports.seed && request.seed !== undefined && (request.seed < seedRange.min || request.seed > seedRange.max)) {
    throw invalidRequest(
      `${model.id} takes seeds from ${seedRange.min} to ${seedRange.max}; got ${request.seed}${request.seed === 0 && seedRange.min > 0 ? ' (the API reads 0 as "pick a random seed")' : ''}`,
      { model: model.id, provider: provider.id },
    )
  }
  if (request.format === ImageFormat.Url && !supports.formats.includes(ImageFormat.Url)) {
    warnings.push(`${model.id} returns base64 only; image.url is unset, use b64_json, bytes() or save()`)
  }
  const options = parseOptions(provider, model, request.provider_options[provider.id] ?? NO_OPTIONS)
  for (const other in request.provider_options) {
    if (other !== provider.id)
      warnings.push(`options for "${other}" are ignored: ${model.id} is served by ${provider.id}`)
  }
  const perCall = Math.max(1, model.maxImagesPerCall)
  const calls: ImageCall[] = []
  for (let done = 0, callIndex = 0; done < request.n; callIndex++) {
    const n = Math.min(perCall, request.n - done)
    calls.push(
      Object.freeze({
        model,
        prompt: request.prompt,
        n,
        width: size.width,
        height: size.height,
        aspectRatio: size.aspectRatio,
        quality,
        style,
        format: request.format,
        negativePrompt: supports.negativePrompt ? request.negative_prompt : undefined,
        seed: supports.seed && request.seed !== undefined ? seedFor(request.seed, done, seedRange) : undefined,
        options,
        callIndex,
      }),
    )
    done += n
  }
  return { provider, model, calls, warnings }
}

const FULL_SEED_RANGE = { min: 0, max: 2 ** 32 - 1 }

/** The seed of a split call: `seed + images before it`, wrapped to stay in the model's range. */
function seedFor(seed: number, offset: number, range: { min: number; max: number }): number {
  return range.min + ((seed - range.min + offset) % (range.max - range.min + 1))
}

function keepIfSupported<T extends string>(
  value: T | undefined,
  supported: readonly T[] | undefined,
  warning: string,
  warnings: string[],
): T | undefined {
  if (value === undefined) return undefined
  if (supported?.includes(value)) return value
  warnings.push(supported?.length ? `${warning} (supported: ${supported.join(', ')})` : warning)
  return undefined
}

const NO_OPTIONS: Readonly<Record<string, unknown>> = Object.freeze({})

function parseOptions(
  provider: ImageProvider,
  model: ImageModelInfo,
  options: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> {
  const schema: ZodSchema<Record<string, unknown>> | undefined = model.optionsSchema ?? provider.optionsSchema
  if (!schema) {
    if (Object.keys(options).length === 0) return NO_OPTIONS
    throw invalidRequest(`${provider.id} takes no provider options; got ${Object.keys(options).join(', ')}`, {
      provider: provider.id,
      model: model.id,
    })
  }
  const result = safeParseWith(schema, options)
  if (result.success) return Object.freeze(result.data)
  const problems = result.error.issues
    .map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`)
    .join('; ')
  throw invalidRequest(`Invalid ${provider.id} options for ${model.id}: ${problems}`, {
    provider: provider.id,
    model: model.id,
  })
}
