import { ImageFormat, type ImageModelInfo } from '@llmkit/core'
import { runwayImageOptionsSchema } from './runway-options'

/** Model ids with autocomplete. */
export type RunwayImageModelId = RunwayKnownModelId | (string & {})

/** The model ids in this package's catalog. */
export type RunwayKnownModelId = 'gen4_image' | 'gen4_image_turbo'

// Declared to core, so that a request's `model` autocompletes these ids wherever this package is imported.
declare module '@llmkit/core' {
  interface ImageModelIds extends Record<RunwayKnownModelId, true> {}
}

/** Output resolutions of the Gen-4 image models (`@runwayml/sdk` 4.20.1, `ratio`), as pixel sizes. */
export const RUNWAY_GEN4_RATIOS = [
  '1024:1024',
  '1080:1080',
  '1168:880',
  '1360:768',
  '1440:1080',
  '1080:1440',
  '1808:768',
  '1920:1080',
  '1080:1920',
  '2112:912',
  '1280:720',
  '720:1280',
  '720:720',
  '960:720',
  '720:960',
  '1680:720',
] as const

const GEN4_SIZES = RUNWAY_GEN4_RATIOS.map((ratio) => {
  const [width, height] = ratio.split(':').map(Number) as [number, number]
  return { width, height }
})

const gen4 = (id: string, displayName: string, description: string): ImageModelInfo => ({
  id,
  displayName,
  description,
  maxImagesPerCall: 1,
  maxPromptLength: 1_000,
  sizes: { sizes: GEN4_SIZES },
  supports: { seed: true, formats: [ImageFormat.Url] },
  optionsSchema: runwayImageOptionsSchema,
})

/** Runway's text-to-image models that llmkit maps (one image per task; llmkit splits larger n). */
export const RUNWAY_IMAGE_MODELS: readonly ImageModelInfo[] = [
  gen4('gen4_image', 'Gen-4 Image', 'Runway Gen-4 text to image, optional reference images'),
  gen4('gen4_image_turbo', 'Gen-4 Image Turbo', 'Faster Gen-4; needs 1-3 reference images (option referenceImages)'),
]
