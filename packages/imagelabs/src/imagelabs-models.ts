import { ImageFormat, type ImageModelInfo } from '@llmkit/core'
import { imagelabsImageOptionsSchema } from './imagelabs-options'

/** Model ids with autocomplete. ImageLabs has one model and sends no model on the wire. */
export type ImageLabsImageModelId = ImageLabsKnownModelId | (string & {})

/** The model ids in this package's catalog. */
export type ImageLabsKnownModelId = 'sdxl-turbo'

// Declared to core, so that a request's `model` autocompletes these ids wherever this package is imported.
declare module '@llmkit/core' {
  interface ImageModelIds extends Record<ImageLabsKnownModelId, true> {}
}

/** The one model: SDXL Turbo, 1152x896 unless the request sets a size. */
export const IMAGELABS_IMAGE_MODELS: readonly ImageModelInfo[] = [
  {
    id: 'sdxl-turbo',
    displayName: 'ImageLabs SDXL Turbo',
    description: 'SDXL Turbo behind editor.imagelabs.net (unofficial web API); one image per call',
    maxImagesPerCall: 1,
    maxImagesPerRequest: 4,
    defaultSize: { width: 1152, height: 896 },
    // The sizes the site's editor and gpt4free used (1152x896, 1024x1024, 832x480, 480x832) all fit this range.
    sizes: { range: { min: 256, max: 1536, multipleOf: 16, maxPixels: 1024 * 1024 } },
    supports: { negativePrompt: true, seed: true, formats: [ImageFormat.Url] },
    optionsSchema: imagelabsImageOptionsSchema,
    // Unofficial service: reachable only as `imagelabs:sdxl-turbo`, never by accident.
    routesWithoutPrefix: false,
    typicalDurationMs: 8_000,
  },
]
