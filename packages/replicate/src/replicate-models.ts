import { ImageFormat, type ImageModelInfo } from '@llmkit/core'
import { replicateImageOptionsSchema } from './replicate-options'

/** Model ids with autocomplete; any `owner/name` or `owner/name:version` works with the `replicate:` prefix. */
export type ReplicateImageModelId = ReplicateKnownModelId | (string & {})

/** The model ids in this package's catalog. */
export type ReplicateKnownModelId =
  | 'black-forest-labs/flux-schnell'
  | 'black-forest-labs/flux-dev'
  | 'black-forest-labs/flux-1.1-pro'
  | 'stability-ai/sdxl'

// Declared to core, so that a request's `model` autocompletes these ids wherever this package is imported.
declare module '@llmkit/core' {
  interface ImageModelIds extends Record<ReplicateKnownModelId, true> {}
}

/** How a model takes its inputs. */
export interface ReplicateModelSpec {
  readonly sizing: 'aspect_ratio' | 'width_height'
  /** Pinned version, for models that have no official-model endpoint. */
  readonly version?: string
  readonly guidanceField?: 'guidance' | 'guidance_scale'
}

const FLUX_RATIOS = ['1:1', '16:9', '21:9', '3:2', '2:3', '4:5', '5:4', '3:4', '4:3', '9:16', '9:21']
const URL_ONLY = [ImageFormat.Url] as const

/** `stability-ai/sdxl` is a community model: reachable by version only. */
export const SDXL_VERSION = '7762fd07cf82c948538e41f63f77d685e02b063e37e496e96eefd46c929f9bdc'

const SPECS: Readonly<Record<string, ReplicateModelSpec>> = {
  'black-forest-labs/flux-schnell': { sizing: 'aspect_ratio' },
  'black-forest-labs/flux-dev': { sizing: 'aspect_ratio', guidanceField: 'guidance' },
  'black-forest-labs/flux-1.1-pro': { sizing: 'aspect_ratio' },
  'stability-ai/sdxl': { sizing: 'width_height', version: SDXL_VERSION, guidanceField: 'guidance_scale' },
}
const GENERIC_SPEC: ReplicateModelSpec = { sizing: 'width_height' }

const flux = (
  id: string,
  displayName: string,
  maxImagesPerCall: number,
  typicalDurationMs: number,
): ImageModelInfo => ({
  id,
  displayName,
  maxImagesPerCall,
  sizes: { aspectRatios: FLUX_RATIOS },
  supports: { seed: true, formats: URL_ONLY },
  routesWithoutPrefix: false,
  optionsSchema: replicateImageOptionsSchema,
  typicalDurationMs,
})

/**
 * Well-known image models on Replicate (inputs as their model pages give them).
 * `typicalDurationMs` errs low: polling early costs a request, polling late costs the user time.
 */
export const REPLICATE_IMAGE_MODELS: readonly ImageModelInfo[] = [
  {
    ...flux('black-forest-labs/flux-schnell', 'FLUX.1 [schnell]', 4, 1_000),
    description: 'Fastest FLUX; 1-4 steps, up to 4 images per call',
  },
  {
    ...flux('black-forest-labs/flux-dev', 'FLUX.1 [dev]', 4, 3_000),
    description: 'FLUX for quality; up to 4 images per call',
  },
  { ...flux('black-forest-labs/flux-1.1-pro', 'FLUX1.1 [pro]', 1, 3_000), description: 'FLUX pro; one image per call' },
  {
    id: 'stability-ai/sdxl',
    displayName: 'Stable Diffusion XL',
    description: 'SDXL 1.0 by version; negative prompt, up to 4 images per call',
    maxImagesPerCall: 4,
    sizes: { range: { min: 256, max: 2048, multipleOf: 8 } },
    supports: { seed: true, negativePrompt: true, formats: URL_ONLY },
    routesWithoutPrefix: false,
    optionsSchema: replicateImageOptionsSchema,
    typicalDurationMs: 4_000,
  },
]

const MODEL_REF = /^([\w.-]+\/[\w.-]+)(?::([0-9a-f]{64}))?$/

/** `owner/name` or `owner/name:version`: a catalog entry (pinned to the version when given) or a generic model. */
export function resolveReplicateModel(id: string): ImageModelInfo | undefined {
  const match = MODEL_REF.exec(id)
  if (!match) return undefined
  const known = REPLICATE_IMAGE_MODELS.find((model) => model.id === match[1])
  if (known) return { ...known, id }
  return {
    id,
    displayName: id,
    description: 'Any Replicate model: prompt, width and height are sent; set other inputs with the `input` option',
    maxImagesPerCall: 1,
    sizes: { range: { min: 64, max: 2048, multipleOf: 8 } },
    supports: { seed: true, negativePrompt: true, formats: URL_ONLY },
    routesWithoutPrefix: false,
    optionsSchema: replicateImageOptionsSchema,
  }
}

/** The model name, its pinned version (given, or the catalog's) and how it takes its inputs. */
export function splitModelId(modelId: string): { name: string; version?: string; spec: ReplicateModelSpec } {
  const [name, pinned] = modelId.split(':') as [string, string | undefined]
  const spec = SPECS[name] ?? GENERIC_SPEC
  return { name, version: pinned ?? spec.version, spec }
}
