import { ImageFormat, type ImageModelInfo } from '@llmkit/core'
import type * as z from 'zod'
import {
  stabilityCoreOptionsSchema,
  stabilitySd3OptionsSchema,
  stabilitySdxlOptionsSchema,
  stabilityUltraOptionsSchema,
} from './stability-options'

/** Model ids with autocomplete; `stability:<id>` reaches any of them explicitly. */
export type StabilityImageModelId = StabilityKnownModelId | (string & {})

/** The model ids in this package's catalog. */
export type StabilityKnownModelId =
  | 'stability-ai/stable-diffusion-xl'
  | 'stability-ai/stable-diffusion-3'
  | 'stability-ai/stable-image-core'
  | 'stability-ai/stable-image-ultra'

// Declared to core, so that a request's `model` autocompletes these ids wherever this package is imported.
declare module '@llmkit/core' {
  interface ImageModelIds extends Record<StabilityKnownModelId, true> {}
}

export const SDXL_ENGINE = 'stable-diffusion-xl-1024-v1-0'
const size = (width: number, height: number) => ({ width, height })
const SDXL_SIZES = [
  size(1024, 1024),
  size(1152, 896),
  size(1216, 832),
  size(1344, 768),
  size(1536, 640),
  size(640, 1536),
  size(768, 1344),
  size(832, 1216),
  size(896, 1152),
]
const ASPECT_RATIOS = ['21:9', '16:9', '3:2', '5:4', '1:1', '4:5', '2:3', '9:16', '9:21']

/** Pixels the v2beta endpoints return per aspect ratio (Stability's ComfyUI node): ~1 MP, and ~1.5 MP for core. */
export const MEGAPIXEL_SIZES: Readonly<Record<string, readonly [number, number]>> = {
  '1:1': [1024, 1024],
  '5:4': [1088, 896],
  '3:2': [1216, 832],
  '16:9': [1344, 768],
  '21:9': [1536, 640],
  '4:5': [896, 1088],
  '2:3': [832, 1216],
  '9:16': [768, 1344],
  '9:21': [640, 1536],
}
export const CORE_SIZES: Readonly<Record<string, readonly [number, number]>> = Object.fromEntries(
  Object.entries(MEGAPIXEL_SIZES).map(([ratio, [w, h]]) => [ratio, [w * 1.5, h * 1.5]]),
)

/** Seeds as the specifications bound them; both APIs read 0 as "pick a random seed", so 0 is refused. */
const V1_SEEDS = { min: 1, max: 4_294_967_295 }
const V2_SEEDS = { min: 1, max: 4_294_967_294 }

const v2Model = (
  id: string,
  displayName: string,
  description: string,
  optionsSchema: z.ZodType<Record<string, unknown>>,
): ImageModelInfo => ({
  id,
  aliases: [id.slice('stability-ai/'.length)],
  displayName,
  description,
  maxImagesPerCall: 1,
  maxPromptLength: 10_000,
  sizes: { aspectRatios: ASPECT_RATIOS },
  supports: { negativePrompt: true, seed: true, formats: [ImageFormat.B64Json] },
  seedRange: V2_SEEDS,
  optionsSchema,
})

/** Stability's text-to-image models: SDXL on the v1 JSON API, the rest on v2beta multipart endpoints. */
export const STABILITY_IMAGE_MODELS: readonly ImageModelInfo[] = [
  {
    id: 'stability-ai/stable-diffusion-xl',
    aliases: [SDXL_ENGINE],
    displayName: 'Stable Diffusion XL 1.0',
    description: 'v1 API; up to 10 images per call; nine fixed sizes',
    maxImagesPerCall: 10,
    maxPromptLength: 2_000,
    sizes: { sizes: SDXL_SIZES },
    supports: { negativePrompt: true, seed: true, formats: [ImageFormat.B64Json] },
    seedRange: V1_SEEDS,
    optionsSchema: stabilitySdxlOptionsSchema,
  },
  v2Model(
    'stability-ai/stable-diffusion-3',
    'Stable Diffusion 3.5',
    'v2beta sd3 endpoint; variant via the `model` option',
    stabilitySd3OptionsSchema,
  ),
  {
    ...v2Model(
      'stability-ai/stable-image-core',
      'Stable Image Core',
      'v2beta core endpoint; fast, 1.5 MP, style presets',
      stabilityCoreOptionsSchema,
    ),
    defaultSize: size(1536, 1536),
  },
  v2Model(
    'stability-ai/stable-image-ultra',
    'Stable Image Ultra',
    'v2beta ultra endpoint; highest quality, 1 MP',
    stabilityUltraOptionsSchema,
  ),
]
