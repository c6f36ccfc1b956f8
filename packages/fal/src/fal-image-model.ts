import {
  GeneratedImage,
  ImageFormat,
  LLMKitError,
  type ImageCall,
  type ImageModelInfo,
  type JobStatus,
  definedFields,
} from '@llmkit/core'
import type { FalResult } from './fal-api'
import {
  falFluxOptionsSchema,
  falFluxSchnellOptionsSchema,
  falImageOptionsSchema,
  falStableDiffusionOptionsSchema,
  type FalImageOptions,
} from './fal-options'

/** Model ids with autocomplete; any other fal endpoint id works with the `fal:` prefix. */
export type FalImageModelId = FalKnownModelId | (string & {})

type FalKnownModelId = 'fal-ai/flux/dev' | 'fal-ai/flux/schnell' | 'fal-ai/stable-diffusion-3'

// Declared to core, so that a request's `model` autocompletes these ids wherever this package is imported.
declare module '@llmkit/core' {
  interface ImageModelIds extends Record<FalKnownModelId, true> {}
}

// FLUX and SD3 take any {width, height}; llmkit keeps to the range where they draw well.
const RANGE = { min: 256, max: 2048, multipleOf: 16 }
const URL_ONLY = [ImageFormat.Url] as const

/** fal's text-to-image models in llmkit's catalog (fal.md §2.5–2.7). */
export const FAL_IMAGE_MODELS: readonly ImageModelInfo[] = [
  {
    id: 'fal-ai/flux/dev',
    displayName: 'FLUX.1 [dev]',
    description: 'High quality, 12B parameters; up to 4 images per call',
    maxImagesPerCall: 4,
    sizes: { range: RANGE },
    supports: { seed: true, formats: URL_ONLY },
    optionsSchema: falFluxOptionsSchema,
    typicalDurationMs: 4_000,
  },
  {
    id: 'fal-ai/flux/schnell',
    displayName: 'FLUX.1 [schnell]',
    description: 'Fast (1–4 steps); up to 4 images per call',
    maxImagesPerCall: 4,
    sizes: { range: RANGE },
    supports: { seed: true, formats: URL_ONLY },
    optionsSchema: falFluxSchnellOptionsSchema,
    typicalDurationMs: 1_500,
  },
  {
    id: 'fal-ai/stable-diffusion-3',
    aliases: ['fal-ai/stable-diffusion-v3-medium'],
    displayName: 'Stable Diffusion 3 Medium',
    description: "fal's stable-diffusion-v3-medium endpoint; negative prompts; up to 4 images per call",
    maxImagesPerCall: 4,
    sizes: { range: RANGE },
    supports: { negativePrompt: true, seed: true, formats: URL_ONLY },
    optionsSchema: falStableDiffusionOptionsSchema,
    typicalDurationMs: 4_000,
  },
]

const CATALOG_IDS = new Set(FAL_IMAGE_MODELS.map((model) => model.id))
/** Catalog ids whose fal endpoint is spelled differently (fal.md §2.7: fal has no `fal-ai/stable-diffusion-3`). */
const ENDPOINTS: Readonly<Record<string, string>> = { 'fal-ai/stable-diffusion-3': 'fal-ai/stable-diffusion-v3-medium' }
const ENDPOINT_ID = /^[a-z0-9][\w.-]*(\/[\w.-]+)+$/i

/** The fal endpoint id a model id is submitted to. */
export const falEndpointOf = (modelId: string): string => ENDPOINTS[modelId] ?? modelId

/** Any other fal endpoint (`fal:fal-ai/flux-lora`), taken on trust: fal validates its input. One image per call. */
export function resolveFalModel(id: string): ImageModelInfo | undefined {
  if (!ENDPOINT_ID.test(id)) return undefined
  return {
    id,
    displayName: id,
    description: "fal endpoint outside llmkit's catalog",
    maxImagesPerCall: 1,
    routesWithoutPrefix: false,
    sizes: { range: { min: 64, max: 4096, multipleOf: 8 } },
    supports: { negativePrompt: true, seed: true, formats: URL_ONLY },
    optionsSchema: falImageOptionsSchema,
  }
}

/** `image_size` presets [?: sizes agreed by third-party sources]; other sizes go as `{ width, height }`. */
const PRESETS: Readonly<Record<string, string>> = {
  '1024x1024': 'square_hd',
  '512x512': 'square',
  '768x1024': 'portrait_4_3',
  '576x1024': 'portrait_16_9',
  '1024x768': 'landscape_4_3',
  '1024x576': 'landscape_16_9',
}

/** Maps one call to the model input fal's queue takes as the submit body. */
export function toFalInput(call: ImageCall): Record<string, unknown> {
  const { input: extra, ...options } = call.options as FalImageOptions
  const body: Record<string, unknown> = {
    prompt: call.prompt,
    negative_prompt: call.negativePrompt,
    image_size: PRESETS[`${call.width}x${call.height}`] ?? { width: call.width, height: call.height },
    // Endpoints outside the catalog may not know num_images; one image is their default.
    num_images: CATALOG_IDS.has(call.model.id) || call.n > 1 ? call.n : undefined,
    seed: call.seed,
    ...options,
    ...extra,
  }
  return definedFields(body)
}

function toImage(
  image: NonNullable<FalResult['images']>[number],
  metadata: { seed?: number; content_filtered?: boolean },
): GeneratedImage {
  const details = {
    ...metadata,
    width: image.width ?? undefined,
    height: image.height ?? undefined,
    media_type: image.content_type ?? undefined,
  }
  const inline = /^data:([^;,]+)?;base64,(.*)$/s.exec(image.url)
  if (inline) return GeneratedImage.from_b64(inline[2]!, { ...details, media_type: details.media_type ?? inline[1] })
  return GeneratedImage.from_url(image.url, details)
}

/**
 * fal's output as a job status: images (blacked-out ones marked
 * `content_filtered` with a warning), or a `content_policy` failure when fal's
 * safety checker flagged every image.
 */
export function fromFalResult(result: FalResult, modelId: string): JobStatus {
  const flags = result.has_nsfw_concepts ?? result.nsfw_content_detected ?? []
  const found = result.images ?? []
  const seed = found.length === 1 ? (result.seed ?? undefined) : undefined
  const images = found.map((image, index) =>
    toImage(image, { seed, content_filtered: flags[index] === true ? true : undefined }),
  )
  const flagged = images.filter((image) => image.content_filtered).length
  if (images.length > 0 && flagged === images.length) {
    const message = `fal: its safety checker flagged ${images.length === 1 ? 'the image' : `all ${images.length} images`} as NSFW and blacked ${images.length === 1 ? 'it' : 'them'} out — rephrase the prompt`
    return {
      state: 'failed',
      error: new LLMKitError({ code: 'content_policy', provider: 'fal', model: modelId, message }),
    }
  }
  const warnings =
    flagged > 0
      ? [`fal: ${flagged} of ${images.length} images were flagged as NSFW and blacked out (marked content_filtered)`]
      : []
  return { state: 'completed', images, warnings }
}
