import { ImageFormat, type ImageModelInfo } from '@llmkit/core'

/** Model ids with autocomplete, without closing the set. */
export type BflImageModelId = BflKnownModelId | (string & {})

type BflKnownModelId = 'flux-pro-1.1' | 'flux-dev'

// Declared to core, so that a request's `model` autocompletes these ids wherever this package is imported.
declare module '@llmkit/core' {
  interface ImageModelIds extends Record<BflKnownModelId, true> {}
}

/** Width and height: 256–1440 px, multiples of 32 (BFL API reference). */
const FLUX_SIZES = { range: { min: 256, max: 1440, multipleOf: 32 } }

/** The catalog: what core validates a request against before any network call. */
export const BFL_IMAGE_MODELS: readonly ImageModelInfo[] = [
  {
    id: 'flux-pro-1.1',
    displayName: 'FLUX1.1 [pro]',
    maxImagesPerCall: 1,
    sizes: FLUX_SIZES,
    defaultSize: { width: 1024, height: 768 },
    supports: { seed: true, formats: [ImageFormat.Url] },
    typicalDurationMs: 8_000,
  },
  {
    id: 'flux-dev',
    displayName: 'FLUX.1 [dev]',
    maxImagesPerCall: 1,
    sizes: FLUX_SIZES,
    defaultSize: { width: 1024, height: 768 },
    supports: { seed: true, formats: [ImageFormat.Url] },
    typicalDurationMs: 10_000,
  },
]
