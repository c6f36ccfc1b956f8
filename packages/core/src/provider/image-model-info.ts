import type { ZodSchema } from '../util/zod-schema'
import type { ImageFormat, ImageQuality, ImageStyle } from '../request/image-options'

/** Width and height in pixels. */
export interface Dimensions {
  readonly width: number
  readonly height: number
}

/**
 * The sizes a model accepts: an exact list, a set of aspect ratios, a free
 * range, or a mix. Core snaps a request to the nearest accepted value.
 */
export interface ModelSizes {
  /** Exact sizes the model accepts (DALL-E, SDXL). */
  readonly sizes?: readonly Dimensions[]
  /** Aspect ratios the model accepts, such as `16:9` (Stability v2beta, Runway, ARTA). */
  readonly aspectRatios?: readonly string[]
  /** Any size in this range, each edge a multiple of `multipleOf` (FLUX, local). */
  readonly range?: {
    readonly min: number
    readonly max: number
    readonly multipleOf?: number
    readonly maxPixels?: number
    /** Longest edge over shortest edge, at most (3 for 1:3 to 3:1). */
    readonly maxAspectRatio?: number
  }
}

/** A model in a provider's catalog, with what core validates against before any network call. */
export interface ImageModelInfo {
  /** Canonical id, for example `dall-e-3`. */
  readonly id: string
  /** Other names that route to this model. */
  readonly aliases?: readonly string[]
  readonly displayName?: string
  readonly description?: string
  /** Most images one call returns; core splits larger `n` into several calls. */
  readonly maxImagesPerCall: number
  /** Most images one request may ask for. Default 10. */
  readonly maxImagesPerRequest?: number
  readonly sizes: ModelSizes
  /** Size used when the request sets none. Default 1024x1024. */
  readonly defaultSize?: Dimensions
  /** `snap` (default): use the nearest accepted size with a warning. `strict`: reject. */
  readonly sizePolicy?: 'snap' | 'strict'
  /** Which request settings the model honours; others produce a warning and are dropped. */
  readonly supports: {
    readonly negativePrompt?: boolean
    readonly seed?: boolean
    readonly quality?: readonly ImageQuality[]
    readonly style?: readonly ImageStyle[]
    /** Formats the API itself returns; core downloads URLs when base64 is asked for. */
    readonly formats: readonly ImageFormat[]
  }
  /**
   * Seeds the API takes, when not 0..2^32-1. Core refuses a seed outside it before any request (a value
   * the API reads as "random", such as Stability's 0, belongs outside it), and keeps split calls' seeds in it.
   */
  readonly seedRange?: { readonly min: number; readonly max: number }
  /** Longest prompt the model accepts, in characters. */
  readonly maxPromptLength?: number
  /** Strict zod schema of this model's provider options (overrides the provider's). */
  readonly optionsSchema?: ZodSchema<Record<string, unknown>>
  /** False for models reachable only as `provider:id`. Default true. */
  readonly routesWithoutPrefix?: boolean
  /** Media type of the images, when fixed (`image/svg+xml` for vector models). */
  readonly mediaType?: string
  /** Typical time to finish one job, a hint for the polling loop. */
  readonly typicalDurationMs?: number
}
