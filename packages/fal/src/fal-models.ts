import { ImageFormat, type ImageModelInfo } from '@llmkit/core'
import {
  falFluxOptionsSchema,
  falFluxSchnellOptionsSchema,
  falImageOptionsSchema,
  falStableDiffusionOptionsSchema,
} from './fal-options'

/** Model ids with autocomplete; any other fal endpoint id works with the `fal:` prefix. */
export type FalImageModelId = FalKnownModelId | (string & {})

/** The model ids in this package's catalog. */
export type FalKnownModelId = 'fal-ai/flux/dev' | 'fal-ai/flux/schnell' | 'fal-ai/stable-diffusion-3'

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

/** Ids of the catalog: these take `num_images`. */
export const CATALOG_IDS = new Set(FAL_IMAGE_MODELS.map((model) => model.id))
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
