import { ImageFormat, type ImageModelInfo } from '@llmkit/core'
import { recraftImageOptionsSchema, recraftV4OptionsSchema } from './recraft-options'

/** Model ids with autocomplete; Recraft's own ids (`recraftv3`) work as aliases. */
export type RecraftImageModelId = RecraftKnownModelId | (string & {})

/** The model ids in this package's catalog. */
export type RecraftKnownModelId =
  | 'recraft-v3'
  | 'recraft-v3-vector'
  | 'recraft-v2'
  | 'recraft-v2-vector'
  | 'recraft-v4'
  | 'recraft-v4-vector'
  | 'recraft-v4-pro'
  | 'recraft-v4.1'
  | 'recraft-v4.1-vector'

// Declared to core, so that a request's `model` autocompletes these ids wherever this package is imported.
declare module '@llmkit/core' {
  interface ImageModelIds extends Record<RecraftKnownModelId, true> {}
}

export const SVG = 'image/svg+xml'
const BOTH_FORMATS = [ImageFormat.Url, ImageFormat.B64Json] as const

/** V2/V3 sizes (Recraft appendix, `ImageSize` in Recraft's generated client). */
const V3_SIZES = [
  [1024, 1024],
  [1365, 1024],
  [1024, 1365],
  [1536, 1024],
  [1024, 1536],
  [1820, 1024],
  [1024, 1820],
  [1024, 2048],
  [2048, 1024],
  [1434, 1024],
  [1024, 1434],
  [1024, 1280],
  [1280, 1024],
  [1024, 1707],
  [1707, 1024],
].map(([width, height]) => ({ width: width!, height: height! }))

/** V4 takes `size` as a ratio; 1:1, 16:9 and 2:1 are documented, the transposes and 4:3, 3:2 are our reading. */
const V4_RATIOS = ['1:1', '16:9', '9:16', '2:1', '1:2', '4:3', '3:4', '3:2', '2:3']

/** The first alias of each model is Recraft's own id, which goes on the wire. */
function recraftModel(
  id: string,
  wireId: string,
  family: 'v3' | 'v4',
  vector: boolean,
  displayName: string,
  description: string,
): ImageModelInfo {
  const v3 = family === 'v3'
  return {
    id,
    aliases: [wireId],
    displayName,
    description,
    maxImagesPerCall: 6,
    maxPromptLength: v3 ? 1_000 : 10_000,
    sizes: v3 ? { sizes: V3_SIZES } : { aspectRatios: V4_RATIOS },
    supports: { negativePrompt: v3, seed: true, formats: BOTH_FORMATS },
    optionsSchema: v3 ? recraftImageOptionsSchema : recraftV4OptionsSchema,
    mediaType: vector ? SVG : undefined,
  }
}

/** Recraft's image models (Recraft docs, models page). Vector models answer SVG. */
export const RECRAFT_IMAGE_MODELS: readonly ImageModelInfo[] = [
  recraftModel(
    'recraft-v3',
    'recraftv3',
    'v3',
    false,
    'Recraft V3',
    'Raster, styles and substyles; vector styles return SVG',
  ),
  recraftModel('recraft-v3-vector', 'recraftv3_vector', 'v3', true, 'Recraft V3 Vector', 'SVG output'),
  recraftModel('recraft-v2', 'recraftv2', 'v3', false, 'Recraft V2', 'Older raster model, same options as V3'),
  recraftModel('recraft-v2-vector', 'recraftv2_vector', 'v3', true, 'Recraft V2 Vector', 'SVG output'),
  recraftModel(
    'recraft-v4',
    'recraftv4',
    'v4',
    false,
    'Recraft V4',
    'Longer prompts; sizes as aspect ratios; no styles',
  ),
  recraftModel('recraft-v4-vector', 'recraftv4_vector', 'v4', true, 'Recraft V4 Vector', 'SVG output'),
  recraftModel('recraft-v4-pro', 'recraftv4_pro', 'v4', false, 'Recraft V4 Pro', 'Twice the resolution of V4'),
  recraftModel('recraft-v4.1', 'recraftv4_1', 'v4', false, 'Recraft V4.1', "Recraft's current default"),
  recraftModel('recraft-v4.1-vector', 'recraftv4_1_vector', 'v4', true, 'Recraft V4.1 Vector', 'SVG output'),
]
