import { ImageFormat, type ImageModelInfo } from '@llmkit/core'

// Declared to core, so that a request's `model` autocompletes `local:sketch` wherever this package is imported.
declare module '@llmkit/core' {
  interface ImageModelIds extends Record<'local:sketch', true> {}
}

/** The local renderer's one model. */
export const LOCAL_MODEL_ID = 'sketch'

/** Catalog entry of `local:sketch`: any size from 64 to 2048 px in steps of 8, so every documented size is exact. */
export const sketchModel: ImageModelInfo = {
  id: LOCAL_MODEL_ID,
  aliases: ['local'],
  displayName: 'Local sketch (procedural, offline)',
  description: 'Procedural landscapes painted from prompt keywords; no network, no model weights',
  maxImagesPerCall: 10,
  sizes: { range: { min: 64, max: 2048, multipleOf: 8 } },
  defaultSize: { width: 1024, height: 1024 },
  supports: { negativePrompt: true, seed: true, formats: [ImageFormat.Url, ImageFormat.B64Json] },
  mediaType: 'image/png',
  typicalDurationMs: 150,
}
